"""CSV-style rows → companies and contacts, upserted in one transaction per batch."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from connectra.model.fields import COMPANY, CONTACT
from connectra.model.rows import records_from_row
from connectra.services.pipeline import write_batch
from connectra.store.database import Store
from connectra.store.outbox import Priority


@dataclass(frozen=True, slots=True)
class BatchResult:
    company_uuids: list[str]
    contact_uuids: list[str]


def _first_by_uuid(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    unique: dict[str, dict[str, Any]] = {}
    for record in records:
        unique.setdefault(record["uuid"], record)
    return list(unique.values())


def upsert_csv_rows(
    conn: sa.Connection,
    rows: Sequence[Mapping[str, Any]],
    priority: Priority = Priority.INTERACTIVE,
) -> BatchResult:
    """Upsert a batch of CSV rows in the caller's transaction: companies first, duplicates
    within the batch dropped (first occurrence wins), through the write pipeline."""
    built = [records_from_row(row) for row in rows]
    now = datetime.now(UTC)
    companies = _first_by_uuid([r.company for r in built])
    contacts = _first_by_uuid([r.contact for r in built])
    for record in (*companies, *contacts):
        record.update(created_at=now, updated_at=now, deleted_at=None)
    write_batch(conn, COMPANY, companies, priority)
    write_batch(conn, CONTACT, contacts, priority)
    return BatchResult(
        company_uuids=[c["uuid"] for c in companies], contact_uuids=[c["uuid"] for c in contacts]
    )


def batch_upsert(
    store: Store,
    rows: Sequence[Mapping[str, Any]],
    with_batch: Callable[[sa.Connection], None] = lambda conn: None,
    priority: Priority = Priority.INTERACTIVE,
) -> BatchResult:
    """``POST /common/batch-upsert`` and each batch of a CSV import (``Priority.BULK``): one
    transaction for the whole batch, which also commits what ``with_batch`` writes (an import
    job's progress)."""
    with store.write() as conn:
        result = upsert_csv_rows(conn, rows, priority)
        with_batch(conn)
    return result
