"""Secrets never reach the log.

While the gateway runs, every log record in the process is redacted as it is made: the
configured secrets (every setting typed ``Secret``: connectors' credentials, API keys, the
JWT secret) and anything shaped like a credential (a bearer token, a JWT, ``token=...`` in
a URL, Shopify and Stripe key prefixes) become ``**********`` — in the message, its
arguments and any traceback. Vendors' error texts
and hosts still reach the log; clients never see either.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from connectors.secrets import Secret
from gateway.config import GatewayConfig

__all__ = ["MASK", "Redactor", "install_redaction"]

MASK = "**********"

_SHAPES = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(
        r"(?i)((?:access_token|token|client_secret|api_key|apikey|password|secret)[\"']?\s*[=:]\s*[\"']?)"
        r"[^\s&\"',;]{4,}"
    ),
    re.compile(r"\b(shp(?:at|ss|ca|pa)_)[A-Za-z0-9]{8,}"),
    re.compile(r"\b((?:sk|rk|whsec)_(?:live_|test_)?)[A-Za-z0-9]{8,}"),
    # A JWT anywhere (a header, a URL, a message).
    re.compile(r"\b(eyJ)[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*"),
]


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for shape in _SHAPES:
            text = shape.sub(lambda m: m.group(1) + MASK, text)
        return text


def configured_secrets(config: GatewayConfig) -> list[str]:
    """Every credential in the config: connectors', API keys, the JWT secret."""
    holders: list[object] = [spec.settings for spec in config.connectors.values()]
    holders.extend(config.auth.api_keys)
    if config.auth.jwt is not None:
        holders.append(config.auth.jwt)
    return [
        value.reveal()
        for holder in holders
        for value in vars(holder).values()
        if isinstance(value, Secret)
    ]


def _redacted(value: object, redact: Redactor) -> object:
    if isinstance(value, int | float | bool) or value is None:
        return value
    text = str(value)
    cleaned = redact(text)
    if cleaned == text:
        return value
    return cleaned


@contextmanager
def install_redaction(config: GatewayConfig) -> Iterator[Redactor]:
    """Redact every log record made while inside (restores the previous factory after)."""
    redact = Redactor(configured_secrets(config))
    previous = logging.getLogRecordFactory()
    formatter = logging.Formatter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        # Arguments keep their places (formatters such as uvicorn's unpack them); only
        # one whose text holds a secret is replaced by its redacted text.
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg, redact) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redacted(v, redact) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(formatter.formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
    try:
        yield redact
    finally:
        logging.setLogRecordFactory(previous)
