"""docs/http.md runs as written: its curl commands get the answers it promises, its
settings table shows the defaults, its code table the codes the endpoint uses."""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from gateway.server import EndpointSettings
from gateway.testing import GatewayClient
from tests.fakes import FakeState

PAGE = (Path(__file__).parents[3] / "docs" / "http.md").read_text()
SHELL = re.findall(r"```sh\n(.*?)```", PAGE, re.S)


def _curl(command: str) -> tuple[str, str, dict[str, str], dict[str, Any]]:
    """method, path, headers and httpx keyword arguments of a ``curl`` command."""
    words = shlex.split(command.replace("\\\n", " "))
    assert words[0] == "curl"
    method, url, headers, data, params = "POST", "", {}, None, {}
    get = "-G" in words
    i = 1
    while i < len(words):
        word = words[i]
        if word in ("-H", "-d", "--data-urlencode"):
            value = words[i + 1]
            if word == "-H":
                name, _, header = value.partition(":")
                headers[name.strip()] = header.strip()
            elif word == "-d":
                data = value
            else:
                name, _, param = value.partition("=")
                params[name] = param
            i += 2
            continue
        if not word.startswith("-"):
            url = word
        i += 1
    if get:
        method = "GET"
    path = urlsplit(url).path
    options: dict[str, Any] = {"headers": headers}
    if data is not None:
        options["content"] = data.encode()
    if params:
        options["params"] = params
    return method, path, headers, options


def test_the_opening_example_answers_in_the_newer_media_type(
    fake_client: GatewayClient, fake_state: FakeState
) -> None:
    method, path, _, options = _curl(SHELL[0])

    response = fake_client.request(method, path, **options)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert response.json() == {
        "data": {"products": {"nodes": [{"title": "Product 1"}, {"title": "Product 2"}]}}
    }


def test_the_csrf_get_example_passes_and_fails_without_its_header(
    fake_client: GatewayClient, fake_state: FakeState
) -> None:
    command = next(c for c in SHELL if " -G " in c)
    method, path, headers, options = _curl(command)

    allowed = fake_client.request(method, path, **options)
    blocked = fake_client.request(method, path, **{**options, "headers": {}})

    assert headers == {"x-commerce-gateway-client": "curl"}
    assert allowed.json()["data"]["products"]["nodes"][0] == {"title": "Product 1"}
    assert blocked.json()["errors"][0]["extensions"]["code"] == "CSRF_BLOCKED"


def _flatten(settings: object, prefix: str = "") -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in dataclasses.fields(settings):  # type: ignore[arg-type]
        value = getattr(settings, item.name)
        if dataclasses.is_dataclass(value):
            values.update(_flatten(value, f"{prefix}{item.name}."))
        else:
            values[f"{prefix}{item.name}"] = value
    return values


def test_the_settings_table_lists_every_setting_with_its_default() -> None:
    rows = dict(re.findall(r"^\| `([a-z_.]+)` \| ([^|]+) \|", PAGE, re.M))
    defaults = _flatten(EndpointSettings())

    assert rows.keys() == defaults.keys()
    for name, shown in rows.items():
        value = defaults[name]
        shown = shown.strip()
        if shown.startswith("`"):
            assert (
                json.loads(shown.strip("`").replace("True", "true").replace("False", "false"))
                == value
            ), name
        elif shown == "none":
            assert value in (None, ()), name
        else:
            assert name in ("graphiql", "csrf.required_headers"), name


@pytest.mark.parametrize(
    "code",
    sorted(set(re.findall(r"^\| [0-9, ]+ \| `([A-Z_]+)`", PAGE, re.M))),
)
def test_each_documented_refusal_code_is_one_the_endpoint_uses(code: str) -> None:
    sources = "".join(
        path.read_text() for path in (Path(__file__).parents[3] / "gateway" / "server").glob("*.py")
    )
    assert f'"{code}"' in sources
