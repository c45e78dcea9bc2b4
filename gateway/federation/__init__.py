"""Federation: records from several systems made into one answer (``docs/federation.md``)."""

from __future__ import annotations

from gateway.federation.customers import (
    MERGED_FIELDS,
    Merge,
    MergeWarning,
    match,
    merge,
    normalise_email,
)
from gateway.federation.orders import Position, merge_pages
from gateway.federation.settings import FederationSettings

__all__ = [
    "MERGED_FIELDS",
    "FederationSettings",
    "Merge",
    "MergeWarning",
    "Position",
    "match",
    "merge",
    "merge_pages",
    "normalise_email",
]
