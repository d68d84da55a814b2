"""Job use-cases for the API: create, list, get and re-trigger (CONTRACT.md §f.2, §d.9)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectra.errors import (
    Conflict,
    InvalidLimit,
    InvalidRetryCount,
    JobNotFound,
    LimitTooHigh,
    MissingJobData,
    MissingJobType,
    ValidationError,
)
from connectra.limits import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, RETRY_COUNT_MAX
from connectra.model.identity import parse_uuid
from connectra.model.timestamps import format_timestamp
from connectra.model.validation import integral
from connectra.store import jobs as jobs_repo
from connectra.store.database import Store

DEFAULT_RETRY_COUNT = 0
COMPLETED = jobs_repo.COMPLETED


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


def _known_keys(body: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    """Unknown keys are a 400 naming them, as in VQL bodies (a typo never goes unnoticed)."""
    for key in body:
        if key not in allowed:
            raise ValidationError(f"{key}: unknown key", path=str(key), field=str(key))


def _retry_count(body: Mapping[str, Any]) -> int:
    if body.get("retry_count") is None:
        return DEFAULT_RETRY_COUNT
    retry_count = integral(body["retry_count"])
    if retry_count is None:
        raise ValidationError("retry_count must be an integer", path="retry_count")
    if retry_count < 0:
        raise InvalidRetryCount(f"retry_count must be >= 0, got {retry_count}", path="retry_count")
    if retry_count > RETRY_COUNT_MAX:
        raise InvalidRetryCount(
            f"retry_count must be at most {RETRY_COUNT_MAX}, got {retry_count}", path="retry_count"
        )
    return retry_count


@dataclass(frozen=True, slots=True)
class NewJob:
    job_type: str
    data: Any
    retry_count: int


def parse_new_job(body: Any) -> NewJob:
    """``{"job_type", "job_data", "retry_count"?}`` checked in the contract's order (§f.2)."""
    body = _object(body)
    _known_keys(body, ("job_type", "job_data", "retry_count"))
    job_type = body.get("job_type")
    if not isinstance(job_type, str) or not job_type.strip():
        raise MissingJobType("job_type is required", path="job_type", field="job_type")
    if "job_data" not in body or body["job_data"] is None:
        raise MissingJobData("job_data is required", path="job_data", field="job_data")
    return NewJob(job_type.strip(), body["job_data"], _retry_count(body))


@dataclass(frozen=True, slots=True)
class JobFilter:
    job_type: str | None
    statuses: list[str]
    limit: int


def parse_job_filter(body: Any) -> JobFilter:
    """``{"job_type"?, "status"?, "limit"?}``; a limit of 0 or none means the default."""
    body = _object(body)
    _known_keys(body, ("job_type", "status", "limit"))
    limit = integral(body.get("limit") or 0)
    if limit is None:
        raise ValidationError("limit must be an integer", path="limit")
    if limit < 0:
        raise InvalidLimit(f"limit must be >= 0, got {limit}", path="limit")
    if limit > PAGE_SIZE_MAX:
        raise LimitTooHigh(f"limit must be at most {PAGE_SIZE_MAX}, got {limit}", path="limit")
    statuses = body.get("status") or []
    if isinstance(statuses, str):
        statuses = [statuses]
    if not isinstance(statuses, list) or not all(isinstance(s, str) for s in statuses):
        raise ValidationError("status must be a list of strings", path="status")
    job_type = body.get("job_type")
    if job_type is not None and not isinstance(job_type, str):
        raise ValidationError("job_type must be a string", path="job_type")
    return JobFilter(job_type, statuses, limit or PAGE_SIZE_DEFAULT)


@dataclass(frozen=True, slots=True)
class Retrigger:
    data: Any  # None: keep the job's data
    retry_count: int


def parse_retrigger(body: Any) -> Retrigger:
    """``{"data"?, "retry_count"?}`` of ``PUT /common/jobs/{uuid}`` (``job_data`` is accepted
    for ``data``, the name job creation uses)."""
    body = _object(body)
    _known_keys(body, ("data", "job_data", "retry_count"))
    return Retrigger(body.get("data", body.get("job_data")), _retry_count(body))


def submit(store: Store, job: NewJob) -> dict[str, Any]:
    """Queue a job (status ``open``) and return its row."""
    with store.write() as conn:
        row = jobs_repo.create(conn, job.job_type, job.data, job.retry_count, datetime.now(UTC))
    store.job_bell.ring()  # committed: this process's runners look now, not at their tick
    return job_json(row)


def create_job(store: Store, body: Any) -> dict[str, Any]:
    return submit(store, parse_new_job(body))


def progress_rows(job: Mapping[str, Any]) -> tuple[int, int | None]:
    """Rows a running or finished job has handled so far, and the total when the job knows it
    (an export counts its matches first), from its saved progress."""
    response = job.get("job_response")
    progress = response.get("progress", {}) if isinstance(response, Mapping) else {}
    total = progress.get("total")
    return int(progress.get("rows", 0)), None if total is None else int(total)


def list_jobs(store: Store, body: Any) -> list[dict[str, Any]]:
    wanted = parse_job_filter(body)
    with store.read() as conn:
        rows = jobs_repo.list_jobs(conn, wanted.job_type, wanted.statuses, wanted.limit)
    return [job_json(row) for row in rows]


def retrigger_job(store: Store, raw_uuid: str, body: Any) -> dict[str, Any]:
    """A failed or completed job runs again from the start: status ``open``, the given (or
    default) retry count, new data if given; earlier ``runtime_errors`` are kept as history."""
    uuid = parse_uuid(raw_uuid, path="uuid")
    change = parse_retrigger(body)
    with store.write() as conn:
        row = jobs_repo.retrigger(conn, uuid, change.data, change.retry_count, datetime.now(UTC))
        if row is None:
            current = jobs_repo.get(conn, uuid)
            if current is None:
                raise JobNotFound(f"job {uuid} not found")
            raise Conflict(
                f"job {uuid} is {current['status']}: only failed or completed jobs can be "
                "re-triggered"
            )
    store.job_bell.ring()
    return job_json(row)


def get_job(store: Store, raw_uuid: str) -> dict[str, Any]:
    uuid = parse_uuid(raw_uuid, path="uuid")
    with store.read() as conn:
        row = jobs_repo.get(conn, uuid)
    if row is None:
        raise JobNotFound(f"job {uuid} not found")
    return job_json(row)
