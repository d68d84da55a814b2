"""Repository of the index outbox: entries written in the same transaction as the rows."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from connectra.store.tables import index_outbox


def enqueue(conn: sa.Connection, entity: str, uuids: Iterable[str]) -> int:
    """Append one entry per distinct uuid; returns how many were written."""
    rows = [{"entity": entity, "uuid": uuid} for uuid in dict.fromkeys(uuids)]
    if rows:
        conn.execute(sa.insert(index_outbox), rows)
    return len(rows)


def pending_count(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(index_outbox)).scalar_one())
