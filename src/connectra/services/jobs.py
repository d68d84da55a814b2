"""Job use-cases for the API: create, list, get (CONTRACT.md §f.2)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectra.errors import (
    InvalidLimit,
    InvalidRetryCount,
    JobNotFound,
    LimitTooHigh,
    MissingJobData,
    MissingJobType,
    ValidationError,
)
from connectra.model.identity import parse_uuid
from connectra.model.timestamps import format_timestamp
from connectra.store import jobs as jobs_repo
from connectra.store.database import Store

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def job_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """Job rows always carry every public key (``run_after`` is null when unset)."""
    out: dict[str, Any] = {}
    for name in jobs_repo.PUBLIC_COLUMNS:
        value = row[name]
        out[name] = format_timestamp(value) if isinstance(value, datetime) else value
    return out


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise ValidationError("the request body must be a JSON object", path="$")
    return body


def create_job(store: Store, body: Any) -> dict[str, Any]:
    body = _object(body)
    job_type = body.get("job_type")
    if not isinstance(job_type, str) or not job_type.strip():
        raise MissingJobType("job_type is required", path="job_type", field="job_type")
    if "job_data" not in body or body["job_data"] is None:
        raise MissingJobData("job_data is required", path="job_data", field="job_data")
    retry_count = body.get("retry_count") or 0
    if isinstance(retry_count, bool) or not isinstance(retry_count, int):
        raise ValidationError("retry_count must be an integer", path="retry_count")
    if retry_count < 0:
        raise InvalidRetryCount(f"retry_count must be >= 0, got {retry_count}", path="retry_count")
    with store.write() as conn:
        row = jobs_repo.create(
            conn, job_type.strip(), body["job_data"], retry_count, datetime.now(UTC)
        )
    return job_json(row)


def list_jobs(store: Store, body: Any) -> list[dict[str, Any]]:
    body = _object(body)
    limit = body.get("limit") or 0
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ValidationError("limit must be an integer", path="limit")
    if limit < 0:
        raise InvalidLimit(f"limit must be >= 0, got {limit}", path="limit")
    if limit > MAX_LIMIT:
        raise LimitTooHigh(f"limit must be at most {MAX_LIMIT}, got {limit}", path="limit")
    statuses = body.get("status") or []
    if isinstance(statuses, str):
        statuses = [statuses]
    if not isinstance(statuses, list) or not all(isinstance(s, str) for s in statuses):
        raise ValidationError("status must be a list of strings", path="status")
    job_type = body.get("job_type")
    if job_type is not None and not isinstance(job_type, str):
        raise ValidationError("job_type must be a string", path="job_type")
    with store.read() as conn:
        rows = jobs_repo.list_jobs(conn, job_type, statuses, limit or DEFAULT_LIMIT)
    return [job_json(row) for row in rows]


def get_job(store: Store, raw_uuid: str) -> dict[str, Any]:
    uuid = parse_uuid(raw_uuid, path="uuid")
    with store.read() as conn:
        row = jobs_repo.get(conn, uuid)
    if row is None:
        raise JobNotFound(f"job {uuid} not found")
    return job_json(row)
