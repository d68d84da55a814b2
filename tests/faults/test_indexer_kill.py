"""The indexer process (``connectra indexer``) SIGKILLed mid-batch, again and again: once it runs
to the end the index holds every live record exactly once (nothing lost, nothing duplicated)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from connectra.store import outbox
from connectra.store.database import Store
from tests.acceptance.server import Server, running_server
from tests.conftest import ENGINES, create_database, drop_database, pg_url
from tests.fuzz.conftest import seed_store

RECORDS = 35_000  # four of the indexer's batches (10,000 entries each)
KILLS = 2
TIMEOUT_S = 180.0
SAMPLE = 25  # records checked one by one for exactly one index entry


@dataclass
class ApiOnly:
    server: Server
    database_url: str

    def pending(self) -> int:
        """Outbox entries not yet applied (``connectra api`` has no indexer to report them)."""
        store = Store.from_url(self.database_url)
        try:
            with store.read() as conn:
                return outbox.pending_count(conn)
        finally:
            store.dispose()

    def drained(self) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while self.pending():
            assert time.monotonic() < deadline, f"{self.pending()} entries still pending"
            time.sleep(0.2)

    def indexer(self, log: Path) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
        env["CONNECTRA_DATA_DIR"] = str(self.server.data_dir)
        env["CONNECTRA_DATABASE_URL"] = self.database_url
        with log.open("ab") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "connectra", "indexer"], env=env, stdout=out, stderr=out
            )


@pytest.fixture(params=ENGINES)
def api_only(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ApiOnly]:
    """``connectra api`` (no indexer inside) over a store holding RECORDS unindexed contacts."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = None
    url = f"sqlite:///{data_dir}/connectra.db"
    if request.param == "postgresql":
        database = create_database(request.getfixturevalue("pg_admin"))
        url = pg_url(database)
    seed_store(url, RECORDS)
    try:
        with running_server(data_dir, {"CONNECTRA_DATABASE_URL": url}, command="api") as server:
            yield ApiOnly(server, url)
    finally:
        if database is not None:
            drop_database(request.getfixturevalue("pg_admin"), database)


def _kill_after_progress(api: ApiOnly, process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the indexer right after it committed a batch: it is then inside the next one."""
    start = api.pending()
    deadline = time.monotonic() + TIMEOUT_S
    while api.pending() == start:
        assert process.poll() is None, "the indexer died on its own"
        assert time.monotonic() < deadline, "the indexer made no progress"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_a_killed_indexer_converges_without_loss_or_duplicates(
    api_only: ApiOnly, tmp_path: Path
) -> None:
    server = api_only.server
    log = tmp_path / "indexer.log"
    assert api_only.pending() >= RECORDS
    for _ in range(KILLS):
        _kill_after_progress(api_only, api_only.indexer(log))
        assert api_only.pending() > 0, "the backlog ran out before the kill: raise RECORDS"
    final = api_only.indexer(log)
    try:
        api_only.drained()
        with server.client(timeout=60) as client:
            deadline = time.monotonic() + TIMEOUT_S  # the API's index reader reloads on its own
            while (count := client.post("/contacts/count", json={}).json()["count"]) != RECORDS:
                assert time.monotonic() < deadline, f"{count} indexed, {RECORDS} stored"
                time.sleep(0.2)
            page = client.post("/contacts", json={"limit": SAMPLE}).json()["data"]
            for record in page:
                match = {"where": {"keyword_match": {"must": {"uuid": record["uuid"]}}}}
                assert client.post("/contacts/count", json=match).json()["count"] == 1
    finally:
        final.terminate()
        final.wait(timeout=30)
