"""`serve --workers 2` and `api --workers 2` over real HTTP: every worker sees every write, the
rate limit is one per key, one process writes the index, and a signal stops every process."""

from __future__ import annotations

import collections
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.acceptance.server import Server, running_server
from tests.conftest import create_database, drop_database, pg_url

WORKERS = 2
WORKER_HEADER = "x-connectra-worker"
SPREAD_REQUESTS = 80  # enough for every worker to answer some, however the kernel deals
CLIENT_THREADS = 4
DEADLINE_SECONDS = 120.0  # a loaded machine starts a worker slowly
SECONDS_PER_MINUTE = 60
PERSON = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@engine.example",
          "title": "Analytical Zebra Engineer"}  # fmt: skip


def _title(word: str) -> dict[str, Any]:
    cond = {"text_value": word, "filter_key": "title", "search_type": "exact"}
    return {"where": {"text_matches": {"must": [cond]}}}


def _parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if _parent_of(int(entry.name)) == pid:
                    found.add(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _workers_of(server: Server, answers: list[httpx.Response]) -> set[int]:
    pids = {int(answer.headers[WORKER_HEADER]) for answer in answers}
    assert all(_parent_of(pid) == server.process.pid for pid in pids)  # workers of this server
    return pids


def _spread(server: Server, ask: Callable[[httpx.Client], httpx.Response]) -> list[httpx.Response]:
    """The same request from several threads, a new connection each time, at least
    SPREAD_REQUESTS times and until every worker has answered (a worker may still be starting
    when the first one answers /health)."""

    def one(_: int) -> httpx.Response:
        with server.client(timeout=30) as client:
            return ask(client)

    answers: list[httpx.Response] = []
    deadline = time.monotonic() + DEADLINE_SECONDS
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        while len(answers) < SPREAD_REQUESTS or len(_workers_of(server, answers)) < WORKERS:
            assert time.monotonic() < deadline, (
                f"workers that answered: {_workers_of(server, answers)}"
            )
            answers += pool.map(one, range(SPREAD_REQUESTS // 4))
    return answers


def _all_up(server: Server) -> set[int]:
    return _workers_of(server, _spread(server, lambda client: client.get("/health")))


def _count_everywhere(server: Server, body: dict[str, Any], expected: int) -> None:
    """Wait until the indexer has applied the write, then every worker must answer ``expected``."""
    server.wait_indexed()
    answers = _spread(server, lambda client: client.post("/contacts/count", json=body))
    by_worker = collections.defaultdict(set)
    for answer in answers:
        by_worker[answer.headers[WORKER_HEADER]].add(answer.json()["count"])
    assert all(counts == {expected} for counts in by_worker.values()), dict(by_worker)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {}
        return
    admin: sa.Engine = request.getfixturevalue("pg_admin")
    database = create_database(admin)
    yield {"CONNECTRA_DATABASE_URL": pg_url(database)}
    drop_database(admin, database)


def test_every_worker_sees_every_write_and_one_process_writes(
    tmp_data: Path, store_env: dict[str, str]
) -> None:
    env = {**store_env, "CONNECTRA_WORKERS": str(WORKERS)}
    with running_server(tmp_data, env) as server:
        _all_up(server)
        with server.client() as client:
            created = client.post("/contacts/create", json=PERSON)
            assert created.status_code == 201, created.text
            uuid = created.json()["data"]["uuid"]
        _count_everywhere(server, _title("zebra"), 1)

        with server.client() as client:
            assert client.put(f"/contacts/{uuid}", json={"title": "Difference Okapi"}).is_success
        _count_everywhere(server, _title("zebra"), 0)
        _count_everywhere(server, _title("okapi"), 1)

        with server.client() as client:
            assert client.delete(f"/contacts/{uuid}").is_success
        _count_everywhere(server, _title("okapi"), 0)
        health = httpx.get(f"{server.base}/health").json()
        assert health["indexer"] == {"pending": 0, "oldest_age_seconds": 0.0, "last_error": None}
    log = (tmp_data.parent / f"server-{server.base.rsplit(':', 1)[1]}.log").read_text()
    assert "LockBusy" not in log
    assert "Traceback" not in log


def test_rate_limit_is_one_per_key_across_workers(tmp_data: Path) -> None:
    capacity = 1  # one token back per minute: per-worker buckets would let WORKERS through
    env = {"CONNECTRA_WORKERS": str(WORKERS), "MAX_REQUESTS_PER_MINUTE": str(capacity)}
    with running_server(tmp_data, env, command="api") as server:
        _all_up(server)
        start = time.monotonic()
        answers = _spread(server, lambda client: client.post("/contacts/count", json={}))
        assert time.monotonic() - start < SECONDS_PER_MINUTE, "too slow to see the limit"
    statuses = collections.Counter(answer.status_code for answer in answers)
    assert statuses == {200: capacity, 429: len(answers) - capacity}


@pytest.mark.parametrize(
    ("signum", "exit_code"),
    [(signal.SIGTERM, 0), (signal.SIGINT, 0), (signal.SIGKILL, -signal.SIGKILL)],
)
def test_a_signal_stops_every_process(
    tmp_data: Path, signum: signal.Signals, exit_code: int
) -> None:
    with running_server(tmp_data, {"CONNECTRA_WORKERS": str(WORKERS)}) as server:
        workers = _all_up(server)
        processes = _children(server.process.pid)
        assert workers <= processes
        os.kill(server.process.pid, signum)
        assert server.process.wait(timeout=DEADLINE_SECONDS) == exit_code
    deadline = time.monotonic() + DEADLINE_SECONDS
    while any(_alive(pid) for pid in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in processes if _alive(pid)]
