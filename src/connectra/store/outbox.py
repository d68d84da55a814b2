"""Repository of the index outbox: entries written in the same transaction as the rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

import sqlalchemy as sa

from connectra.limits import STORE_IN_CHUNK
from connectra.store.tables import index_outbox


class Priority(IntEnum):
    """Which entries the indexer applies first: a write someone waits to see, then a bulk
    import's backlog (applied in id order within a priority)."""

    INTERACTIVE = 0
    BULK = 1


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    entity: str
    uuid: str
    attempts: int
    priority: int


@dataclass(frozen=True, slots=True)
class Lag:
    pending: int
    oldest: datetime | None  # created_at of the oldest pending entry


def enqueue(
    conn: sa.Connection,
    entity: str,
    uuids: Iterable[str],
    priority: Priority = Priority.INTERACTIVE,
) -> int:
    """Append one entry per distinct uuid; returns how many were written."""
    rows = [
        {"entity": entity, "uuid": uuid, "priority": int(priority)} for uuid in dict.fromkeys(uuids)
    ]
    if rows:
        conn.execute(sa.insert(index_outbox), rows)
    return len(rows)


def due(conn: sa.Connection, now: datetime, limit: int) -> list[Entry]:
    """The entries whose retry time has come: interactive ones first, then the oldest."""
    stmt = (
        sa.select(
            index_outbox.c.id,
            index_outbox.c.entity,
            index_outbox.c.uuid,
            index_outbox.c.attempts,
            index_outbox.c.priority,
        )
        .where(index_outbox.c.available_at <= now)
        .order_by(index_outbox.c.priority, index_outbox.c.id)
        .limit(limit)
    )
    return [Entry(*row) for row in conn.execute(stmt)]


def remove(conn: sa.Connection, ids: Sequence[int]) -> None:
    for start in range(0, len(ids), STORE_IN_CHUNK):
        conn.execute(
            sa.delete(index_outbox).where(
                index_outbox.c.id.in_(ids[start : start + STORE_IN_CHUNK])
            )
        )


def postpone(
    conn: sa.Connection, ids: Sequence[int], now: datetime, delay: timedelta, error: str
) -> None:
    """Keep failed entries for a later attempt; nothing is ever dropped."""
    for start in range(0, len(ids), STORE_IN_CHUNK):
        conn.execute(
            sa.update(index_outbox)
            .where(index_outbox.c.id.in_(ids[start : start + STORE_IN_CHUNK]))
            .values(
                attempts=index_outbox.c.attempts + 1,
                available_at=now + delay,
                last_error=error[:2000],
            )
        )


def lag(conn: sa.Connection) -> Lag:
    stmt = sa.select(sa.func.count(), sa.func.min(index_outbox.c.created_at))
    pending, oldest = conn.execute(stmt).one()
    if isinstance(oldest, str):  # SQLite aggregates return raw, naive UTC text
        oldest = datetime.fromisoformat(oldest).replace(tzinfo=UTC)
    return Lag(int(pending), oldest)


def pending_count(conn: sa.Connection) -> int:
    return lag(conn).pending
