"""Reads behind the filter dropdowns: definitions, stored values and live values with counts.

Conventions shared by every query here (CONTRACT.md §e.2 with §0.2):

* ``search`` is a case-insensitive substring: both sides are folded to lower case and the
  needle's ``%``, ``_`` and ``\\`` are escaped, so user text is never a pattern.
* SQLite's built-in ``lower()`` folds ASCII only; a Python fold (the one the search index uses)
  is registered on the connection instead, so "Île" and "île" meet on both engines.
* Values sort by code point (SQLite's BINARY, PostgreSQL's ``"C"`` collation) so that a page
  holds the same values on every engine, ties broken by id.
* Only live rows (``deleted_at IS NULL``) count; a value held by no live row is never listed.
* Column names come from the entity's catalogue (:class:`~connectra.model.fields.Column`),
  never from request text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from connectra.model.fields import Column, ColumnType, Entity
from connectra.model.text import lower
from connectra.store.tables import ENTITY_TABLES, filters, filters_data

LIKE_ESCAPE = "\\"
_SQLITE_FOLD = "connectra_lower"


@dataclass(frozen=True, slots=True)
class FilterDefinition:
    """A ``filters`` row (§a.3)."""

    id: int
    key: str
    service: str
    filter_type: str
    display_name: str
    direct_derived: bool
    active: bool
    deleted_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredValue:
    """A ``filters_data`` row: what a dropdown entry filters on and what it shows."""

    id: int
    value: str
    display_value: str


@dataclass(frozen=True, slots=True)
class ValueCount:
    """A dropdown entry with the number of live records holding its value."""

    value: str
    display_value: str
    count: int


# -- shared expressions -------------------------------------------------------------------


def like_pattern(search: str) -> str:
    """``%<search>%`` with the search folded and its wildcards taken literally."""
    escaped = lower(search)
    for char in (LIKE_ESCAPE, "%", "_"):
        escaped = escaped.replace(char, LIKE_ESCAPE + char)
    return f"%{escaped}%"


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else lower(text)


def _fold(conn: sa.Connection, expr: Any) -> Any:
    """``lower(expr)`` that folds every script on both engines."""
    if conn.dialect.name != "sqlite":
        return sa.func.lower(expr)
    # Registering is idempotent and costs about a microsecond, so it is done per query rather
    # than relying on a connect hook.
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    dbapi.create_function(_SQLITE_FOLD, 1, _fold_or_none, deterministic=True)
    return getattr(sa.func, _SQLITE_FOLD)(expr)


def _contains(conn: sa.Connection, expr: Any, search: str) -> Any:
    return _fold(conn, expr).like(like_pattern(search), escape=LIKE_ESCAPE)


def _binary(conn: sa.Connection, expr: Any) -> Any:
    """Code-point order: SQLite compares text bytewise already; PostgreSQL needs "C"."""
    return sa.collate(expr, "C") if conn.dialect.name == "postgresql" else expr


# -- definitions ----------------------------------------------------------------------------


def _definitions(service: str) -> sa.Select[Any]:
    return (
        sa.select(
            filters.c.id,
            filters.c.key,
            filters.c.service,
            filters.c.filter_type,
            filters.c.display_name,
            filters.c.direct_derived,
            filters.c.active,
            filters.c.deleted_at,
        )
        .where(
            filters.c.service == service,
            filters.c.active.is_(True),
            filters.c.deleted_at.is_(None),
        )
        .order_by(filters.c.key, filters.c.id)  # keys are ASCII: every collation agrees
    )


def active_filters(conn: sa.Connection, service: str) -> list[FilterDefinition]:
    """Active, non-deleted definitions of a service, ordered by key."""
    return [FilterDefinition(*row) for row in conn.execute(_definitions(service))]


def find_filter(conn: sa.Connection, service: str, key: str) -> FilterDefinition | None:
    """The active, non-deleted definition of ``key`` (None when there is none)."""
    row = conn.execute(_definitions(service).where(filters.c.key == key)).first()
    return None if row is None else FilterDefinition(*row)


# -- stored values (filters_data) -----------------------------------------------------------


def _stored(conn: sa.Connection, service: str, key: str, search: str) -> sa.Select[Any]:
    stmt = sa.select(filters_data.c.id, filters_data.c.value, filters_data.c.display_value).where(
        filters_data.c.service == service,
        filters_data.c.filter_key == key,
        filters_data.c.deleted_at.is_(None),
        filters_data.c.value.is_not(None),
    )
    if search:
        stmt = stmt.where(_contains(conn, filters_data.c.display_value, search))
    return stmt.order_by(_binary(conn, filters_data.c.display_value), filters_data.c.id)


def _page(stmt: sa.Select[Any], offset: int, limit: int | None) -> sa.Select[Any]:
    return stmt.offset(offset).limit(limit) if limit is not None else stmt.offset(offset)


def stored_values(
    conn: sa.Connection,
    service: str,
    key: str,
    search: str = "",
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[StoredValue]:
    """``filters_data`` rows of a filter, by display value then id; no limit = every row."""
    stmt = _page(_stored(conn, service, key, search), offset, limit)
    return [StoredValue(*row) for row in conn.execute(stmt).all()]


def stored_uuid_values(
    conn: sa.Connection, entity: Entity, key: str, search: str, *, offset: int, limit: int
) -> list[ValueCount]:
    """Stored values that are the uuid of a live row (the company "Name" filter: value =
    uuid, display = name). A uuid is unique, so each listed value counts exactly 1."""
    table = ENTITY_TABLES[entity.name]
    stmt = (
        _stored(conn, entity.name, key, search)
        .join(table, table.c.uuid == filters_data.c.value)
        .where(table.c.deleted_at.is_(None))
    )
    rows = conn.execute(_page(stmt, offset, limit))
    return [ValueCount(value, display, 1) for _id, value, display in rows]


# -- live cells of an entity column ---------------------------------------------------------


def _array_elements(conn: sa.Connection, column: Any) -> Any:
    """The elements of an array column as a table with one ``value`` column, per row."""
    value = sa.column("value", sa.Text())
    if conn.dialect.name == "postgresql":  # unnest(...) AS elements(value)
        return sa.func.unnest(column).table_valued(value).render_derived(name="elements")
    return sa.func.json_each(column).table_valued(value).alias("elements")


def _live_cells(conn: sa.Connection, entity: Entity, column: Column) -> sa.Subquery:
    """``(cell, text, id)`` for every non-empty value of ``column`` in a live row: one row per
    array element for array columns; ``text`` is the cell as a decimal string for numbers.

    Zero counts as empty for numbers, as in the JSON rendering of records (§a.8).
    """
    table = ENTITY_TABLES[entity.name]
    source = table.c[column.name]
    if column.type is ColumnType.TEXT_ARRAY:
        elements = _array_elements(conn, source)
        cell = elements.c.value
        stmt = sa.select(cell.label("cell"), cell.label("text"), table.c.id).select_from(
            table.join(elements, sa.true())
        )
        return stmt.where(table.c.deleted_at.is_(None), cell.is_not(None), cell != "").subquery()
    if column.type is ColumnType.BIGINT:
        text = sa.cast(source, sa.Text())
        stmt = sa.select(source.label("cell"), text.label("text"), table.c.id)
        return stmt.where(table.c.deleted_at.is_(None), source.is_not(None), source != 0).subquery()
    if column.type is ColumnType.TEXT:
        stmt = sa.select(source.label("cell"), source.label("text"), table.c.id)
        return stmt.where(
            table.c.deleted_at.is_(None), source.is_not(None), source != ""
        ).subquery()
    raise ValueError(f"{entity.plural}.{column.name} ({column.type}) has no dropdown values")


def _holders(cells: sa.Subquery, column: Column) -> Any:
    """How many live records hold a value (an array may repeat an element)."""
    if column.type is ColumnType.TEXT_ARRAY:
        return sa.func.count(sa.distinct(cells.c.id))
    return sa.func.count()


def column_values(
    conn: sa.Connection,
    entity: Entity,
    column: Column,
    search: str,
    *,
    offset: int,
    limit: int,
) -> list[ValueCount]:
    """Distinct live values of a column with their counts (direct-derived filters).

    One GROUP BY gives both the page and its counts: DISTINCT would aggregate every live row
    anyway. Values are exact (not case-folded), numbers sort numerically and are rendered as
    decimal strings; ``search`` matches the decimal text.
    """
    cells = _live_cells(conn, entity, column)
    stmt = sa.select(cells.c.cell, _holders(cells, column)).group_by(cells.c.cell)
    if search:
        stmt = stmt.where(_contains(conn, cells.c.text, search))
    numeric = column.type is ColumnType.BIGINT
    stmt = stmt.order_by(cells.c.cell if numeric else _binary(conn, cells.c.cell))
    rows = conn.execute(stmt.offset(offset).limit(limit))
    return [ValueCount(str(cell), str(cell), int(count)) for cell, count in rows]


def counted_stored_values(
    conn: sa.Connection,
    entity: Entity,
    column: Column,
    search: str,
    *,
    offset: int,
    limit: int,
) -> list[ValueCount]:
    """Stored values of ``column``'s filter that live rows hold, with their counts, counted in
    SQL: for fields the search index cannot count by exact value (text fields such as
    ``title``). Values meet case-insensitively, as the stored value's uuid does (§b.1).

    This groups every live row of the entity, so it costs a scan of the table per call.
    """
    cells = _live_cells(conn, entity, column)
    folded = _fold(conn, cells.c.text)
    live = sa.select(folded.label("folded"), _holders(cells, column).label("holders")).group_by(
        folded
    )
    if search:
        live = live.where(folded.like(like_pattern(search), escape=LIKE_ESCAPE))
    counts = live.cte("live_counts")
    if conn.dialect.name == "postgresql":
        # Aggregate once: on fresh, unanalysed tables the planner would re-run the grouping
        # for every stored value (a nested loop), 40x slower at 10k rows.
        counts = counts.prefix_with("MATERIALIZED")
    stmt = (
        _stored(conn, entity.name, column.name, search)
        .add_columns(counts.c.holders)
        .join(counts, counts.c.folded == _fold(conn, filters_data.c.value))
    )
    rows = conn.execute(stmt.offset(offset).limit(limit))
    return [ValueCount(value, display, int(n)) for _id, value, display, n in rows]
