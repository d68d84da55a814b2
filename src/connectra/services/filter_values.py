"""Stored filter values of written records (CONTRACT.md §e.3 with §0.2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from connectra.model.fields import Entity
from connectra.model.identity import filter_value_uuid
from connectra.model.text import lower
from connectra.store import filters as filters_repo


def _values(entity: Entity, key: str, record: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(value, display_value) pairs a record contributes to the filter ``key``."""
    raw = record.get(key)
    shown_column = dict(entity.rules.display).get(key)
    if shown_column is not None:  # e.g. the company "Name" filter: uuid values, names shown
        shown = record.get(shown_column)
        if raw and shown:
            yield raw, shown
        return
    for value in raw if isinstance(raw, list) else [raw]:
        if isinstance(value, str) and value:
            yield value, value


def record_filter_values(
    conn: sa.Connection, entity: Entity, records: Iterable[Mapping[str, Any]]
) -> None:
    """Insert the stored-filter values of ``records``; existing values are kept as they are."""
    keys = filters_repo.stored_filter_keys(conn, entity.name)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        for key in keys:
            for value, display in _values(entity, key, record):
                seen = (key, lower(value))  # the uuid ignores case too: first spelling wins
                if seen not in rows:
                    rows[seen] = {
                        "uuid": filter_value_uuid(key, entity.name, value),
                        "filter_key": key,
                        "service": entity.name,
                        "display_value": display,
                        "value": value,
                    }
    filters_repo.insert_values(conn, list(rows.values()))
