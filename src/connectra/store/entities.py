"""Repository of companies and contacts: bulk upsert, projected fetch, soft delete."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from connectra.limits import STORE_IN_CHUNK
from connectra.model.fields import CONTACT, Entity
from connectra.store.tables import ENTITY_TABLES

_KEY_COLUMNS = frozenset({"id", "uuid", "created_at"})


def table_of(entity: Entity) -> sa.Table:
    return ENTITY_TABLES[entity.name]


def _insert(conn: sa.Connection, table: sa.Table) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def upsert(conn: sa.Connection, entity: Entity, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert or overwrite rows by uuid: one multi-row statement per batch, never one per row.

    Every row must carry the same keys; on conflict every given column except the keys
    (id, uuid, created_at) is overwritten, so callers merge before they call.
    """
    if not rows:
        return
    keys = list(rows[0])
    if any(list(row) != keys for row in rows):
        raise ValueError("upsert rows must all carry the same columns in the same order")
    table = table_of(entity)
    stmt = _insert(conn, table)
    updates = {key: stmt.excluded[key] for key in keys if key not in _KEY_COLUMNS}
    # With RETURNING, SQLAlchemy's "insertmanyvalues" sends the batch as multi-row statements
    # (as many rows per statement as the driver's parameter limit allows) from one cached
    # compiled form, which is far cheaper than compiling a fresh VALUES list per batch.
    stmt = stmt.on_conflict_do_update(index_elements=["uuid"], set_=updates).returning(table.c.id)
    # Rows in uuid order: concurrent batches then lock shared rows in the same order and
    # cannot deadlock each other on PostgreSQL.
    conn.execute(stmt, sorted((dict(row) for row in rows), key=lambda row: row["uuid"])).all()


def fetch_by_uuids(
    conn: sa.Connection,
    entity: Entity,
    uuids: Iterable[str],
    columns: Sequence[str] | None = None,
    *,
    include_deleted: bool = False,
    for_update: bool = False,
) -> dict[str, dict[str, Any]]:
    """Rows keyed by uuid, restricted to ``columns`` (uuid always fetched).

    ``for_update`` locks the rows until the transaction ends (PostgreSQL; a SQLite writer
    already holds the database lock), so read-merge-write updates cannot lose each other.
    """
    wanted = tuple(dict.fromkeys(["uuid", *(columns or entity.column_names)]))
    stmt = _fetch_statement(entity.name, wanted, include_deleted, for_update)
    unique = list(dict.fromkeys(uuids))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(unique), STORE_IN_CHUNK):
        # Plain tuples zipped with our own column names: a read page spends most of its store
        # time building rows, and mapping keys may be SQLAlchemy's str subclass anyway.
        for row in conn.execute(stmt, {"uuids": unique[start : start + STORE_IN_CHUNK]}):
            found[row[0]] = dict(zip(wanted, row, strict=True))
    return found


@functools.lru_cache(maxsize=256)
def _fetch_statement(
    entity_name: str, wanted: tuple[str, ...], include_deleted: bool, for_update: bool
) -> sa.Select[Any]:
    """One statement per projection, built once: the uuid list is an expanding parameter."""
    table = ENTITY_TABLES[entity_name]
    stmt = sa.select(*(table.c[name] for name in wanted)).where(
        table.c.uuid.in_(sa.bindparam("uuids", expanding=True))
    )
    if not include_deleted:
        stmt = stmt.where(table.c.deleted_at.is_(None))
    if for_update:
        stmt = stmt.with_for_update()
    return stmt


def insert_if_absent(conn: sa.Connection, entity: Entity, row: Mapping[str, Any]) -> bool:
    """Insert a row unless its uuid exists (live or not); False when it existed."""
    table = table_of(entity)
    stmt = _insert(conn, table).values(dict(row)).on_conflict_do_nothing(index_elements=["uuid"])
    # rowcount is unreliable for INSERT through psycopg; RETURNING says what happened.
    return conn.execute(stmt.returning(table.c.id)).first() is not None


def oldest_live_uuid(conn: sa.Connection, entity: Entity, column: str, value: str) -> str | None:
    """The uuid of the oldest live row whose ``column`` equals ``value`` (upsert matching)."""
    table = table_of(entity)
    stmt = (
        sa.select(table.c.uuid)
        .where(table.c[column] == value, table.c.deleted_at.is_(None))
        .order_by(table.c.id)
        .limit(1)
    )
    found: str | None = conn.execute(stmt).scalar()
    return found


def soft_delete(conn: sa.Connection, entity: Entity, uuid: str, now: datetime) -> bool:
    """Mark a live row deleted; False when there is no live row with that uuid."""
    table = table_of(entity)
    result = conn.execute(
        sa.update(table)
        .where(table.c.uuid == uuid, table.c.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now)
    )
    return result.rowcount == 1


def count_live(conn: sa.Connection, entity: Entity) -> int:
    table = table_of(entity)
    stmt = sa.select(sa.func.count()).select_from(table).where(table.c.deleted_at.is_(None))
    return int(conn.execute(stmt).scalar_one())


def contact_uuids_of_companies(conn: sa.Connection, company_uuids: Sequence[str]) -> list[str]:
    """Live contacts whose ``company_id`` is one of ``company_uuids``."""
    table = table_of(CONTACT)
    found: list[str] = []
    unique = list(dict.fromkeys(company_uuids))
    for start in range(0, len(unique), STORE_IN_CHUNK):
        stmt = sa.select(table.c.uuid).where(
            table.c.company_id.in_(unique[start : start + STORE_IN_CHUNK]),
            table.c.deleted_at.is_(None),
        )
        found.extend(conn.execute(stmt).scalars())
    return found


def iter_live(
    conn: sa.Connection, entity: Entity, batch: int = 5000
) -> Iterator[list[dict[str, Any]]]:
    """Every live row in id order, in batches (keyset paging, constant memory)."""
    table = table_of(entity)
    last = 0
    while True:
        stmt = (
            sa.select(table)
            .where(table.c.id > last, table.c.deleted_at.is_(None))
            .order_by(table.c.id)
            .limit(batch)
        )
        rows = [dict(row) for row in conn.execute(stmt).mappings()]
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def live_stamps(
    conn: sa.Connection, entity: Entity, after: str | None, limit: int
) -> list[tuple[str, datetime]]:
    """(uuid, updated_at) of up to ``limit`` live rows with a uuid after ``after``, in uuid
    order: keyset paging on the uuid's unique index, so a walk costs the same at any depth."""
    table = table_of(entity)
    stmt = (
        sa.select(table.c.uuid, table.c.updated_at)
        .where(table.c.deleted_at.is_(None))
        .order_by(table.c.uuid)
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(table.c.uuid > after)
    return [(str(uuid), updated) for uuid, updated in conn.execute(stmt)]
