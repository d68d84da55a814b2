"""Timestamps as the index and the API carry them: epoch microseconds and RFC 3339 in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_micros(moment: datetime) -> int:
    """Microseconds since the epoch; a naive datetime is taken as UTC."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    delta = aware - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> datetime:
    return datetime.fromtimestamp(micros // 1_000_000, tz=UTC).replace(
        microsecond=micros % 1_000_000
    )


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds: ``2025-12-10T11:20:05.605686Z`` (every response)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_micros(micros: int) -> str:
    return format_timestamp(from_micros(micros))
