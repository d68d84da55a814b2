"""Typed results of the SDK's calls, decoded from the server's JSON envelopes.

Plain frozen dataclasses: records themselves stay ``dict`` because their keys depend on
``select_columns`` and empty keys are omitted by the server (CONTRACT.md §a.8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Record = dict[str, Any]
EntityType = Literal["contact", "company"]


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of ``POST /contacts`` or ``/companies``; items carry ``cursor`` when sorted."""

    data: list[Record]
    success: bool = True

    @property
    def next_cursor(self) -> list[str] | None:
        """The ``cursor`` of the last item: send it back to get the page after this one."""
        if not self.data:
            return None
        cursor = self.data[-1].get("cursor")
        return list(cursor) if cursor else None

    @classmethod
    def from_json(cls, body: Any) -> SearchPage:
        return cls(data=list(body.get("data") or []), success=bool(body.get("success", True)))


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """``POST /<plural>/upsert``: the stored record and whether it was created (201) or not."""

    record: Record
    is_new: bool

    @classmethod
    def from_json(cls, body: Any) -> UpsertResult:
        return cls(record=dict(body["data"]), is_new=bool(body["is_new"]))


@dataclass(frozen=True, slots=True)
class BulkError:
    """One refused record of a bulk call; ``index`` is its position in the request array."""

    index: int
    error: str
    uuid: str | None = None


@dataclass(frozen=True, slots=True)
class BulkResult:
    """``/bulk`` and ``/batch-upsert``: 200 when every record was valid, 207 otherwise.

    A 207 is returned, not raised: the valid records were written, and the caller decides
    what to do with the refused ones.
    """

    total_count: int
    success_count: int
    error_count: int
    created: int
    updated: int
    errors: list[BulkError] = field(default_factory=list)
    success: bool = True

    @classmethod
    def from_json(cls, body: Any) -> BulkResult:
        data = body.get("data") or {}
        errors = [
            BulkError(
                index=int(e.get("index", -1)), error=str(e.get("error", "")), uuid=e.get("uuid")
            )
            for e in data.get("errors") or []
        ]
        return cls(
            total_count=int(data.get("total_count", 0)),
            success_count=int(data.get("success_count", 0)),
            error_count=int(data.get("error_count", len(errors))),
            created=int(data.get("created", 0)),
            updated=int(data.get("updated", 0)),
            errors=errors,
            success=bool(body.get("success", not errors)),
        )


@dataclass(frozen=True, slots=True)
class FilterDefinition:
    """A row of ``filters``: one dropdown of a service (CONTRACT.md §e.1)."""

    id: int
    key: str
    service: str
    filter_type: str
    display_name: str
    direct_derived: bool
    active: bool = True
    deleted_at: str | None = None

    @classmethod
    def from_json(cls, item: Any) -> FilterDefinition:
        return cls(
            id=int(item["id"]),
            key=str(item["key"]),
            service=str(item["service"]),
            filter_type=str(item.get("filter_type") or ""),
            display_name=str(item.get("display_name") or ""),
            direct_derived=bool(item.get("direct_derived", False)),
            active=bool(item.get("active", True)),
            deleted_at=item.get("deleted_at"),
        )


@dataclass(frozen=True, slots=True)
class FilterValue:
    """One dropdown value; ``count`` = live records holding it (None if the server omits it)."""

    value: str
    display_value: str
    count: int | None = None

    @classmethod
    def from_json(cls, item: Any) -> FilterValue:
        count = item.get("count")
        return cls(
            value=str(item["value"]),
            display_value=str(item.get("display_value", item["value"])),
            count=None if count is None else int(count),
        )


@dataclass(frozen=True, slots=True)
class CommonBatchResult:
    """``POST /common/batch-upsert``: uuids written, de-duplicated, in first-seen order."""

    company_uuids: list[str]
    contact_uuids: list[str]
    message: str = ""
    success: bool = True

    @classmethod
    def from_json(cls, body: Any) -> CommonBatchResult:
        return cls(
            company_uuids=list(body.get("company_uuids") or []),
            contact_uuids=list(body.get("contact_uuids") or []),
            message=str(body.get("message", "")),
            success=bool(body.get("success", True)),
        )


@dataclass(frozen=True, slots=True)
class Job:
    """A row of ``jobs`` (CONTRACT.md §f.2); ``job_response`` carries progress, ``s3_key``
    (exports) and ``runtime_errors``."""

    uuid: str
    job_type: str
    status: str
    data: Any = None
    job_response: dict[str, Any] = field(default_factory=dict)
    retry_count: int = 0
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def finished(self) -> bool:
        """``completed`` or ``failed`` (a failed job with retries left may still run again)."""
        return self.status in ("completed", "failed")

    @classmethod
    def from_json(cls, item: Any) -> Job:
        return cls(
            uuid=str(item["uuid"]),
            job_type=str(item.get("job_type") or ""),
            status=str(item.get("status") or ""),
            data=item.get("data"),
            job_response=dict(item.get("job_response") or {}),
            retry_count=int(item.get("retry_count") or 0),
            created_at=item.get("created_at"),
            updated_at=item.get("updated_at"),
        )


@dataclass(frozen=True, slots=True)
class ObjectUrl:
    """``/common/upload-url`` or ``/common/download-url``: a signed URL for one object."""

    url: str
    s3_key: str
    expires_in: str = ""

    @classmethod
    def from_json(cls, body: Any) -> ObjectUrl:
        url = body.get("upload_url") or body.get("download_url")
        return cls(
            url=str(url), s3_key=str(body["s3_key"]), expires_in=str(body.get("expires_in", ""))
        )
