"""``export_csv_file``: VQL → the read service's cursor walk → CSV streamed to object storage.

Rows come out in uuid-descending order (CONTRACT.md §f.6), the header is ``select_columns`` as
given, arrays are joined with ``,``, timestamps are RFC 3339, empty values are empty cells. Any
problem with the request (no select_columns, unknown service or column, bad VQL) fails the job
with its ERR token and uploads nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from connectra.errors import (
    MissingSelectColumns,
    UnknownService,
    UnsupportedService,
    ValidationError,
)
from connectra.instruments import instruments
from connectra.model.fields import Entity, entity_for_service
from connectra.model.timestamps import format_timestamp
from connectra.objects.base import export_key
from connectra.services import search as search_service
from connectra.vql.validate import parse_search
from connectra.workers.context import JobContext

_IGNORED_KEYS = ("order_by", "cursor", "search_after", "page", "limit", "company_config")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, datetime):
        return format_timestamp(value)
    return str(value)


def _entity(data: dict[str, Any]) -> Entity:
    try:
        return entity_for_service(str(data.get("service") or ""))
    except UnsupportedService as exc:
        raise UnknownService(exc.message, path="job_data.service") from None


def run_export(ctx: JobContext) -> dict[str, Any]:
    data = ctx.job["data"] if isinstance(ctx.job["data"], dict) else {}
    entity = _entity(data)
    vql = data.get("vql") if isinstance(data.get("vql"), dict) else None
    if vql is None:
        raise ValidationError("job_data.vql must be a VQL object", path="job_data.vql")
    columns = vql.get("select_columns")
    if not columns:
        raise MissingSelectColumns("vql.select_columns is required for an export")
    body = {k: v for k, v in vql.items() if k not in _IGNORED_KEYS}
    body["order_by"] = [{"order_by": "uuid", "order_direction": "desc"}]
    search = parse_search(body, entity)  # unknown columns and fields fail the job here
    total = search_service.count_records(ctx.index, entity, search)
    key = export_key(ctx.settings.s3_upload_file_path_prifix, ctx.uuid)
    response = ctx.response
    written = 0
    with ctx.objects.open_write(key, data.get("s3_bucket")) as out:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(columns)
        pages = search_service.walk_rows(
            ctx.store, ctx.index, entity, search, ctx.settings.batch_size_for_insertion
        )
        for rows in pages:
            ctx.check_stop()
            writer.writerows([cell(row.get(name)) for name in columns] for row in rows)
            written += len(rows)
            instruments().job_rows.labels(ctx.job["job_type"]).inc(len(rows))
            response["progress"] = {"rows": written, "total": total}
            ctx.save_progress(response)
        text.flush()
        text.detach()  # the object store, not the wrapper, decides when the upload completes
    response.update(s3_key=key, messages=f"{written} rows exported")
    response["progress"] = {"rows": written, "total": total}
    return response
