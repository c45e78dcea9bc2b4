"""Finding connectors by name, through the ``commerce_gateway.connectors`` entry points.

A third party ships a connector with ``pip install``: its package declares

.. code-block:: toml

    [project.entry-points."commerce_gateway.connectors"]
    acme = "acme_connector:AcmeConnector"

and ``type = "acme"`` in a gateway config finds it.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from connectors.base import Connector
from connectors.errors import SettingsError

__all__ = [
    "ENTRY_POINT_GROUP",
    "UnknownConnector",
    "available_connectors",
    "load_connector",
    "load_sandbox",
]

ENTRY_POINT_GROUP = "commerce_gateway.connectors"


class UnknownConnector(SettingsError):
    """No installed connector has the name asked for."""


def available_connectors() -> list[str]:
    """Names of every installed connector, sorted."""
    return sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})


def load_connector(name: str) -> type[Connector[Any]]:
    """The connector class registered as ``name``."""
    matches = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not matches:
        known = ", ".join(available_connectors()) or "none"
        raise UnknownConnector(
            f"no connector named {name!r} is installed (installed: {known}); "
            f"check the spelling or `pip install` the package that provides it"
        )
    cls = matches[0].load()
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        raise UnknownConnector(
            f"entry point {name!r} ({matches[0].value}) is not a connectors.Connector subclass"
        )
    return cls


def load_sandbox(connector: type[Connector[Any]]) -> type[Any]:
    """The sandbox class a connector declares in its ``sandbox`` attribute."""
    if not connector.sandbox:
        raise UnknownConnector(f"connector {connector.name!r} ships no sandbox")
    module_name, _, attr = connector.sandbox.partition(":")
    sandbox: type[Any] = getattr(importlib.import_module(module_name), attr)
    return sandbox
