"""Contact, company and email CSV exports: start one, then poll it for its download URL."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from connectra.gateway import docs, exports
from connectra.gateway.converter import COMPANY_RULES, CONTACT_RULES
from connectra.gateway.deps import ClientDep
from connectra.gateway.errors import json_response
from connectra.gateway.params import CompanyFilters, ContactFilters, Filters

router = APIRouter(prefix="/api/v1/exports", tags=["exports"])

CONTACTS = exports.ExportKind(
    "contacts",
    "contact",
    CONTACT_RULES,
    ("uuid", "first_name", "last_name", "email", "title", "seniority", "departments",
     "email_status", "city", "state", "country", "linkedin_url", "company_id"),
)  # fmt: skip
EMAILS = exports.ExportKind(
    "emails",
    "contact",
    CONTACT_RULES,
    ("uuid", "first_name", "last_name", "email", "email_status", "company_id"),
)
COMPANIES = exports.ExportKind(
    "companies",
    "company",
    COMPANY_RULES,
    ("uuid", "name", "website", "normalized_domain", "employees_count", "industries",
     "annual_revenue", "city", "state", "country", "linkedin_url"),
)  # fmt: skip

_STATUS = {
    "job_uuid": "5b0c2a4e-8f1d-4c3b-9a7e-6d5c4b3a2f1e",
    "status": "completed",
    "service": "contact",
    "rows": 1234,
    "download_url": "http://127.0.0.1:8000/common/downloads/uploads/5b0c….csv?expires=…",
    "expires_in": "24h0m0s",
    "errors": [],
}
_STARTED = docs.answer(
    {"success": True, "data": {**_STATUS, "status": "open", "rows": 0, "download_url": None}},
    "The export job was queued; poll `GET /api/v1/exports/{job_uuid}/`",
    202,
)


class ContactExport(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "filters": {"seniority": "senior", "country": "France"},
                    "select_columns": ["uuid", "first_name", "last_name", "email"],
                }
            ]
        },
    )
    filters: ContactFilters | None = None
    select_columns: list[str] | None = Field(
        None, description="Contact columns of the CSV, in order (default: a useful set)."
    )


class CompanyExport(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"filters": {"country": "France", "employees_min": 50}}]},
    )
    filters: CompanyFilters | None = None
    select_columns: list[str] | None = None


def _given(filters: Filters | None) -> dict[str, Any]:
    return filters.filters() if filters is not None else {}


def _started(body: dict[str, object]) -> Response:
    return json_response({"success": True, "data": body}, 202)


@router.post("/contacts/", status_code=202, summary="Export contacts as CSV", responses=_STARTED)
async def export_contacts(client: ClientDep, body: ContactExport) -> Response:
    filters = _given(body.filters)
    return _started(await exports.start(client, CONTACTS, filters, body.select_columns))


@router.post(
    "/emails/", status_code=202, summary="Export contacts' emails as CSV", responses=_STARTED
)
async def export_emails(client: ClientDep, body: ContactExport) -> Response:
    filters = _given(body.filters)
    return _started(await exports.start(client, EMAILS, filters, body.select_columns))


@router.post("/companies/", status_code=202, summary="Export companies as CSV", responses=_STARTED)
async def export_companies(client: ClientDep, body: CompanyExport) -> Response:
    filters = _given(body.filters)
    return _started(await exports.start(client, COMPANIES, filters, body.select_columns))


@router.get(
    "/{job_uuid}/",
    summary="An export's status, progress and download URL",
    responses={**docs.answer({"success": True, "data": _STATUS}), **docs.NOT_FOUND},
)
async def export_status(client: ClientDep, job_uuid: str) -> Response:
    return json_response({"success": True, "data": await exports.find(client, job_uuid)})
