"""Write routes of one entity: create, update, delete, upsert, bulk and batch-upsert."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from connectra.api.deps import JSONBody, StoreDep, json_response, wake_indexer
from connectra.api.paths import RECORD_PATH, UUIDPath
from connectra.api.schemas import ERRORS, ErrorResponse, request_body
from connectra.errors import PageSizeExceeded
from connectra.jsonschema import object_variants
from connectra.limits import BATCH_UPSERT_MAX, BULK_WRITE_MAX
from connectra.model.fields import ColumnType, Entity
from connectra.model.normalize import INT64_MAX
from connectra.model.validation import (
    EMAIL_RE,
    IMMUTABLE,
    LINKEDIN_RE,
    SPACE,
    URL_FIELDS,
    URL_RE,
)
from connectra.services import writes

_JSON_TYPES: dict[ColumnType, dict[str, Any]] = {
    ColumnType.TEXT: {"type": "string"},
    ColumnType.TEXT_ARRAY: {"type": "array", "items": {"type": "string"}},
    ColumnType.BIGINT: {"type": "integer", "minimum": 0, "maximum": INT64_MAX},
}
# What model.validation checks, as JSON schema (the OpenAPI document promises no less).
_FORMATS: dict[str, dict[str, Any]] = {
    "email": {"pattern": EMAIL_RE.pattern},
    "linkedin_url": {"pattern": LINKEDIN_RE.pattern},
    **{name: {"pattern": URL_RE.pattern} for name in URL_FIELDS},
    "uuid": {"format": "uuid"},
    "company_id": {"format": "uuid"},
}
# A required text must hold something once trimmed, and not only the "_" placeholder.
_PRESENT = {"pattern": rf"^(?![{SPACE}]*_[{SPACE}]*$)[{SPACE}]*[^{SPACE}]"}
# An update may not change the record's identity: these are absent (or null) in its body, the
# path names the record (its own uuid is tolerated in the body too).
_IDENTITY = {name: {"type": "null"} for name in ("uuid", *IMMUTABLE)}


def record_schema(entity: Entity, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """JSON schema of a write body, from the field catalogue (for the OpenAPI document)."""
    properties = {
        c.name: {
            **_JSON_TYPES[c.type],
            **_FORMATS.get(c.name, _PRESENT if c.name in required else {}),
        }
        for c in entity.columns
        if not c.system
    }
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return {**schema, "additionalProperties": True}


def _bulk_response(result: writes.BulkResult) -> Response:
    ok = not result.errors
    return json_response({"data": result.payload(), "success": ok}, 200 if ok else 207)


def _one_of(entity: Entity, groups: list[tuple[str, ...]]) -> dict[str, Any]:
    """A write body holding every field of at least one of ``groups``."""
    schema = record_schema(entity, tuple(dict.fromkeys(n for group in groups for n in group)))
    del schema["required"]
    return object_variants(schema, [{"required": list(group)} for group in groups])


def _upsert_schema(entity: Entity) -> dict[str, Any]:
    """An upsert body holds at least one of the fields it can be matched by."""
    return _one_of(entity, [(name,) for name in entity.rules.upsert_needs_one_of])


def _bulk_record_schema(entity: Entity) -> dict[str, Any]:
    """A bulk record names its uuid or holds what a new record needs (else it is reported
    in data.errors)."""
    return _one_of(entity, [("uuid",), entity.rules.required])


def write_router(entity: Entity) -> APIRouter:
    router = APIRouter(prefix=f"/{entity.plural}", tags=[entity.plural], responses=ERRORS)
    new = request_body(record_schema(entity, entity.rules.required))
    one = request_body(_upsert_schema(entity))
    records = {"type": "array", "items": _bulk_record_schema(entity), "minItems": 1}
    many = request_body(
        {
            "type": "object",
            "properties": {entity.plural: {**records, "maxItems": BULK_WRITE_MAX}},
            "required": [entity.plural],
        }
    )
    bare = request_body({**records, "maxItems": BATCH_UPSERT_MAX})
    partial: dict[int | str, dict[str, Any]] = {
        207: {"description": "some records were invalid (see data.errors)"}
    }
    not_found: dict[int | str, dict[str, Any]] = {
        404: {"model": ErrorResponse, "description": "NOT_FOUND"}
    }

    @router.post(
        "/create",
        status_code=201,
        openapi_extra=new,
        responses={409: {"model": ErrorResponse, "description": "CONFLICT"}, **not_found},
    )
    def create(body: JSONBody, store: StoreDep, request: Request) -> Response:
        record = writes.create(store, entity, body)
        wake_indexer(request)
        return json_response({"data": record, "success": True}, 201)

    @router.post(
        "/upsert",
        openapi_extra=one,
        responses={201: {"description": "a new record was created (is_new: true)"}, **not_found},
    )
    def upsert(body: JSONBody, store: StoreDep, request: Request) -> Response:
        record, is_new = writes.upsert(store, entity, body)
        wake_indexer(request)
        return json_response(
            {"data": record, "is_new": is_new, "success": True}, 201 if is_new else 200
        )

    @router.post("/bulk", openapi_extra=many, responses=partial)
    def bulk(body: JSONBody, store: StoreDep, request: Request) -> Response:
        records = body.get(entity.plural) if isinstance(body, dict) else None
        result = writes.bulk_upsert(store, entity, records)
        wake_indexer(request)
        return _bulk_response(result)

    @router.post("/batch-upsert", openapi_extra=bare, responses=partial)
    def batch_upsert(body: JSONBody, store: StoreDep, request: Request) -> Response:
        # The original's bare-array route answered ERR_PAGE_SIZE_EXCEEDED over 100 (§d.2).
        result = writes.bulk_upsert(
            store, entity, body, limit=BATCH_UPSERT_MAX, too_many=PageSizeExceeded
        )
        wake_indexer(request)
        return _bulk_response(result)

    return router


def item_router(entity: Entity) -> APIRouter:
    """PUT and DELETE ``/<plural>/{uuid}``: registered after the literal sub-paths."""
    router = APIRouter(prefix=f"/{entity.plural}", tags=[entity.plural], responses=ERRORS)
    label = entity.rules.label
    not_found: dict[int | str, dict[str, Any]] = {
        404: {"model": ErrorResponse, "description": "NOT_FOUND"}
    }

    update_schema = record_schema(entity)
    update_schema["properties"].update(_IDENTITY)

    @router.put(RECORD_PATH, openapi_extra=request_body(update_schema), responses=not_found)
    def update(uuid: UUIDPath, body: JSONBody, store: StoreDep, request: Request) -> Response:
        record = writes.update(store, entity, uuid, body)
        wake_indexer(request)
        return json_response({"data": record, "success": True})

    @router.delete(RECORD_PATH, responses=not_found)
    def delete(uuid: UUIDPath, store: StoreDep, request: Request) -> Response:
        writes.delete(store, entity, uuid)
        wake_indexer(request)
        return json_response({"success": True, "message": f"{label} deleted successfully"})

    return router
