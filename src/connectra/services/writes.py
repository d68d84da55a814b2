"""Write use-cases: create, update, soft delete, upsert and bulk upsert of contacts/companies.

Every call is one database transaction that writes the rows, their stored filter values and
their index outbox entries together (CONTRACT.md §0.2.4): a committed write always reaches the
index, and a failed one leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from connectra.limits import BULK_WRITE_MAX
from connectra.model.fields import COMPANY, Entity
from connectra.model.identity import derived_uuid, parse_uuid
from connectra.model.validation import clean_input, immutable_fields, require
from connectra.services.pipeline import record_written, write_rows
from connectra.services.records import not_found, row_json
from connectra.store import entities, outbox
from connectra.store.database import Store


def _full_row(entity: Entity, data: Mapping[str, Any]) -> dict[str, Any]:
    """Every column but ``id``, in catalogue order (multi-row upserts need one shape)."""
    return {c.name: data.get(c.name) for c in entity.columns if c.name != "id"}


def _derived_uuid(entity: Entity, values: Mapping[str, Any]) -> str:
    return derived_uuid(entity.rules.identity, values)


def _require_parent(conn: sa.Connection, entity: Entity, row: Mapping[str, Any]) -> None:
    """A contact's company_id must name an existing company."""
    parent = entity.rules.parent
    company_id = row.get(parent) if parent else None
    if company_id and not entities.fetch_by_uuids(conn, COMPANY, [company_id], ["uuid"]):
        raise NotFound(f"Resource with identifier '{company_id}' not found: no such company")


def _stored(conn: sa.Connection, entity: Entity, uuid: str) -> dict[str, Any]:
    return row_json(entities.fetch_by_uuids(conn, entity, [uuid])[uuid])


def create(store: Store, entity: Entity, body: Any) -> dict[str, Any]:
    """Create one record (201). A live record with the same uuid is a 409 ``CONFLICT``."""
    values = clean_input(entity, body)
    require(values, entity.rules.required)
    uuid = values.get("uuid") or _derived_uuid(entity, values)
    now = datetime.now(UTC)
    row = _full_row(entity, {**values, "uuid": uuid, "created_at": now, "updated_at": now})
    with store.write() as conn:
        _require_parent(conn, entity, values)
        if not entities.insert_if_absent(conn, entity, row):
            if entities.fetch_by_uuids(conn, entity, [uuid], ["uuid"]):
                raise Conflict(f"a {entity.name} with uuid {uuid} already exists")
            entities.upsert(conn, entity, [row])  # a soft-deleted record comes back
        record_written(conn, entity, [row])
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
        _require_parent(conn, entity, merged)
        write_rows(conn, entity, [merged])
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
    key = entity.rules.upsert_match
    if values.get(key):
        found = entities.oldest_live_uuid(conn, entity, key, values[key])
        if found:
            return found
    return str(given or _derived_uuid(entity, values))


def upsert(store: Store, entity: Entity, body: Any) -> tuple[dict[str, Any], bool]:
    """Update the matching record or create one; returns (record, is_new)."""
    values = clean_input(entity, body)
    needed = entity.rules.upsert_needs_one_of
    if not any(values.get(name) for name in needed):
        names = " or ".join(needed)
        raise ValidationError(f"{names} is required for upsert", path=needed[0], field=needed[0])
    now = datetime.now(UTC)
    with store.write() as conn:
        uuid = _upsert_match(conn, entity, values)
        values.pop("uuid", None)
        existing = entities.fetch_by_uuids(conn, entity, [uuid], for_update=True).get(uuid)
        if existing is None:
            row = _full_row(entity, {**values, "uuid": uuid, "created_at": now, "updated_at": now})
            _require_parent(conn, entity, row)
            if entities.insert_if_absent(conn, entity, row):
                record_written(conn, entity, [row])
                return _stored(conn, entity, uuid), True
            # The uuid exists: a concurrent upsert created it since our read (the insert waited
            # for its commit), or it is soft-deleted. Merge into the former; revive the latter.
            existing = entities.fetch_by_uuids(conn, entity, [uuid], for_update=True).get(uuid)
            if existing is None:
                write_rows(conn, entity, [row])
                return _stored(conn, entity, uuid), True
        # Last writer wins per field: given fields overwrite, the others keep the stored value.
        row = _merge(entity, existing, values, now)
        _require_parent(conn, entity, row)
        write_rows(conn, entity, [row])
        return _stored(conn, entity, uuid), False


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
    if not values.get("uuid"):
        require(values, entity.rules.required, f"[{index}]")
    values["uuid"] = values.get("uuid") or _derived_uuid(entity, values)
    return values


def bulk_upsert(
    store: Store,
    entity: Entity,
    records: Any,
    *,
    limit: int = BULK_WRITE_MAX,
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
            elif missing := [n for n in entity.rules.required_when_new if not values.get(n)]:
                result.errors.append(_bulk_error(index, values, f"{missing[0]} is required"))
            else:
                rows.append(_full_row(entity, {**values, "created_at": now, "updated_at": now}))
                result.created += 1
        write_rows(conn, entity, rows)
