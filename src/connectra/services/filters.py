"""Filter dropdowns: the definitions of a service and the values of one filter with live counts.

CONTRACT.md §e.2 with §0.2.9: a value is listed only while at least one live (not soft-deleted)
record holds it, and carries the number of such records. Where each count comes from:

* stored filters on keyword index fields (city, country, technologies, departments...): the
  search index's term counts (fast at a million records; eventually consistent with the store,
  like every search), joined case-insensitively to ``filters_data``, which supplies the display
  form and the order;
* the company ``uuid`` filter ("Name", value = uuid, display = name): 1 per live company;
* other stored filters (``title``, a text field the index cannot count by exact value): a SQL
  GROUP BY over the live rows, which scans the table on each call;
* direct-derived filters: one SQL GROUP BY over the live rows of the column.

Entries are ordered by display value (code-point order, ties by id) so that pages are stable
and identical on every engine; direct-derived numbers are ordered numerically.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from connectra.errors import NotFound, ValidationError
from connectra.index.base import SearchIndex
from connectra.limits import page_size
from connectra.model.fields import (
    Column,
    ColumnType,
    Entity,
    FieldKind,
    entity_for_service,
)
from connectra.model.text import lower
from connectra.store import filter_queries as queries
from connectra.store.database import Store
from connectra.store.filter_queries import FilterDefinition, ValueCount
from connectra.vql.ast import Query

# Terms fetched beyond the stored rows, in case the index holds values that filters_data lacks.
_TERM_SLACK = 1000
# Deeper than any dropdown is paged; keeps OFFSET inside a 64-bit integer.
_MAX_OFFSET = 2**40


@dataclass(frozen=True, slots=True)
class Window:
    offset: int
    limit: int


def page_window(page: int | None, limit: int | None) -> Window:
    """``limit`` > 100 → 400; ≤ 0 or absent → 25; ``page`` ≥ 1 → offset (page-1)·limit."""
    size = page_size(limit)
    offset = (page - 1) * size if page is not None and page > 1 else 0
    return Window(offset=offset, limit=size)


def definition_json(definition: FilterDefinition) -> dict[str, Any]:
    """A filters row as JSON: every key, ``deleted_at`` included while null (§a.8)."""
    return {
        "id": definition.id,
        "key": definition.key,
        "service": definition.service,
        "filter_type": definition.filter_type,
        "display_name": definition.display_name,
        "direct_derived": definition.direct_derived,
        "active": definition.active,
        "deleted_at": definition.deleted_at,
    }


def list_filters(store: Store, service: str) -> list[dict[str, Any]]:
    """Active, non-deleted definitions of a service, ordered by key."""
    entity = entity_for_service(service)
    with store.read() as conn:
        return [definition_json(d) for d in queries.active_filters(conn, entity.name)]


def _value_json(entry: ValueCount) -> dict[str, Any]:
    return {"value": entry.value, "display_value": entry.display_value, "count": entry.count}


def filter_values(
    store: Store,
    index: SearchIndex,
    service: str,
    filter_key: str,
    search_text: str | None = None,
    page: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """One page of a filter's values held by live records, each with its live count."""
    entity = entity_for_service(service)
    window = page_window(page, limit)
    search = search_text or ""
    with store.read() as conn:
        definition = queries.find_filter(conn, entity.name, filter_key)
        if definition is None:
            raise NotFound(f"no active filter {filter_key!r} for service {entity.name!r}")
        if window.offset > _MAX_OFFSET:
            return []
        if not _index_counts(entity, definition):
            return [_value_json(v) for v in _sql_values(conn, entity, definition, search, window)]
        stored = queries.stored_values(conn, entity.name, filter_key, search)
    counted = _join_term_counts(index, entity, filter_key, search, stored)
    return [_value_json(v) for v in counted[window.offset : window.offset + window.limit]]


def _index_counts(entity: Entity, definition: FilterDefinition) -> bool:
    """True for stored filters on a keyword index field of the entity's own column
    (``company_*`` copies on contacts would count contacts, not the stored values)."""
    key = definition.key
    field = entity.index_field(key)
    return (
        not definition.direct_derived
        and not _is_name_filter(entity, key)
        and field is not None
        and field.kind is FieldKind.KEYWORD
        and not field.from_company
        and entity.column(key) is not None
    )


def _is_name_filter(entity: Entity, key: str) -> bool:
    return key in dict(entity.rules.display)


def _sql_values(
    conn: sa.Connection,
    entity: Entity,
    definition: FilterDefinition,
    search: str,
    window: Window,
) -> list[ValueCount]:
    """Values whose live counts come from the store rather than the index."""
    key, offset, limit = definition.key, window.offset, window.limit
    if definition.direct_derived:
        column = _dropdown_column(entity, key)
        return queries.column_values(conn, entity, column, search, offset=offset, limit=limit)
    if _is_name_filter(entity, key):
        return queries.stored_uuid_values(conn, entity, key, search, offset=offset, limit=limit)
    stored_in = entity.column(key)
    if stored_in is None or stored_in.type is ColumnType.TIMESTAMP:
        return []  # no record can hold a value of a field the entity does not have
    return queries.counted_stored_values(
        conn, entity, stored_in, search, offset=offset, limit=limit
    )


def _dropdown_column(entity: Entity, key: str) -> Column:
    """The catalogue column a filter reads; timestamps and unknown names are refused."""
    column = entity.column(key)
    if column is None or column.type is ColumnType.TIMESTAMP:
        raise ValidationError(
            f"filter {key!r} does not name a text or number column of {entity.plural}",
            path="filter_key",
            field="filter_key",
        )
    return column


def _join_term_counts(
    index: SearchIndex,
    entity: Entity,
    key: str,
    search: str,
    stored: list[queries.StoredValue],
) -> list[ValueCount]:
    """Stored values (in display order) that the index holds, with its counts. The index keeps
    values lower-cased; the stored uuid is made from the lower-cased value too, so one folded
    value has one stored row (the first written, whose display form is shown)."""
    if not stored:
        return []
    terms = index.terms(
        entity, key, query=Query(), contains=search, limit=len(stored) + _TERM_SLACK
    )
    counts = {term.value: term.count for term in terms}
    found: list[ValueCount] = []
    for row in stored:
        count = counts.pop(lower(row.value), 0)  # pop: a folded value is listed once
        if count:
            found.append(ValueCount(row.value, row.display_value, count))
    return found
