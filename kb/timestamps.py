"""Times: stored in UTC, shown as ISO 8601 with their offset. Pure: imports nothing from kb."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_utc(value: datetime | str) -> str:
    """A stored time as ISO 8601 in UTC with its offset. SQLite hands times back without one, and
    as text where no ORM reads them ("2026-12-05 22:50:01.123458")."""
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()
