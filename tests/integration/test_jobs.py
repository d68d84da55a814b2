"""Job queue, runners and CSV handlers on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from connectra.errors import Conflict, JobNotFound
from connectra.index.tantivy import TantivyIndex
from connectra.model.fake import DemoData
from connectra.model.fields import COMPANY, CONTACT
from connectra.model.rows import CSV_HEADERS
from connectra.objects.memory import MemoryObjectStore
from connectra.services import jobs as job_service
from connectra.services import search as search_service
from connectra.services import writes
from connectra.settings import load_settings
from connectra.store import entities, migrate
from connectra.store import jobs as jobs_repo
from connectra.store.database import Store
from connectra.workers.context import JobContext
from connectra.workers.indexer import Indexer
from connectra.workers.runner import Runner
from connectra.workers.setup import HANDLERS, make_runner

NOW = datetime.now(UTC)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[TantivyIndex]:
    found = TantivyIndex(tmp_path / "index", writer_heap=15_000_000)
    yield found
    found.close()


def _job(store: Store, job_type: str, data: Any = None, retries: int = 0) -> str:
    with store.write() as conn:
        row = jobs_repo.create(conn, job_type, data if data is not None else {}, retries, NOW)
    return str(row["uuid"])


def _get(store: Store, uuid: str) -> dict[str, Any]:
    with store.read() as conn:
        found = jobs_repo.get(conn, uuid)
    assert found is not None
    return found


def _runner(store: Store, handlers: dict[str, Any], kind: Any = "first_time", **kw: Any) -> Runner:
    def context(job: dict[str, Any], owner: str, stopping: threading.Event) -> JobContext:
        return JobContext(job, owner, store, None, None, None, stopping)  # type: ignore[arg-type]

    return Runner(kind, store, handlers, context, tick_seconds=0.02, **kw)


def test_two_runners_racing_never_run_a_job_twice(store: Store) -> None:
    ran: list[str] = []
    lock = threading.Lock()

    def record(ctx: JobContext) -> dict[str, Any]:
        with lock:
            ran.append(ctx.uuid)
        time.sleep(0.01)
        return {"messages": "ok"}

    uuids = [_job(store, "noop") for _ in range(30)]
    runners = [_runner(store, {"noop": record}, workers=3) for _ in range(2)]
    for runner in runners:
        runner.start()
    deadline = time.monotonic() + 60
    while len(ran) < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    for runner in runners:
        runner.stop()
    assert Counter(ran) == Counter(uuids)
    assert {_get(store, u)["status"] for u in uuids} == {"completed"}


def test_failures_are_retried_until_retry_count_runs_out(store: Store) -> None:
    attempts: Counter[str] = Counter()

    def flaky(ctx: JobContext) -> dict[str, Any]:
        attempts[ctx.uuid] += 1
        raise RuntimeError(f"attempt {attempts[ctx.uuid]}")

    uuid = _job(store, "flaky", retries=2)
    with store.write() as conn:
        conn.execute(sa.text("UPDATE jobs SET retry_interval = 0"))
    first, retry = _runner(store, {"flaky": flaky}), _runner(store, {"flaky": flaky}, "retry")
    assert first.run_one()
    job = _get(store, uuid)
    assert (job["status"], job["retry_count"]) == ("failed", 2)
    assert job["run_after"] is not None
    assert retry.run_one()
    assert retry.run_one()
    assert not retry.run_one()  # no retries left
    job = _get(store, uuid)
    assert (job["status"], job["retry_count"]) == ("failed", 0)
    assert job["job_response"]["runtime_errors"] == [
        "RuntimeError: attempt 1", "RuntimeError: attempt 2", "RuntimeError: attempt 3",
    ]  # fmt: skip


def test_retries_wait_for_run_after(store: Store) -> None:
    uuid = _job(store, "flaky", retries=1)

    def fail(ctx: JobContext) -> dict[str, Any]:
        raise RuntimeError("nope")

    assert _runner(store, {"flaky": fail}).run_one()
    assert not _runner(store, {"flaky": fail}, "retry").run_one()  # run_after is 30 s away
    assert _get(store, uuid)["retry_count"] == 1


def test_a_job_whose_worker_died_is_claimed_again(store: Store) -> None:
    uuid = _job(store, "noop")
    with store.write() as conn:  # a worker claimed it, then vanished: its lease ran out
        past = datetime.now(UTC) - timedelta(minutes=5)
        assert jobs_repo.claim_first_time(conn, "dead-worker", past, timedelta(seconds=60))
    assert _runner(store, {"noop": lambda ctx: {"messages": "rescued"}}).run_one()
    job = _get(store, uuid)
    assert (job["status"], job["job_response"]) == ("completed", {"messages": "rescued"})


def test_a_live_lease_is_not_taken(store: Store) -> None:
    _job(store, "noop")
    with store.write() as conn:
        now = datetime.now(UTC)
        assert jobs_repo.claim_first_time(conn, "alive", now, timedelta(minutes=5))
    assert not _runner(store, {"noop": lambda ctx: {}}).run_one()


def test_unknown_job_type_fails_with_its_token(store: Store) -> None:
    uuid = _job(store, "make_coffee")
    assert _runner(store, HANDLERS).run_one()
    job = _get(store, uuid)
    assert job["status"] == "failed"
    assert job["job_response"]["runtime_errors"][0].startswith("ERR_INVALID_JOB_TYPE: ")


def _csv(rows: list[dict[str, str]], *, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_HEADERS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def _engines(store: Store, index: TantivyIndex, **overrides: Any) -> tuple[Any, MemoryObjectStore]:
    settings = load_settings(env_file=None, batch_size_for_insertion=50, **overrides)
    return settings, MemoryObjectStore()


def test_import_handles_bom_quoted_newlines_and_bad_rows(store: Store, index: TantivyIndex) -> None:
    settings, objects = _engines(store, index)
    rows = list(DemoData(4).rows(120))
    rows[3]["title"] = "Head of\nSales, EMEA"  # quoted newline and comma
    data = _csv(rows, bom=True).split(b"\n")
    header_fields = len(CSV_HEADERS)
    data.insert(10, b"only,three,fields")  # line 11 of the file
    objects.objects[("default", "uploads/in.csv")] = b"\n".join(data)
    uuid = _job(store, "insert_csv_file", {"s3_key": "uploads/in.csv"})
    assert make_runner("first_time", settings, store, index, objects).run_one()
    job = _get(store, uuid)
    assert job["status"] == "completed", job["job_response"]
    assert job["job_response"]["row_errors"] == [f"line 11: expected {header_fields} fields, got 3"]
    assert job["job_response"]["progress"]["rows"] == 120
    assert job["job_response"]["progress"]["batches"] == 3
    with store.read() as conn:
        assert entities.count_live(conn, CONTACT) == len({r["email"] for r in rows})
        titles = conn.execute(sa.text("SELECT title FROM contacts")).scalars()
        assert "Head of Sales, EMEA" in set(titles)  # whitespace runs collapse (§b.2)


def test_import_resumes_after_an_interruption(store: Store, index: TantivyIndex) -> None:
    settings, objects = _engines(store, index)
    rows = list(DemoData(5).rows(200))
    objects.objects[("default", "uploads/big.csv")] = _csv(rows)
    uuid = _job(store, "insert_csv_file", {"s3_key": "uploads/big.csv"})
    runner = make_runner("first_time", settings, store, index, objects)
    batches = 0

    def stop_after_two() -> None:
        nonlocal batches
        batches += 1
        if batches == 2:
            runner.stopping.set()

    runner = make_runner("first_time", settings, store, index, objects, stop_after_two)
    assert runner.run_one()
    job = _get(store, uuid)
    assert job["status"] == "open"  # back in the queue, progress kept
    assert job["job_response"]["progress"]["batches"] == 2
    assert make_runner("first_time", settings, store, index, objects).run_one()
    job = _get(store, uuid)
    assert job["status"] == "completed"
    assert job["job_response"]["progress"]["rows"] == 200
    with store.read() as conn:
        assert entities.count_live(conn, CONTACT) == 200


def test_import_of_a_missing_object_fails(store: Store, index: TantivyIndex) -> None:
    settings, objects = _engines(store, index)
    uuid = _job(store, "insert_csv_file", {"s3_key": "uploads/nope.csv"})
    make_runner("first_time", settings, store, index, objects).run_one()
    job = _get(store, uuid)
    assert job["status"] == "failed"
    assert "nope.csv" in job["job_response"]["runtime_errors"][0]


@pytest.mark.parametrize("index_page", [search_service.WALK_INDEX_PAGE, 70])
def test_export_matches_the_store(
    store: Store, index: TantivyIndex, index_page: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 70 hits per index request: the walk's pages of 50 rows straddle index pages.
    monkeypatch.setattr(search_service, "WALK_INDEX_PAGE", index_page)
    settings, objects = _engines(store, index)
    objects.objects[("default", "uploads/in.csv")] = _csv(list(DemoData(6).rows(180)))
    _job(store, "insert_csv_file", {"s3_key": "uploads/in.csv"})
    make_runner("first_time", settings, store, index, objects).run_one()
    Indexer(store, index).drain()
    columns = ["uuid", "first_name", "departments", "company_id", "created_at", "stage"]
    vql = {"where": {"keyword_match": {"must_not": {"seniority": "intern"}}},
           "select_columns": columns, "limit": 3, "page": 5}  # fmt: skip
    uuid = _job(store, "export_csv_file", {"service": "contacts", "vql": vql})
    make_runner("first_time", settings, store, index, objects).run_one()
    job = _get(store, uuid)
    assert job["status"] == "completed", job["job_response"]
    key = job["job_response"]["s3_key"]
    assert key == f"uploads/{uuid}.csv"
    lines = list(csv.reader(io.StringIO(objects.open_read(key).read().decode())))
    assert lines[0] == columns
    exported = [line[0] for line in lines[1:]]
    with store.read() as conn:
        by_uuid = entities.fetch_by_uuids(conn, CONTACT, exported)
        expected = conn.execute(
            sa.text(
                "SELECT count(*) FROM contacts WHERE deleted_at IS NULL AND seniority != 'intern'"
            )
        ).scalar_one()
    assert len(exported) == len(set(exported)) == expected
    assert exported == sorted(exported, reverse=True)  # uuid descending
    assert job["job_response"]["progress"] == {"rows": expected, "total": expected}
    for line in lines[1:]:
        row = by_uuid[line[0]]
        assert line[1] == (row["first_name"] or "")
        assert line[2] == ",".join(row["departments"] or [])
        assert line[3] == row["company_id"]
        assert line[4] == row["created_at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.parametrize(
    ("data", "token"),
    [
        ({"service": "contact", "vql": {"where": {}}}, "ERR_MISSING_SELECT_COLUMNS"),
        ({"service": "people", "vql": {"select_columns": ["uuid"]}}, "ERR_UNKNOWN_SERVICE"),
        ({"service": "contact", "vql": {"select_columns": ["nope"]}}, "unknown column"),
    ],
)
def test_bad_exports_fail_the_job(
    store: Store, index: TantivyIndex, data: dict[str, Any], token: str
) -> None:
    settings, objects = _engines(store, index)
    uuid = _job(store, "export_csv_file", data)
    make_runner("first_time", settings, store, index, objects).run_one()
    job = _get(store, uuid)
    assert job["status"] == "failed"
    assert token in job["job_response"]["runtime_errors"][0]
    assert "s3_key" not in job["job_response"]
    assert objects.objects == {}


def test_a_failed_batch_is_not_recorded_as_done(
    store: Store, index: TantivyIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The retry re-imports the batch whose transaction failed (nothing is skipped)."""
    from connectra.services import batch_upsert

    settings, objects = _engines(store, index)
    rows = list(DemoData(8).rows(200))
    objects.objects[("default", "uploads/f.csv")] = _csv(rows)
    uuid = _job(store, "insert_csv_file", {"s3_key": "uploads/f.csv"}, retries=1)
    with store.write() as conn:
        conn.execute(sa.text("UPDATE jobs SET retry_interval = 0"))
    calls = 0
    real = batch_upsert.upsert_csv_rows

    def flaky(conn: Any, batch: Any, priority: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("deadlock detected")
        return real(conn, batch, priority)

    monkeypatch.setattr(batch_upsert, "upsert_csv_rows", flaky)
    make_runner("first_time", settings, store, index, objects).run_one()
    assert _get(store, uuid)["job_response"]["progress"]["batches"] == 2
    assert make_runner("retry", settings, store, index, objects).run_one()
    job = _get(store, uuid)
    assert job["status"] == "completed"
    with store.read() as conn:
        assert entities.count_live(conn, CONTACT) == len({r["email"] for r in rows})


def test_retrigger_runs_a_finished_job_again_and_keeps_its_error_history(store: Store) -> None:
    uuid = _job(store, "make_coffee", {"cups": 1})
    with pytest.raises(Conflict):  # open: not finished yet
        job_service.retrigger_job(store, uuid, {})
    assert _runner(store, HANDLERS).run_one()
    again = job_service.retrigger_job(store, uuid.upper(), {"data": {"cups": 2}, "retry_count": 1})
    assert (again["status"], again["retry_count"], again["data"]) == ("open", 1, {"cups": 2})
    assert again["run_after"] is None
    assert len(again["job_response"]["runtime_errors"]) == 1
    assert _runner(store, HANDLERS).run_one()
    assert len(_get(store, uuid)["job_response"]["runtime_errors"]) == 2
    kept = job_service.retrigger_job(store, uuid, {})
    assert (kept["retry_count"], kept["data"]) == (0, {"cups": 2})  # default count, data kept
    with pytest.raises(JobNotFound):
        job_service.retrigger_job(store, "6aa7dce4-330b-52d2-b4c5-605eb4e65a23", {})


def test_import_lists_the_columns_it_ignored(store: Store, index: TantivyIndex) -> None:
    settings, objects = _engines(store, index)
    body = b"first_name,last_name,company,favourite_colour,Notes\nAda,Byron,Analytical,blue,x\n"
    objects.objects[("default", "uploads/extra.csv")] = body
    uuid = _job(store, "insert_csv_file", {"s3_key": "uploads/extra.csv"})
    make_runner("first_time", settings, store, index, objects).run_one()
    job = _get(store, uuid)
    assert job["status"] == "completed", job["job_response"]
    assert job["job_response"]["ignored_columns"] == ["favourite_colour", "Notes"]


def _export(
    store: Store, index: TantivyIndex, objects: MemoryObjectStore, service: str, columns: list[str]
) -> bytes:
    settings, _ = _engines(store, index)
    Indexer(store, index).drain()
    uuid = _job(store, "export_csv_file", {"service": service, "vql": {"select_columns": columns}})
    make_runner("first_time", settings, store, index, objects).run_one()
    job = _get(store, uuid)
    assert job["status"] == "completed", job["job_response"]
    return bytes(objects.open_read(job["job_response"]["s3_key"]).read())


def _lines(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def test_company_export_matches_the_store(store: Store, index: TantivyIndex) -> None:
    settings, objects = _engines(store, index)
    objects.objects[("default", "uploads/in.csv")] = _csv(list(DemoData(9).rows(150)))
    _job(store, "insert_csv_file", {"s3_key": "uploads/in.csv"})
    make_runner("first_time", settings, store, index, objects).run_one()
    columns = ["uuid", "name", "technologies", "employees_count", "phone_number", "updated_at"]
    lines = _lines(_export(store, index, objects, "company", columns))
    assert lines[0] == columns
    with store.read() as conn:
        live = entities.count_live(conn, COMPANY)
        by_uuid = entities.fetch_by_uuids(conn, COMPANY, [line[0] for line in lines[1:]])
    assert len(lines) - 1 == live == len(by_uuid)
    for line in lines[1:]:
        row = by_uuid[line[0]]
        assert line[1:5] == [row["name"] or "", ",".join(row["technologies"] or []),
                             str(row["employees_count"]), row["phone_number"] or ""]  # fmt: skip
        assert line[5] == row["updated_at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")


TRICKY = [
    'Head of "Growth", EMEA',  # quotes and the delimiter
    'R&D; Platform, "Core" team',
    "Line one\nline two",  # a newline (stored through the API)
    "VP  Sales",  # an inner double space
]


def test_tricky_fields_round_trip_through_export_and_import(
    store: Store, index: TantivyIndex, tmp_path: Path
) -> None:
    """Export quotes what needs quoting, so the CSV cells equal the stored values exactly; an
    import of that file stores the same values again. Every CSV cell is cleaned on import (§b.2):
    whitespace runs (a newline included) become one space, and leading or trailing punctuation
    goes, so the values here start and end with a letter."""
    columns = ["first_name", "last_name", "email", "title", "city", "departments"]
    for n, title in enumerate(TRICKY):
        body = {
            "first_name": f"Ann{n}",
            "last_name": "O'Neil, Jr",
            "email": f"ann{n}@x.io",
            "title": title,
            "city": 'São "Paulo" SP',
            "departments": ["R&D", "Ops"],
        }
        writes.create(store, CONTACT, body)
    _, objects = _engines(store, index)
    exported = _export(store, index, objects, "contact", columns)
    stored = _by_email(store)
    lines = _lines(exported)
    assert len(lines) == 1 + len(TRICKY)
    for line in lines[1:]:
        row = stored[line[2]]
        assert line == [row[name] for name in columns[:5]] + ["R&D,Ops"]
    second = Store.from_url(f"sqlite:///{tmp_path}/second.db")
    migrate.upgrade(second.engine)
    settings, _ = _engines(second, index)
    objects.objects[("default", "uploads/back.csv")] = exported
    uuid = _job(second, "insert_csv_file", {"s3_key": "uploads/back.csv"})
    make_runner("first_time", settings, second, index, objects).run_one()
    assert _get(second, uuid)["status"] == "completed"
    back = _by_email(second)
    second.dispose()
    assert set(back) == set(stored)
    for email, row in stored.items():
        for name in ("first_name", "last_name", "city", "departments"):
            assert back[email][name] == row[name], name
        assert back[email]["title"] == " ".join(row["title"].split())


def _by_email(store: Store) -> dict[str, dict[str, Any]]:
    with store.read() as conn:
        uuids = list(conn.execute(sa.text("SELECT uuid FROM contacts")).scalars())
        rows = entities.fetch_by_uuids(conn, CONTACT, uuids)
    return {row["email"]: row for row in rows.values()}
