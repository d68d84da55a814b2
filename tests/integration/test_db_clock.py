"""Outbox retry times and job leases follow the database's clock: a worker host whose clock is
an hour off neither stalls the index nor steals a live job."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectra.index.factory import open_index
from connectra.model.fields import COMPANY
from connectra.objects.memory import MemoryObjectStore
from connectra.services import writes
from connectra.settings import Settings
from connectra.store import jobs as jobs_repo
from connectra.store.clock import db_now
from connectra.store.database import Store
from connectra.workers.indexer import Indexer
from connectra.workers.setup import make_runner

SKEW = timedelta(hours=1)
# Every module of the workers and their repositories that could read the host's clock.
CLOCK_READERS = (
    "connectra.workers.indexer",
    "connectra.workers.runner",
    "connectra.workers.context",
    "connectra.store.outbox",
    "connectra.store.jobs",
)


def _skew_host_clock(monkeypatch: pytest.MonkeyPatch, offset: timedelta) -> None:
    class Skewed(datetime):
        @classmethod
        def now(cls, tz: object = None) -> Skewed:  # type: ignore[override]
            real = datetime.now(UTC) + offset
            return cls.fromtimestamp(real.timestamp(), tz)  # type: ignore[arg-type]

    for name in CLOCK_READERS:
        monkeypatch.setattr(sys.modules[name], "datetime", Skewed, raising=False)


def test_an_indexer_whose_clock_is_behind_still_applies_fresh_writes(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes.create(store, COMPANY, {"name": "Clockwork"})
    index = open_index(f"tantivy://{tmp_path}/index")
    try:
        _skew_host_clock(monkeypatch, -SKEW)
        assert Indexer(store, index).drain() == 1
    finally:
        index.close()


def test_a_runner_whose_clock_is_ahead_never_steals_a_live_lease(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.write() as conn:
        job = jobs_repo.create(conn, "make_coffee", {}, 0, db_now(conn))
        held = jobs_repo.claim_first_time(conn, "alive", db_now(conn), timedelta(seconds=60))
    assert held is not None
    assert held["uuid"] == job["uuid"]
    settings = Settings(connectra_data_dir=tmp_path)
    index = open_index(f"tantivy://{tmp_path}/index")
    try:
        runner = make_runner("first_time", settings, store, index, MemoryObjectStore())
        _skew_host_clock(monkeypatch, SKEW)
        assert runner.run_one() is False
    finally:
        index.close()
    with store.read() as conn:
        assert jobs_repo.get(conn, job["uuid"])["lease_owner"] == "alive"  # type: ignore[index]
