"""Response shapes for the OpenAPI document (responses themselves are built with orjson)."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from connectra.limits import JSON_NUMBER_MAX

NO_NUL = "^[^\\u0000]*$"
_NUMBERS = ("integer", "number")
_NOT_SCHEMAS = ("example", "examples", "default", "enum", "const")
JSON_VALUE = "JSONValue"
_JSON_VALUE_REF = {"$ref": f"#/components/schemas/{JSON_VALUE}"}
# Any JSON value; declare_storable adds the limits every body is held to.
_JSON_VALUE: dict[str, Any] = {
    "anyOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "null"},
        {"type": "array", "items": _JSON_VALUE_REF},
        {"type": "object", "additionalProperties": _JSON_VALUE_REF},
    ],
}


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


def declared_parameter(
    name: str,
    schema: dict[str, Any],
    description: str,
    *,
    where: str = "query",
    required: bool = True,
) -> dict[str, Any]:
    """``openapi_extra`` declaring a parameter for routes that check it themselves (with the
    contract's ERR token rather than FastAPI's 422) and hide it from FastAPI's own declaration
    (``include_in_schema=False``): FastAPI cannot declare a required parameter it does not
    enforce, nor a schema built at run time."""
    parameter = {
        "name": name,
        "in": where,
        "required": required,
        "schema": schema,
        "description": description,
    }
    return {"parameters": [parameter]}


def declare_storable(document: dict[str, Any]) -> None:
    """Every schema of an OpenAPI document, made to say what
    :func:`connectra.model.validation.check_storable` enforces on every body: no NUL character
    in a string or a key, no number beyond int64 in magnitude, at any depth (a free-form value
    is a ``JSONValue``, which says so too)."""
    document["components"]["schemas"][JSON_VALUE] = copy.deepcopy(_JSON_VALUE)
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
        elif kind == "object":
            _keys_storable(node)
        pending.extend(value for key, value in node.items() if key not in _NOT_SCHEMAS)


def _keys_storable(schema: dict[str, Any]) -> None:
    """An object's keys hold no NUL, and the values of its free-form keys are JSON values."""
    extra = schema.get("additionalProperties", True)
    if extra is False:
        return
    schema["propertyNames"] = {"pattern": NO_NUL}
    if extra is True or extra == {}:
        schema["additionalProperties"] = _JSON_VALUE_REF


def _no_nul(schema: dict[str, Any]) -> None:
    if "pattern" not in schema:
        schema["pattern"] = NO_NUL
    elif schema["pattern"] != NO_NUL and {"pattern": NO_NUL} not in schema.get("allOf", []):
        schema.setdefault("allOf", []).append({"pattern": NO_NUL})
