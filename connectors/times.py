"""Vendor date-times as the records hold them: aware, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["utc_time"]


def utc_time(value: str | None) -> datetime | None:
    """An ISO 8601 date-time as vendors send it (``2026-03-01T10:15:00Z``, ``...+01:00``,
    ``...+0000``, ``....000+0000``) -> an aware UTC datetime; one without a zone is taken
    as UTC. ``None`` or empty text -> ``None``."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
