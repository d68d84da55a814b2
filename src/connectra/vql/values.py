"""How values look inside the index and the AST: lower-cased keywords, ints, epoch microseconds."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from connectra.vql.analysis import lower

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


def parse_date(value: object) -> int:
    """An ISO 8601 date or date-time (naive = UTC), or epoch milliseconds → epoch micros."""
    if isinstance(value, bool):
        raise ValueError("a date must be an ISO 8601 string or epoch milliseconds")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("a date must be finite")
        return int(value * 1000)
    if isinstance(value, str):
        return epoch_micros(datetime.fromisoformat(value.strip()))
    raise ValueError("a date must be an ISO 8601 string or epoch milliseconds")


def parse_number(value: object) -> float | int:
    """A JSON number or a numeric string; booleans are not numbers."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            number = float(text)
            if not math.isfinite(number):
                raise ValueError(f"expected a finite number, got {value!r}") from None
            return int(number) if number.is_integer() else number
    raise ValueError(f"expected a number, got {value!r}")


def keyword_value(value: object) -> str:
    """Keyword equality compares lower-cased strings; JSON scalars become their text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return lower(str(value))
    raise ValueError(f"expected a string, number or boolean, got {value!r}")
