"""One customer across systems: matching records and merging them by precedence.

Pure functions over :class:`connectors.models.Customer` records; the data layer fetches.

Matching: two records are the same person when they share

- a **verified** email, normalised (Unicode NFKC, case-folded, trimmed): an address a system
  has not confirmed never links anything; or
- a **linked identity**: an ``Identity`` whose system is one of ``link_on`` (a key several
  systems store, such as the retailer's customer number), or one that names another
  configured system's record by its ID.

Ambiguity is never merged: when one system holds two records of one person (a duplicate),
those records stay separate, and so does a record whose email matches but is unverified;
the merged customer carries a warning that says so.

Merging: each field comes from the first system in its precedence list (the field's own,
else the default) whose record has a value; systems not listed follow in the order given.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from connectors.models import Customer, Identity

__all__ = ["MERGED_FIELDS", "Merge", "MergeWarning", "match", "merge", "normalise_email"]

#: The fields a merged customer takes from one source each.
MERGED_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "phones",
    "addresses",
    "default_address",
    "accepts_marketing",
    "loyalty",
    "created_at",
)


def normalise_email(email: str) -> str:
    """``"  Zoë.Müller@Example.COM "`` and its decomposed spelling -> one key."""
    return unicodedata.normalize("NFKC", email).strip().casefold()


@dataclass(frozen=True, slots=True)
class MergeWarning:
    code: str
    message: str


@dataclass(frozen=True)
class Merge:
    """One person: the merged record, which record gave each field, and what was not merged."""

    customer: Customer
    members: tuple[Customer, ...]
    sources: Mapping[str, Identity]
    warnings: tuple[MergeWarning, ...] = ()


def _ref(record: Customer) -> tuple[str, str]:
    return (record.source, record.external_id)


def _keys(
    record: Customer, link_on: frozenset[str], systems: frozenset[str]
) -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = [("record", record.source, record.external_id)]
    if record.email and record.email_verified:
        keys.append(("email", normalise_email(record.email)))
    for identity in record.identities:
        if identity.system in link_on:
            keys.append(("key", identity.system, identity.external_id))
        elif identity.system in systems and identity.system != record.source:
            keys.append(("record", identity.system, identity.external_id))
    return keys


def _clusters(
    records: Sequence[Customer], link_on: frozenset[str], systems: frozenset[str]
) -> list[list[Customer]]:
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, ...], int] = {}
    for index, record in enumerate(records):
        for key in _keys(record, link_on, systems):
            if key in owner:
                parent[find(index)] = find(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[Customer]] = defaultdict(list)
    for index, record in enumerate(records):
        groups[find(index)].append(record)
    return list(groups.values())


def match(
    records: Iterable[Customer], *, link_on: Iterable[str] = (), systems: Iterable[str] = ()
) -> list[tuple[list[Customer], list[MergeWarning]]]:
    """Group records into people. Each group comes with the warnings about records that
    looked like the same person but were not merged (duplicates, unverified emails)."""
    unique = list({_ref(r): r for r in records}.values())
    link = frozenset(link_on)
    known = frozenset(systems)
    first = _clusters(unique, link, known)

    # A system holding two records of one person: those records stay apart.
    duplicates: set[tuple[str, str]] = set()
    notes: dict[tuple[str, str], MergeWarning] = {}
    for group in first:
        per_system: dict[str, list[Customer]] = defaultdict(list)
        for record in group:
            per_system[record.source].append(record)
        for system, held in per_system.items():
            if len(held) > 1:
                ids = ", ".join(r.external_id for r in held)
                warning = MergeWarning(
                    "AMBIGUOUS_MATCH",
                    f"{system} holds {len(held)} records for this person ({ids}); "
                    f"they are not merged",
                )
                for record in held:
                    duplicates.add(_ref(record))
                for record in group:
                    notes.setdefault(_ref(record), warning)

    kept = [r for r in unique if _ref(r) not in duplicates]
    groups = _clusters(kept, link, known) + [[r] for r in unique if _ref(r) in duplicates]

    result: list[tuple[list[Customer], list[MergeWarning]]] = []
    for group in groups:
        warnings: list[MergeWarning] = []
        members = {_ref(r) for r in group}
        ambiguous = next((notes[ref] for ref in members if ref in notes), None)
        if ambiguous is not None:
            warnings.append(ambiguous)
        emails = {normalise_email(r.email) for r in group if r.email and r.email_verified}
        for other in unique:
            if _ref(other) in members or other.email_verified or not other.email:
                continue
            if normalise_email(other.email) in emails:
                warnings.append(
                    MergeWarning(
                        "UNVERIFIED_EMAIL",
                        f"{other.source} has a record with this email ({other.external_id}) "
                        f"that it has not verified; it is not merged",
                    )
                )
        result.append((group, warnings))
    return result


def _has(value: object) -> bool:
    return value is not None and value != () and value != ""


def merge(
    group: Sequence[Customer],
    precedence: Mapping[str, Sequence[str]],
    *,
    warnings: Sequence[MergeWarning] = (),
) -> Merge:
    """One customer from a group of records of one person.

    ``precedence["default"]`` orders systems for every field; ``precedence[field]`` for one
    field. The merged record keeps the ID of the first record in default precedence, and
    lists every member in ``identities``.
    """
    default = list(precedence.get("default", ()))

    def ranked(order: Sequence[str]) -> list[Customer]:
        rank = {system: i for i, system in enumerate(order)}
        fallback = {system: len(order) + i for i, system in enumerate(default)}
        return sorted(
            group, key=lambda r: (rank.get(r.source, fallback.get(r.source, 10_000)), r.external_id)
        )

    primary = ranked(default)[0]
    values: dict[str, Any] = {}
    sources: dict[str, Identity] = {}
    for name in MERGED_FIELDS:
        for record in ranked(precedence.get(name, default)):
            value = getattr(record, name)
            if _has(value):
                values[name] = value
                sources[name] = Identity(record.source, record.external_id)
                break
    members = ranked(default)
    merged = replace(
        primary,
        email_verified=any(r.email_verified for r in group),
        identities=tuple(Identity(r.source, r.external_id) for r in members),
        **{name: values.get(name, _empty(name)) for name in MERGED_FIELDS},
    )
    return Merge(merged, tuple(members), sources, tuple(warnings))


def _empty(name: str) -> object:
    return () if name in ("phones", "addresses") else None
