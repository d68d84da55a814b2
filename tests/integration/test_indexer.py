"""The outbox indexer over a real store (SQLite and PostgreSQL) and a real tantivy index."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from connectra.index.base import Document
from connectra.index.tantivy import TantivyIndex
from connectra.model.fake import DemoData
from connectra.model.fields import COMPANY, CONTACT, Entity
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store import entities, outbox
from connectra.store.database import Store
from connectra.vql.validate import parse_search
from connectra.workers.indexer import Indexer, documents, reindex


@pytest.fixture
def index(tmp_path: Path) -> Iterator[TantivyIndex]:
    found = TantivyIndex(tmp_path / "index", writer_heap=15_000_000)
    yield found
    found.close()


def _count(index: TantivyIndex, entity: Entity, body: dict[str, Any]) -> int:
    return index.count(entity, parse_search(body, entity).query)


def _name_query(name: str) -> dict[str, Any]:
    cond = {"text_value": name, "filter_key": "company_name", "search_type": "exact"}
    return {"where": {"text_matches": {"must": [cond]}}}


def test_drain_indexes_everything_written(store: Store, index: TantivyIndex) -> None:
    rows = list(DemoData(1).rows(300))
    with store.write() as conn:
        result = upsert_csv_rows(conn, rows)
    indexer = Indexer(store, index, batch_size=100)
    assert indexer.lag()["pending"] == len(result.company_uuids) + 300
    indexer.drain()
    assert indexer.lag() == {"pending": 0, "oldest_age_seconds": 0.0, "last_error": None}
    assert _count(index, CONTACT, {}) == 300
    assert _count(index, COMPANY, {}) == len(result.company_uuids)


def test_renaming_a_company_reindexes_its_contacts(store: Store, index: TantivyIndex) -> None:
    rows = [
        {"first_name": f"P{n}", "last_name": "Q", "company": "Acme Rockets", "email": "a@acme.io"}
        for n in range(5)
    ]
    with store.write() as conn:
        result = upsert_csv_rows(conn, rows)
    indexer = Indexer(store, index)
    indexer.drain()
    assert _count(index, CONTACT, _name_query("acme rockets")) == 5
    company = result.company_uuids[0]
    with store.write() as conn:
        row = entities.fetch_by_uuids(conn, COMPANY, [company])[company]
        row.pop("id")
        entities.upsert(conn, COMPANY, [{**row, "name": "Zenith Orbital"}])
        outbox.enqueue(conn, COMPANY.name, [company])
    indexer.drain()
    assert _count(index, CONTACT, _name_query("zenith orbital")) == 5
    assert _count(index, CONTACT, _name_query("acme rockets")) == 0


def test_interactive_writes_are_indexed_before_a_bulk_backlog(
    store: Store, index: TantivyIndex
) -> None:
    """A write someone waits to see goes ahead of an import's backlog, alone in its batch;
    the backlog follows in id order and nothing is left behind."""
    with store.write() as conn:
        bulk = upsert_csv_rows(conn, list(DemoData(2).rows(400)), outbox.Priority.BULK)
    person = {"first_name": "Ida", "last_name": "Urgent", "company": "Nowco", "email": "i@now.co"}
    with store.write() as conn:
        upsert_csv_rows(conn, [person])
    indexer = Indexer(store, index, batch_size=100)

    assert indexer.run_once() == 2  # the interactive company and contact, nothing else
    assert _count(index, CONTACT, {}) == 1
    assert _count(index, CONTACT, _name_query("nowco")) == 1
    pending = indexer.lag()["pending"]
    assert pending == len(bulk.company_uuids) + 400
    assert indexer.run_once() == 100
    indexer.drain()
    assert _count(index, CONTACT, {}) == 401


def test_due_orders_by_priority_then_age(store: Store) -> None:
    with store.write() as conn:
        outbox.enqueue(conn, CONTACT.name, ["b1", "b2"], outbox.Priority.BULK)
        outbox.enqueue(conn, CONTACT.name, ["i1"])
        outbox.enqueue(conn, CONTACT.name, ["b3"], outbox.Priority.BULK)
        outbox.enqueue(conn, CONTACT.name, ["i2"], outbox.Priority.INTERACTIVE)
    with store.read() as conn:
        due = outbox.due(conn, datetime.now(UTC), 10)
    assert [entry.uuid for entry in due] == ["i1", "i2", "b1", "b2", "b3"]
    assert [entry.priority for entry in due] == [0, 0, 1, 1, 1]


def test_an_urgent_wake_ends_the_gathering(store: Store, index: TantivyIndex) -> None:
    """After a partial batch the indexer gathers writes for ``gather_seconds`` (here far
    longer than the test waits); a bulk wake lets it gather on, an interactive one ends it."""
    indexer = Indexer(store, index, gather_seconds=60.0, idle_seconds=60.0)
    with store.write() as conn:
        upsert_csv_rows(conn, [{"first_name": "A", "last_name": "One", "company": "X"}])
    indexer.start()
    try:
        _wait_for(lambda: _count(index, CONTACT, {}) == 1)  # applied at once; now gathering
        with store.write() as conn:
            upsert_csv_rows(conn, [{"first_name": "B", "last_name": "Two"}], outbox.Priority.BULK)
        indexer.wake(urgent=False)
        time.sleep(0.5)
        assert _count(index, CONTACT, {}) == 1  # still gathering
        indexer.wake()
        _wait_for(lambda: _count(index, CONTACT, {}) == 2)
    finally:
        indexer.stop()


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time limit"
        time.sleep(0.02)


class FlakyIndex(TantivyIndex):
    """Fails the first ``failures`` writes, like an index that is down for a while."""

    def __init__(self, root: Path, failures: int) -> None:
        super().__init__(root, writer_heap=15_000_000)
        self.failures = failures

    def apply(
        self,
        entity: Entity,
        upserts: Sequence[Document],
        deletes: Sequence[str],
        *,
        version: int | None = None,
    ) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise OSError("index unavailable")
        super().apply(entity, upserts, deletes, version=version)


def test_an_index_outage_loses_nothing(store: Store, tmp_path: Path) -> None:
    flaky = FlakyIndex(tmp_path / "flaky", failures=3)
    rows = list(DemoData(2).rows(120))
    with store.write() as conn:
        upsert_csv_rows(conn, rows)
    indexer = Indexer(store, flaky, batch_size=50, max_backoff_seconds=0.0)
    for _ in range(3):
        indexer.run_once()
    lag = indexer.lag()
    assert lag["pending"] > 0
    assert lag["last_error"] == "OSError"  # the type only: /health is public
    with store.read() as conn:
        attempts = conn.execute(sa.text("SELECT max(attempts) FROM index_outbox")).scalar_one()
    assert attempts >= 1
    indexer.drain()
    assert indexer.lag()["pending"] == 0
    assert _count(flaky, CONTACT, {}) == 120
    flaky.close()


def test_soft_delete_removes_the_document(store: Store, index: TantivyIndex) -> None:
    with store.write() as conn:
        result = upsert_csv_rows(conn, [{"first_name": "Ann", "last_name": "Lee"}])
    indexer = Indexer(store, index)
    indexer.drain()
    uuid = result.contact_uuids[0]
    assert _count(index, CONTACT, {"where": {"keyword_match": {"must": {"uuid": uuid}}}}) == 1
    with store.write() as conn:
        entities.soft_delete(conn, CONTACT, uuid, datetime.now(UTC))
        outbox.enqueue(conn, CONTACT.name, [uuid])
    indexer.drain()
    assert _count(index, CONTACT, {"where": {"keyword_match": {"must": {"uuid": uuid}}}}) == 0


def test_reindex_rebuilds_from_the_store(store: Store, index: TantivyIndex) -> None:
    with store.write() as conn:
        upsert_csv_rows(conn, list(DemoData(3).rows(250)))
    assert reindex(store, index, CONTACT, batch=100) == 250
    assert _count(index, CONTACT, {}) == 250
    assert reindex(store, index, CONTACT, batch=100) == 250  # twice: no duplicates
    assert _count(index, CONTACT, {}) == 250


def _indexed_contacts(store: Store, index: TantivyIndex, count: int) -> list[dict[str, Any]]:
    """``count`` contacts in the store and the index; their documents as the store has them."""
    with store.write() as conn:
        upsert_csv_rows(conn, list(DemoData(4).rows(count)))
    assert reindex(store, index, CONTACT, batch=100) == count
    with store.read() as conn:
        rows = [row for batch in entities.iter_live(conn, CONTACT, 100) for row in batch]
        return documents(conn, CONTACT, rows)


def test_searches_see_the_old_index_until_a_rebuild_commits(
    store: Store, index: TantivyIndex
) -> None:
    docs = _indexed_contacts(store, index, 300)
    seen: list[int] = []

    def batches() -> Iterator[Sequence[Document]]:
        for start in (0, 100):  # the new index holds 200 of the 300
            yield docs[start : start + 100]
            seen.append(_count(index, CONTACT, {}))  # after the batch went to the writer

    assert index.rebuild(CONTACT, batches()) == 200
    assert seen == [300, 300]
    assert _count(index, CONTACT, {}) == 200


def test_a_failed_rebuild_leaves_the_old_index(store: Store, index: TantivyIndex) -> None:
    docs = _indexed_contacts(store, index, 150)

    def batches() -> Iterator[Sequence[Document]]:
        yield docs[:100]
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError):
        index.rebuild(CONTACT, batches())
    assert _count(index, CONTACT, {}) == 150
    index.apply(CONTACT, [], [docs[0]["uuid"]])  # the ordinary writer works again
    assert _count(index, CONTACT, {}) == 149
