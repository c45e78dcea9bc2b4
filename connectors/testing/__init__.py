"""The conformance kit: one contract suite every connector runs against its sandbox.

A connector's whole conformance test is a few lines::

    from connectors.testing import ConnectorContract
    from acme_connector import AcmeConnector

    class TestAcmeContract(ConnectorContract):
        connector_class = AcmeConnector
        per_key_calls = {"customers": "Acme has no bulk customer lookup"}

The suite checks what the gateway relies on: key order kept, ``None`` (or an empty list)
for missing keys, pagination that walks every item exactly once, one vendor call per batch,
and vendor failures mapped to :mod:`connectors.errors`. Tests for a capability the connector
does not declare are skipped with the reason it gives in ``missing_capabilities``; with no
reason they fail.
"""

from __future__ import annotations

from connectors.testing.contract import ConnectorContract, connect
from connectors.testing.transport import SandboxTransport

__all__ = ["ConnectorContract", "SandboxTransport", "connect"]
