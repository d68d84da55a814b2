"""Export rows/s: the real ``export_csv_file`` job handler, run in process on the loaded store."""

from __future__ import annotations

import csv
import io
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from measure import Stopwatch, rate

from connectra.index.base import SearchIndex
from connectra.model.fields import CONTACT
from connectra.objects.base import ObjectStore
from connectra.objects.factory import open_objects
from connectra.settings import load_settings
from connectra.store import entities
from connectra.store import jobs as jobs_repo
from connectra.store.database import Store
from connectra.workers.setup import make_runner

COLUMNS = [
    "uuid", "first_name", "last_name", "email", "title", "seniority", "email_status",
    "country",
]  # fmt: skip


class ExportMismatch(Exception):
    """The export did not write one row per live contact."""


def _csv_rows(objects: ObjectStore, key: str) -> int:
    with closing(objects.open_read(key)) as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        return sum(1 for _ in reader) - 1  # minus the header


def measure_export(store: Store, index: SearchIndex, scratch: Path) -> dict[str, Any]:
    """Create an export job for every contact (8 columns), run it through the job runner,
    count the CSV rows it uploaded and check them against the store's live contacts."""
    settings = load_settings(
        env_file=None,
        batch_size_for_insertion=1000,
        connectra_data_dir=scratch / "export-data",
        connectra_objects_url=f"file://{scratch / 'objects'}",
    )
    objects = open_objects(settings, "http://127.0.0.1")
    data = {"service": "contact", "vql": {"select_columns": COLUMNS}}
    with store.write() as conn:
        job = jobs_repo.create(conn, "export_csv_file", data, 0, datetime.now(UTC))
    runner = make_runner("first_time", settings, store, index, objects)
    with Stopwatch() as watch:
        ran = runner.run_one(uuid=job["uuid"])
    with store.read() as conn:
        finished = jobs_repo.get(conn, job["uuid"])
        live = entities.count_live(conn, CONTACT)
    if not ran or finished is None or finished["status"] != jobs_repo.COMPLETED:
        raise ExportMismatch(f"export job {job['uuid']} did not complete: {finished}")
    response = finished["job_response"]
    rows = _csv_rows(objects, response["s3_key"])
    if rows != live or response["progress"]["rows"] != live:
        raise ExportMismatch(
            f"export wrote {rows} CSV rows (job says {response['progress']['rows']}), "
            f"but the store has {live} live contacts"
        )
    return {
        "rows": rows,
        "live_contacts": live,
        "columns": COLUMNS,
        "page_size": settings.batch_size_for_insertion,
        "seconds": round(watch.seconds, 3),
        "rows_per_second": round(rate(rows, watch.seconds)),
    }
