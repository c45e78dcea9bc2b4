"""Secrets never reach the log, and log formatters keep working."""

from __future__ import annotations

import logging

import pytest

from gateway.redaction import MASK, Redactor, install_redaction
from tests.gateway.conftest import fake_config


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("GET /x Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "eyJhbGciOiJIUzI1NiJ9"),
        ("https://api.example/x?access_token=abcd1234efgh&b=1", "abcd1234efgh"),
        ('{"client_secret": "s3cr3t-value-99"}', "s3cr3t-value-99"),
        ("token shpat_0123456789abcdef0123 refused", "shpat_0123456789abcdef0123"),
        ("stripe said sk_live_51H8abcdefghijkl no", "sk_live_51H8abcdefghijkl"),
    ],
    ids=["bearer", "query-token", "json-secret", "shopify-token", "stripe-key"],
)
def test_credential_shapes_are_masked(text: str, leak: str) -> None:
    redacted = Redactor()(text)
    assert leak not in redacted
    assert MASK in redacted


def test_configured_secrets_are_masked_in_messages_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = fake_config(FAKE_TOKEN="plain-looking-credential")
    log = logging.getLogger("tests.redaction")
    with install_redaction(config), caplog.at_level(logging.INFO):
        log.info("vendor said: %s", "bad key plain-looking-credential")
        try:
            raise RuntimeError("boom with plain-looking-credential inside")
        except RuntimeError:
            log.exception("failed")
    assert "plain-looking-credential" not in caplog.text
    assert caplog.text.count(MASK) >= 2


def test_formatters_that_unpack_arguments_still_work() -> None:
    # uvicorn's access formatter unpacks record.args into five fields.
    config = fake_config()
    with install_redaction(config):
        record = logging.getLogger("uvicorn.access").makeRecord(
            "uvicorn.access",
            logging.INFO,
            __file__,
            1,
            '%s - "%s %s HTTP/%s" %d',
            ("127.0.0.1:5", "POST", "/graphql", "1.1", 200),
            None,
        )
    _, method, _, _, status = record.args  # type: ignore[misc]
    assert (method, status) == ("POST", 200)
    assert record.getMessage() == '127.0.0.1:5 - "POST /graphql HTTP/1.1" 200'


def test_the_previous_record_factory_is_restored() -> None:
    before = logging.getLogRecordFactory()
    with install_redaction(fake_config()):
        assert logging.getLogRecordFactory() is not before
    assert logging.getLogRecordFactory() is before
