"""The one write pipeline: rows → store, index outbox, filter values, in the caller's transaction.

Every write path (create, update, upsert, bulk, batch-upsert, CSV import batches) ends here, so
they share one failure policy: the rows and their outbox entries are the write and fail as a
whole (nothing is half-written; a committed row always reaches the index, CONTRACT.md §0.2.4).
Filter values are derived data that the dropdowns can lose without harm: a failure there is
logged and kept local by a savepoint, and the write stands.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from connectra.model.fields import Entity
from connectra.services.filter_values import record_filter_values
from connectra.store import entities, outbox

log = logging.getLogger(__name__)

Row = Mapping[str, Any]


def write_rows(conn: sa.Connection, entity: Entity, rows: Sequence[Row]) -> None:
    """Upsert full rows (every column but ``id``, one shape) and record them as written."""
    entities.upsert(conn, entity, rows)
    record_written(conn, entity, rows)


def write_batch(
    conn: sa.Connection,
    entity: Entity,
    rows: Sequence[Row],
    priority: outbox.Priority = outbox.Priority.INTERACTIVE,
) -> None:
    """``write_rows`` through the store's bulk path, with index work proportional to change:
    only new and changed rows are written, queued and contribute filter values (a row equal
    to its stored one keeps its document, its values and its ``updated_at``)."""
    upserted = entities.upsert_bulk(conn, entity, rows)
    touched = {*upserted.new, *upserted.changed}
    record_written(conn, entity, [row for row in rows if row["uuid"] in touched], priority)


def record_written(
    conn: sa.Connection,
    entity: Entity,
    rows: Sequence[Row],
    priority: outbox.Priority = outbox.Priority.INTERACTIVE,
) -> None:
    """The rows are in the store: queue them for the index (a bulk import's rows behind the
    interactive writes) and record their filter values."""
    if not rows:
        return
    outbox.enqueue(conn, entity.name, [row["uuid"] for row in rows], priority)
    try:
        with conn.begin_nested():
            record_filter_values(conn, entity, rows)
    except sa.exc.SQLAlchemyError:
        log.exception("recording %s filter values failed; the write itself is kept", entity.name)
