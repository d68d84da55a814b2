"""Job routes: create, list, get and re-trigger (the runners do the work)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from connectra.api.deps import JSONBody, StoreDep, json_response
from connectra.api.paths import UUIDPath
from connectra.api.schemas import ERRORS, ErrorResponse, request_body
from connectra.limits import PAGE_SIZE_MAX, RETRY_COUNT_MAX
from connectra.services import jobs as job_service

router = APIRouter(prefix="/common/jobs", tags=["jobs"], responses=ERRORS)
# Unknown keys are refused (a typo never goes unnoticed); integral numbers are integers.
_RETRY_COUNT = {"type": "integer", "minimum": 0, "maximum": RETRY_COUNT_MAX}
_CREATE_BODY = request_body(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["job_type", "job_data"],
        "properties": {
            "job_type": {"enum": ["insert_csv_file", "export_csv_file"]},
            "job_data": {"type": "object"},
            "retry_count": _RETRY_COUNT,
        },
    },
    {
        "import": {
            "value": {
                "job_type": "insert_csv_file",
                "job_data": {"s3_key": "uploads/<from /common/upload-url>"},
                "retry_count": 2,
            }
        },
        "export": {
            "value": {
                "job_type": "export_csv_file",
                "job_data": {
                    "service": "contact",
                    "vql": {
                        "where": {"keyword_match": {"must": {"seniority": "senior"}}},
                        "select_columns": ["uuid", "first_name", "email"],
                    },
                },
            }
        },
    },
)
_LIST_BODY = request_body(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "job_type": {"type": "string"},
            "status": {"type": "array", "items": {"type": "string"}},
            "limit": {"type": "integer", "minimum": 0, "maximum": PAGE_SIZE_MAX},
        },
    },
)
_RETRIGGER_BODY = request_body(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "data": {"type": "object", "description": "new job_data (kept if absent)"},
            "retry_count": _RETRY_COUNT,
        },
    },
    {"again": {"value": {"retry_count": 2}}},
)


@router.post("/create", status_code=201, openapi_extra=_CREATE_BODY, summary="Create a job")
def create_job(body: JSONBody, store: StoreDep) -> Response:
    job = job_service.create_job(store, body)
    return json_response({"success": True, "message": "Job created successfully", "data": job}, 201)


@router.post("", openapi_extra=_LIST_BODY, summary="List jobs, newest first")
def list_jobs(body: JSONBody, store: StoreDep) -> Response:
    return json_response({"data": job_service.list_jobs(store, body), "success": True})


@router.put(
    "/{uuid}",
    openapi_extra=_RETRIGGER_BODY,
    summary="Re-trigger a failed or completed job",
    responses={
        404: {"model": ErrorResponse, "description": "NOT_FOUND (ERR_JOB_NOT_FOUND)"},
        409: {"model": ErrorResponse, "description": "CONFLICT: the job is not failed/completed"},
    },
)
def retrigger_job(uuid: UUIDPath, body: JSONBody, store: StoreDep) -> Response:
    job = job_service.retrigger_job(store, uuid, body)
    return json_response(
        {"success": True, "message": "Job updated and retriggered successfully", "data": job}
    )


@router.get(
    "/{uuid}",
    summary="One job with its progress",
    responses={404: {"model": ErrorResponse, "description": "NOT_FOUND (ERR_JOB_NOT_FOUND)"}},
)
def get_job(uuid: UUIDPath, store: StoreDep) -> Response:
    return json_response({"data": job_service.get_job(store, uuid), "success": True})
