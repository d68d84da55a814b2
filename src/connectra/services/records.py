"""Entity rows as the contract's JSON: empty values left out, RFC 3339 timestamps (§a.8)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from connectra.errors import NotFound
from connectra.model.fields import Entity
from connectra.model.timestamps import format_timestamp


def row_json(row: Mapping[str, Any], shown: Collection[str] | None = None) -> dict[str, Any]:
    """A key is present only when its value is not empty (None, "", 0, []) and, when ``shown``
    is given, only when it was selected."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or value in ("", 0, []):  # 0 == False: booleans go too
            continue
        if shown is not None and key not in shown:
            continue
        out[key] = format_timestamp(value) if isinstance(value, datetime) else value
    return out


def not_found(entity: Entity) -> NotFound:
    """The contract's 404 for a uuid with no live record."""
    rules = entity.rules
    return rules.not_found(f"{rules.label} with identifier 'specified UUID' not found")
