"""CSV-style rows → companies and contacts, upserted in one transaction per batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from connectra.model.fields import COMPANY, CONTACT
from connectra.model.rows import records_from_row
from connectra.services.filter_values import record_filter_values
from connectra.store import entities, outbox


@dataclass(frozen=True, slots=True)
class BatchResult:
    company_uuids: list[str]
    contact_uuids: list[str]


def _first_by_uuid(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    unique: dict[str, dict[str, Any]] = {}
    for record in records:
        unique.setdefault(record["uuid"], record)
    return list(unique.values())


def upsert_csv_rows(conn: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> BatchResult:
    """Upsert a batch of CSV rows: companies first, duplicates within the batch dropped
    (first occurrence wins), outbox entries and filter values written in the same transaction.
    """
    built = [records_from_row(row) for row in rows]
    now = datetime.now(UTC)
    companies = _first_by_uuid([r.company for r in built])
    contacts = _first_by_uuid([r.contact for r in built])
    for record in (*companies, *contacts):
        record.update(created_at=now, updated_at=now, deleted_at=None)
    entities.upsert(conn, COMPANY, companies)
    entities.upsert(conn, CONTACT, contacts)
    company_uuids = [c["uuid"] for c in companies]
    contact_uuids = [c["uuid"] for c in contacts]
    outbox.enqueue(conn, COMPANY.name, company_uuids)
    outbox.enqueue(conn, CONTACT.name, contact_uuids)
    record_filter_values(conn, COMPANY, companies)
    record_filter_values(conn, CONTACT, contacts)
    return BatchResult(company_uuids=company_uuids, contact_uuids=contact_uuids)
