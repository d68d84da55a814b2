"""Write use-cases: create, update, soft delete, upsert and bulk upsert of contacts/companies.

Every call is one database transaction that writes the rows, their stored filter values and
their index outbox entries together (CONTRACT.md §0.2.4): a committed write always reaches the
index, and a failed one leaves nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from connectra.errors import (
    BatchTooLarge,
    Conflict,
    EmptyPayload,
    NotFound,
    ValidationError,
)
from connectra.model.fields import COMPANY, CONTACT, Entity
from connectra.model.identity import company_uuid, contact_uuid, parse_uuid
from connectra.model.validation import clean_input, immutable_fields, require
from connectra.services.filter_values import record_filter_values
from connectra.services.records import not_found, row_json
from connectra.store import entities, outbox
from connectra.store.database import Store

log = logging.getLogger(__name__)

BULK_MAX = 1000
BATCH_UPSERT_MAX = 100


def _full_row(entity: Entity, data: Mapping[str, Any]) -> dict[str, Any]:
    """Every column but ``id``, in catalogue order (multi-row upserts need one shape)."""
    return {c.name: data.get(c.name) for c in entity.columns if c.name != "id"}


def _derived_uuid(entity: Entity, values: Mapping[str, Any]) -> str:
    if entity is CONTACT:
        return contact_uuid(
            values.get("first_name") or "",
            values.get("last_name") or "",
            values.get("linkedin_url") or "",
        )
    return company_uuid(values.get("name") or "", values.get("linkedin_url") or "")


def _require_company(conn: sa.Connection, company_id: str | None) -> None:
    if company_id and not entities.fetch_by_uuids(conn, COMPANY, [company_id], ["uuid"]):
        raise NotFound(f"Resource with identifier '{company_id}' not found: no such company")


def _after_write(conn: sa.Connection, entity: Entity, rows: Sequence[Mapping[str, Any]]) -> None:
    """Outbox entries always; filter values best-effort (a savepoint keeps a failure local)."""
    outbox.enqueue(conn, entity.name, [row["uuid"] for row in rows])
    try:
        with conn.begin_nested():
            record_filter_values(conn, entity, rows)
    except sa.exc.SQLAlchemyError:
        log.exception("recording filter values failed; the write itself is kept")


def _stored(conn: sa.Connection, entity: Entity, uuid: str) -> dict[str, Any]:
    return row_json(entities.fetch_by_uuids(conn, entity, [uuid])[uuid])


def create(store: Store, entity: Entity, body: Any) -> dict[str, Any]:
    """Create one record (201). A live record with the same uuid is a 409 ``CONFLICT``."""
    values = clean_input(entity, body)
    require(values, ("first_name", "last_name", "email") if entity is CONTACT else ("name",))
    uuid = values.get("uuid") or _derived_uuid(entity, values)
    now = datetime.now(UTC)
    row = _full_row(entity, {**values, "uuid": uuid, "created_at": now, "updated_at": now})
    with store.write() as conn:
        if entity is CONTACT:
            _require_company(conn, values.get("company_id"))
        if not entities.insert_if_absent(conn, entity, row):
            if entities.fetch_by_uuids(conn, entity, [uuid], ["uuid"]):
                raise Conflict(f"a {entity.name} with uuid {uuid} already exists")
            entities.upsert(conn, entity, [row])  # a soft-deleted record comes back
        _after_write(conn, entity, [row])
        return _stored(conn, entity, uuid)


def _merge(
    entity: Entity, existing: Mapping[str, Any], values: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """Provided non-empty fields win; everything else keeps its stored value."""
    return _full_row(entity, {**existing, **values, "updated_at": now, "deleted_at": None})


def update(store: Store, entity: Entity, raw_uuid: str, body: Any) -> dict[str, Any]:
    """Partial update of a live record (200); empty fields keep the stored values."""
    uuid = parse_uuid(raw_uuid, path="uuid")
    if isinstance(body, Mapping):
        immutable_fields(body, uuid)
    values = clean_input(entity, body)
    values.pop("uuid", None)
    with store.write() as conn:
        existing = entities.fetch_by_uuids(conn, entity, [uuid], for_update=True).get(uuid)
        if existing is None:
            raise not_found(entity)
        merged = _merge(entity, existing, values, datetime.now(UTC))
        if entity is CONTACT:
            _require_company(conn, merged.get("company_id"))
        entities.upsert(conn, entity, [merged])
        _after_write(conn, entity, [merged])
        return _stored(conn, entity, uuid)


def delete(store: Store, entity: Entity, raw_uuid: str) -> None:
    """Soft delete (the index document goes through the outbox); 404 when not live."""
    uuid = parse_uuid(raw_uuid, path="uuid")
    with store.write() as conn:
        if not entities.soft_delete(conn, entity, uuid, datetime.now(UTC)):
            raise not_found(entity)
        outbox.enqueue(conn, entity.name, [uuid])


def _upsert_match(conn: sa.Connection, entity: Entity, values: Mapping[str, Any]) -> str:
    """The uuid to write: client uuid, then email / normalized_domain, then the derived one."""
    given = values.get("uuid")
    if given and entities.fetch_by_uuids(conn, entity, [given], ["uuid"]):
        return str(given)
    key = "email" if entity is CONTACT else "normalized_domain"
    if values.get(key):
        found = entities.oldest_live_uuid(conn, entity, key, values[key])
        if found:
            return found
    return str(given or _derived_uuid(entity, values))


def upsert(store: Store, entity: Entity, body: Any) -> tuple[dict[str, Any], bool]:
    """Update the matching record or create one; returns (record, is_new)."""
    values = clean_input(entity, body)
    if entity is CONTACT and not (values.get("email") or values.get("uuid")):
        raise ValidationError("either email or UUID is required for upsert", path="email")
    if entity is COMPANY:
        require(values, ("name",))
    now = datetime.now(UTC)
    with store.write() as conn:
        uuid = _upsert_match(conn, entity, values)
        values.pop("uuid", None)
        existing = entities.fetch_by_uuids(conn, entity, [uuid], for_update=True).get(uuid)
        if existing is None:
            row = _full_row(entity, {**values, "uuid": uuid, "created_at": now, "updated_at": now})
        else:
            row = _merge(entity, existing, values, now)
        if entity is CONTACT:
            _require_company(conn, row.get("company_id"))
        # ON CONFLICT keeps concurrent upserts of one record to one row.
        entities.upsert(conn, entity, [row])
        _after_write(conn, entity, [row])
        return _stored(conn, entity, uuid), existing is None


@dataclass
class BulkResult:
    total_count: int
    created: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        return {
            "total_count": self.total_count,
            "success_count": self.total_count - len(self.errors),
            "error_count": len(self.errors),
            "created": self.created,
            "updated": self.updated,
            "errors": self.errors,
        }


def _bulk_values(entity: Entity, record: Any, index: int) -> dict[str, Any]:
    values = clean_input(entity, record, f"[{index}]")
    if entity is CONTACT and not values.get("uuid"):
        require(values, ("first_name", "last_name", "email"), f"[{index}]")
    values["uuid"] = values.get("uuid") or _derived_uuid(entity, values)
    return values


def bulk_upsert(
    store: Store,
    entity: Entity,
    records: Any,
    *,
    limit: int = BULK_MAX,
    too_many: type[ValidationError] = BatchTooLarge,
) -> BulkResult:
    """Validate every record, report the invalid ones, upsert the rest by uuid in one
    transaction with one multi-row statement. A soft-deleted record with that uuid is revived."""
    if records is None or (isinstance(records, list) and not records):
        raise EmptyPayload(f"no {entity.plural} given", path=entity.plural)
    if not isinstance(records, list):
        raise ValidationError(f"{entity.plural} must be an array", path=entity.plural)
    if len(records) > limit:
        raise too_many(f"at most {limit} {entity.plural} per call, got {len(records)}")
    result = BulkResult(total_count=len(records))
    valid: dict[str, tuple[int, dict[str, Any]]] = {}
    for i, record in enumerate(records):
        try:
            values = _bulk_values(entity, record, i)
        except ValidationError as exc:
            result.errors.append(_bulk_error(i, record, exc.message))
            continue
        first, merged = valid.get(values["uuid"], (i, {}))
        valid[values["uuid"]] = (first, {**merged, **values})  # later duplicates add fields
    if valid:
        _write_bulk(store, entity, valid, result)
    return result


def _bulk_error(index: int, record: Any, message: str) -> dict[str, Any]:
    uuid = record.get("uuid") if isinstance(record, Mapping) else None
    return {"index": index, **({"uuid": uuid} if isinstance(uuid, str) else {}), "error": message}


def _write_bulk(
    store: Store, entity: Entity, valid: dict[str, tuple[int, dict[str, Any]]], result: BulkResult
) -> None:
    now = datetime.now(UTC)
    with store.write() as conn:
        existing = entities.fetch_by_uuids(
            conn, entity, list(valid), include_deleted=True, for_update=True
        )
        rows = []
        for uuid, (index, values) in valid.items():
            if uuid in existing:
                rows.append(_merge(entity, existing[uuid], values, now))
                result.updated += 1
            elif entity is COMPANY and not values.get("name"):
                result.errors.append(_bulk_error(index, values, "name is required"))
            else:
                rows.append(_full_row(entity, {**values, "created_at": now, "updated_at": now}))
                result.created += 1
        entities.upsert(conn, entity, rows)
        outbox.enqueue(conn, entity.name, [row["uuid"] for row in rows])
        record_filter_values(conn, entity, rows)
