"""``POST /common/batch-upsert``: CSV-style rows → companies and contacts (CONTRACT.md §d.7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from connectra.api.deps import StoreDep, json_body, json_response, wake_indexer
from connectra.api.schemas import ERRORS, request_body
from connectra.errors import BatchTooLarge, EmptyPayload, ValidationError
from connectra.limits import BATCH_UPSERT_MAX
from connectra.services import batch_upsert as batch_service


class BatchUpsertRequest(BaseModel):
    """Rows exactly like CSV rows (§b.4): header → string cell; unknown headers are ignored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [
                        {
                            "first_name": "John",
                            "last_name": "Doe",
                            "email": "john@acme.com",
                            "person_linkedin_url": "https://linkedin.com/in/johndoe",
                            "company": "Acme Corporation",
                            "company_linkedin_url": "https://linkedin.com/company/acme-corp",
                            "technologies": "Python, React",
                        }
                    ]
                }
            ]
        }
    )

    data: list[dict[str, str]] = Field(min_length=1, max_length=BATCH_UPSERT_MAX)


class BatchUpsertResponse(BaseModel):
    success: bool = True
    message: str = "Batch upsert successful"
    company_uuids: list[str]
    contact_uuids: list[str]


def _row(index: int, row: object) -> dict[str, str]:
    """A row must be an object of strings: CSV cells, never numbers, booleans or null."""
    if not isinstance(row, Mapping):
        path = f"data[{index}]"
        raise ValidationError(f"{path} must be an object of header → string", path=path, field=path)
    for header, cell in row.items():
        if not isinstance(cell, str):
            path = f"data[{index}].{header}"
            raise ValidationError(
                f"{path} must be a string, got {type(cell).__name__}", path=path, field=path
            )
    return dict(row)


def parse_rows(body: object) -> list[dict[str, str]]:
    """Check the body in the contract's order: data present, a list, not empty, ≤ 100 rows,
    then every cell a string."""
    if not isinstance(body, Mapping):
        raise ValidationError("the request body must be a JSON object", path="$")
    if "data" not in body:
        raise ValidationError("data is required: a list of rows", path="data", field="data")
    rows = body["data"]
    if not isinstance(rows, list):
        raise ValidationError("data must be a list of rows", path="data", field="data")
    if not rows:
        raise EmptyPayload("data holds no rows", path="data", field="data")
    if len(rows) > BATCH_UPSERT_MAX:
        raise BatchTooLarge(
            f"at most {BATCH_UPSERT_MAX} rows per batch, got {len(rows)}", path="data", field="data"
        )
    return [_row(index, row) for index, row in enumerate(rows)]


async def read_batch_rows(request: Request) -> list[dict[str, str]]:
    """The body parsed whatever the Content-Type (clients often omit it)."""
    return parse_rows(await json_body(request, '{"data": [...]}'))


BatchRows = Annotated[list[dict[str, str]], Depends(read_batch_rows)]


def common_router() -> APIRouter:
    router = APIRouter(prefix="/common", tags=["common"], responses=ERRORS)

    @router.post(
        "/batch-upsert",
        response_model=BatchUpsertResponse,
        summary="Upsert CSV-style rows as companies and contacts",
        description=(
            f"One transaction for the whole batch (1 to {BATCH_UPSERT_MAX} rows); every cell "
            "must be a string. 400 with ERR_EMPTY_PAYLOAD / ERR_BATCH_TOO_LARGE for an empty or "
            "oversized batch. The uuid lists are de-duplicated, in first-seen order."
        ),
        openapi_extra=request_body(BatchUpsertRequest.model_json_schema()),
    )
    def batch_upsert(rows: BatchRows, store: StoreDep, request: Request) -> Response:
        result = batch_service.batch_upsert(store, rows)
        wake_indexer(request)
        return json_response(
            {
                "success": True,
                "message": "Batch upsert successful",
                "company_uuids": result.company_uuids,
                "contact_uuids": result.contact_uuids,
            }
        )

    return router
