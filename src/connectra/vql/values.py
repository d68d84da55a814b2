"""How values look inside the index and the AST: lower-cased keywords, ints, epoch microseconds."""

from __future__ import annotations

import math
from datetime import datetime

from connectra.model.text import lower
from connectra.model.timestamps import epoch_micros


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
