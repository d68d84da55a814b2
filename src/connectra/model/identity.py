"""UUID5 identity of contacts, companies and filter values (CONTRACT.md §b.1 with §0.2.2)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from connectra.errors import ValidationError
from connectra.model.normalize import lower_identifier
from connectra.model.text import lower

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _uuid5(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "".join(parts)))


def contact_uuid(first_name: str, last_name: str, linkedin_url: str) -> str:
    """``uuid5(first + last + linkedin)`` over trimmed, lower-cased parts, no separators."""
    return _uuid5(*(lower_identifier(part) for part in (first_name, last_name, linkedin_url)))


def company_uuid(name: str, linkedin_url: str) -> str:
    """``uuid5(lower(trim(name)) + lower(trim(linkedin_url)))`` on every write path (§0.2.2)."""
    return _uuid5(lower_identifier(name), lower_identifier(linkedin_url))


def derived_uuid(identity: tuple[str, ...], values: Mapping[str, Any]) -> str:
    """The UUID5 of a record from its identity columns (absent ones count as empty)."""
    return _uuid5(*(lower_identifier(values.get(name) or "") for name in identity))


def filter_value_uuid(filter_key: str, service: str, value: str) -> str:
    """``filters_data.uuid`` = ``uuid5(filter_key + service + lower(value))``.

    Lower-casing the value makes "Austin" and "austin" one dropdown entry (the first one
    written is the one shown), since matching is case-insensitive everywhere (§0.2.1).
    """
    return _uuid5(filter_key, service, lower(value))


def parse_uuid(value: object, *, path: str) -> str:
    """Accept a UUID string in any case and return it lower-cased (§0.2.9), else a 400."""
    if isinstance(value, str):
        lowered = value.strip().lower()
        if UUID_RE.match(lowered):
            return lowered
    raise ValidationError(f"invalid UUID format: {value!r}", path=path, field=path)
