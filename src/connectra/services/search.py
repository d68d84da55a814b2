"""Read use-cases: VQL list (two-phase: index → uuids → one store fetch), count and get."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectra.errors import ValidationError
from connectra.index.base import SearchIndex
from connectra.model.fields import COMPANY, Entity
from connectra.model.identity import parse_uuid
from connectra.services.records import not_found, row_json
from connectra.store import entities
from connectra.store.database import Store
from connectra.vql import cursor
from connectra.vql.ast import Page, Search, SortValue


def _fetch_columns(entity: Entity, selected: tuple[str, ...] | None) -> list[str] | None:
    """Columns to read: the selection (contacts always add company_id), or every column."""
    if selected is None:
        return None
    extra = [entity.rules.parent] if entity.rules.parent else []
    return list(dict.fromkeys([*selected, *extra]))


def _shown(entity: Entity, selected: tuple[str, ...] | None) -> set[str] | None:
    columns = _fetch_columns(entity, selected)
    return None if columns is None else set(columns)


# Hits per index request of a walk. An engine's cursor page costs about a pass over the matches
# (OpenSearch sorted by uuid: 100 ms and more per page at 1M), so the walk asks for many hits at
# once and hands them on in pages of the caller's size.
WALK_INDEX_PAGE = 10_000


def walk_rows(
    store: Store, index: SearchIndex, entity: Entity, search: Search, page_size: int
) -> Iterator[list[dict[str, Any]]]:
    """Every match's stored row (the selected columns), ``page_size`` rows at a time in the
    search's order: a cursor walk over the index, each page fetched from the store in one query.
    Rows deleted since indexing are dropped."""
    columns = _fetch_columns(entity, search.select_columns)
    fetched = max(page_size, WALK_INDEX_PAGE)
    after: tuple[SortValue, ...] | None = None
    while True:
        hits = index.search(entity, search.query, search.sort, Page(fetched, after=after)).hits
        for start in range(0, len(hits), page_size):
            page = hits[start : start + page_size]
            with store.read() as conn:
                rows = entities.fetch_by_uuids(conn, entity, [hit.uuid for hit in page], columns)
            yield [rows[hit.uuid] for hit in page if hit.uuid in rows]
        if len(hits) < fetched:
            return
        after = (*hits[-1].sort_values, hits[-1].uuid)


def list_records(
    store: Store, index: SearchIndex, entity: Entity, search: Search
) -> list[dict[str, Any]]:
    """One page of records in hit order; rows deleted since indexing are dropped."""
    hits = index.search(entity, search.query, search.sort, search.page).hits
    if not hits:
        return []
    columns = _fetch_columns(entity, search.select_columns)
    with store.read() as conn:
        rows = entities.fetch_by_uuids(conn, entity, [hit.uuid for hit in hits], columns)
        companies = (
            entities.fetch_by_uuids(
                conn,
                COMPANY,
                [row["company_id"] for row in rows.values() if row.get("company_id")],
                search.company_columns,
                include_deleted=True,
            )
            if search.populate_company
            else {}
        )
    shown = _shown(entity, search.select_columns)
    company_shown = None if search.company_columns is None else set(search.company_columns)
    items = []
    for hit in hits:
        row = rows.get(hit.uuid)
        if row is None:
            continue
        item = row_json(row, shown)
        if search.sort:
            item["cursor"] = cursor.encode(search.sort, hit.sort_values, hit.uuid)
        company = companies.get(row.get("company_id") or "")
        if company is not None:
            item["company"] = row_json(company, company_shown)
        items.append(item)
    return items


def count_records(index: SearchIndex, entity: Entity, search: Search) -> int:
    return index.count(entity, search.query)


def count_stored(store: Store, entity: Entity) -> int:
    """Live records in the store (whatever the index holds yet)."""
    with store.read() as conn:
        return entities.count_live(conn, entity)


def parse_select_columns(entity: Entity, raw: str | None) -> tuple[str, ...] | None:
    """``?select_columns=a,b``: trimmed, empties dropped, each a known column."""
    names = [name.strip() for name in (raw or "").split(",") if name.strip()]
    for name in names:
        if entity.column(name) is None:
            raise ValidationError(
                f"unknown column {name!r} for {entity.plural}", path="select_columns", field=name
            )
    return tuple(dict.fromkeys(names)) or None


def get_record(
    store: Store, entity: Entity, raw_uuid: str, select_columns: str | None
) -> dict[str, Any]:
    """One live record by uuid (any case); soft-deleted or unknown → 404."""
    uuid = parse_uuid(raw_uuid, path="uuid")
    selected = parse_select_columns(entity, select_columns)
    with store.read() as conn:
        rows = entities.fetch_by_uuids(conn, entity, [uuid], _fetch_columns(entity, selected))
    if uuid not in rows:
        raise not_found(entity)
    return row_json(rows[uuid], _shown(entity, selected))
