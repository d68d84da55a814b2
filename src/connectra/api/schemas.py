"""Response shapes for the OpenAPI document (responses themselves are built with orjson)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


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
