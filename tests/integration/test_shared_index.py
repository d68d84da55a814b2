"""What API workers share with the one indexer: its tantivy commits (seen by a second reader of
the same directory at its next search), its state (the status file and the outbox), its wake."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest

from connectra.index.tantivy import TantivyIndex, directory
from connectra.model.fake import DemoData
from connectra.model.fields import COMPANY, CONTACT
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store.database import Store
from connectra.vql.ast import Query
from connectra.workers.indexer import Indexer
from connectra.workers.link import RemoteIndexer
from connectra.workers.wake import WakeListener, WakeSender, wake_address
from tests.integration.test_indexer import FlakyIndex

HEAP = 15_000_000
WAKE_TIMEOUT_SECONDS = 30.0


def test_a_second_reader_sees_each_commit_at_its_next_search(store: Store, tmp_path: Path) -> None:
    writer = TantivyIndex(tmp_path / "index", writer_heap=HEAP)
    reader = TantivyIndex(tmp_path / "index", writer_heap=HEAP)  # as another process opens it
    assert reader.count(CONTACT, Query()) == 0
    with store.write() as conn:
        result = upsert_csv_rows(conn, list(DemoData(3).rows(40)))
    Indexer(store, writer).drain()
    # No sleep: tantivy's own watcher would notice the commit only at its next poll.
    assert reader.count(CONTACT, Query()) == 40
    assert reader.count(COMPANY, Query()) == len(result.company_uuids)
    with store.write() as conn:
        upsert_csv_rows(conn, list(DemoData(4).rows(10)))
    Indexer(store, writer).drain()
    assert reader.count(CONTACT, Query()) == 50
    writer.close()
    reader.close()


def test_a_worker_reports_the_indexers_lag_and_last_error(store: Store, tmp_path: Path) -> None:
    status = tmp_path / "indexer.status"
    flaky = FlakyIndex(tmp_path / "flaky", failures=1)
    indexer = Indexer(store, flaky, max_backoff_seconds=0.0, status_file=status)
    remote = RemoteIndexer(store, status, wake_address(f"test-{uuid.uuid4()}"))
    assert remote.lag() == {"pending": 0, "oldest_age_seconds": 0.0, "last_error": None}
    with store.write() as conn:
        upsert_csv_rows(conn, list(DemoData(5).rows(20)))
    indexer.run_once()
    lag = remote.lag()
    assert lag["pending"] > 0
    assert lag["last_error"] == indexer.last_error == "OSError"
    indexer.drain()
    assert remote.lag() == {"pending": 0, "oldest_age_seconds": 0.0, "last_error": None}
    flaky.close()


def test_a_wake_reaches_the_listener_of_the_same_store_only() -> None:
    woken = threading.Event()
    mine, other = wake_address(f"mine-{uuid.uuid4()}"), wake_address(f"other-{uuid.uuid4()}")
    listener = WakeListener(mine, woken.set)
    try:
        WakeSender(other).wake()  # nobody listens there: dropped, no error
        assert not woken.wait(0.5)
        WakeSender(mine).wake()
        assert woken.wait(WAKE_TIMEOUT_SECONDS)
    finally:
        listener.close()


def test_a_reader_opens_the_index_afresh_every_so_many_reloads(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tantivy's mmap directory never forgets a file a reader opened (only its own deletes
    evict one), so a reader that follows commits replaces its index object now and then; the
    writer's keeps its directory, whose deletes keep it in check."""
    monkeypatch.setattr(directory, "REOPEN_AFTER_RELOADS", 3)
    writer = TantivyIndex(tmp_path / "index", writer_heap=HEAP)
    reader = TantivyIndex(tmp_path / "index", writer_heap=HEAP)
    opened = [reader._of(CONTACT).index]  # held: an id alone may be reused
    written = writer._of(CONTACT).index
    for seed in range(7):
        with store.write() as conn:
            upsert_csv_rows(conn, list(DemoData(seed + 10).rows(5)))
        Indexer(store, writer).drain()
        assert reader.count(CONTACT, Query()) == 5 * (seed + 1)
        assert writer.count(CONTACT, Query()) == 5 * (seed + 1)
        if reader._of(CONTACT).index is not opened[-1]:
            opened.append(reader._of(CONTACT).index)
    assert len(opened) == 3  # the first, then one after the 3rd and one after the 6th reload
    assert writer._of(CONTACT).index is written
    writer.close()
    reader.close()
