"""Response shapes for the OpenAPI document (responses themselves are built with orjson)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from connectra.limits import JSON_NUMBER_MAX

NO_NUL = "^[^\\u0000]*$"
_NUMBERS = ("integer", "number")
_NOT_SCHEMAS = ("example", "examples", "default", "enum", "const")


class ListResponse(BaseModel):
    data: list[dict[str, Any]]
    success: bool = True


class CountResponse(BaseModel):
    count: int
    success: bool = True


class RecordResponse(BaseModel):
    data: dict[str, Any]
    success: bool = True


class ErrorResponse(BaseModel):
    success: bool = False
    error: str
    error_code: str
    message: str
    details: Any = None


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (400, "VALIDATION_ERROR (ERR_PAGE_SIZE_EXCEEDED, ERR_PAGE_OUT_OF_RANGE, bad field...)"),
        (401, "UNAUTHORIZED: missing or invalid X-API-Key"),
        (413, "PAYLOAD_TOO_LARGE: body over 10 MiB"),
        (429, "RATE_LIMIT_EXCEEDED (see Retry-After)"),
    )
}


def request_body(
    schema: dict[str, Any],
    examples: dict[str, Any] | None = None,
    media_type: str = "application/json",
) -> dict[str, Any]:
    """``openapi_extra`` declaring a required body, for routes that parse their body themselves
    (whatever the Content-Type, with the contract's errors) instead of through a model."""
    content: dict[str, Any] = {"schema": schema}
    if examples:
        content["examples"] = examples
    return {"requestBody": {"required": True, "content": {media_type: content}}}


def declare_storable(document: dict[str, Any]) -> None:
    """Every string and number schema of an OpenAPI document, made to say what
    :func:`connectra.model.validation.check_storable` enforces on every body: no NUL character,
    no number beyond int64 in magnitude."""
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        kind = node.get("type")
        if kind == "string":
            _no_nul(node)
        elif kind in _NUMBERS:  # (the OpenAPI model turned int bounds into floats: back to int64)
            node["maximum"] = min(node.get("maximum", JSON_NUMBER_MAX), JSON_NUMBER_MAX)
            node["minimum"] = max(node.get("minimum", -JSON_NUMBER_MAX), -JSON_NUMBER_MAX)
        pending.extend(value for key, value in node.items() if key not in _NOT_SCHEMAS)


def _no_nul(schema: dict[str, Any]) -> None:
    if "pattern" not in schema:
        schema["pattern"] = NO_NUL
    elif schema["pattern"] != NO_NUL and {"pattern": NO_NUL} not in schema.get("allOf", []):
        schema.setdefault("allOf", []).append({"pattern": NO_NUL})
