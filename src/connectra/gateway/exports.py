"""CSV exports as Connectra ``export_csv_file`` jobs (CONTRACT.md §g.3, §f.6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from connectra.client import AsyncConnectraClient, Job
from connectra.errors import NotFound
from connectra.gateway.converter import Rule, where

EXPORT_JOB = "export_csv_file"


@dataclass(frozen=True, slots=True)
class ExportKind:
    """One kind of export: the Connectra service and the default columns of its CSV."""

    name: str
    service: str
    rules: Mapping[str, Rule]
    columns: tuple[str, ...]

    def job_data(self, filters: Mapping[str, Any], columns: Sequence[str] | None) -> dict[str, Any]:
        vql: dict[str, Any] = {"select_columns": list(columns or self.columns)}
        built = where(filters, self.rules)
        if built:
            vql["where"] = built
        return {"service": self.service, "vql": vql}


async def start(
    client: AsyncConnectraClient,
    kind: ExportKind,
    filters: Mapping[str, Any],
    columns: Sequence[str] | None,
) -> dict[str, Any]:
    job = await client.create_job(EXPORT_JOB, kind.job_data(filters, columns))
    return await status(client, job)


async def find(client: AsyncConnectraClient, uuid: str) -> dict[str, Any]:
    job = await client.get_job(uuid)
    if job.job_type != EXPORT_JOB:
        raise NotFound(f"export {uuid!r} not found")
    return await status(client, job)


async def status(client: AsyncConnectraClient, job: Job) -> dict[str, Any]:
    """The export's state, progress and, once completed, a download URL."""
    response = job.job_response
    key = response.get("s3_key") if job.status == "completed" else None
    link = await client.download_url(str(key)) if key else None
    return {
        "job_uuid": job.uuid,
        "status": job.status,
        "service": (job.data or {}).get("service"),
        "rows": (response.get("progress") or {}).get("rows", 0),
        "download_url": link.url if link else None,
        "expires_in": link.expires_in if link else None,
        "errors": list(response.get("runtime_errors") or []),
    }
