"""`connectra verify`: an index broken on purpose (a document deleted, a fake one added, one
left stale) is found and repaired, on tantivy (SQLite store), OpenSearch (PostgreSQL store) and
the in-memory fake; the CLI prints the counts, exits 1 until repaired, and repairs."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import tantivy

from connectra.errors import IndexOutdated
from connectra.index.base import SearchIndex
from connectra.index.documents import build_document
from connectra.index.memory import MemoryIndex
from connectra.index.opensearch import OpenSearchIndex
from connectra.index.tantivy import TantivyIndex
from connectra.model.fake import DemoData
from connectra.model.fields import CONTACT
from connectra.services import verify as verify_service
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store import migrate, outbox
from connectra.store.database import Store
from connectra.store.tables import contacts, index_outbox
from connectra.vql.ast import Query
from connectra.workers.indexer import Indexer, rebuild_outdated
from tests.conftest import create_database, drop_database, pg_url
from tests.opensearch import delete_prefix, fresh_url

CONTACTS = 60
PAGE = 7  # several pages on both sides


@pytest.fixture(params=["tantivy", "opensearch", "memory"])
def engines(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, SearchIndex]]:
    if request.param != "opensearch":
        store = Store.from_url(f"sqlite:///{tmp_path}/connectra.db")
        migrate.upgrade(store.engine)
        index: SearchIndex = (
            TantivyIndex(tmp_path / "index", writer_heap=15_000_000)
            if request.param == "tantivy"
            else MemoryIndex()
        )
        yield store, index
        index.close()
        store.dispose()
        return
    admin = request.getfixturevalue("pg_admin")
    name = create_database(admin, template=request.getfixturevalue("pg_template"))
    store = Store.from_url(pg_url(name))
    url = fresh_url()
    index = OpenSearchIndex(url)
    yield store, index
    index.close()
    delete_prefix(url)
    store.dispose()
    drop_database(admin, name)


def _seed(store: Store, index: SearchIndex) -> list[str]:
    with store.write() as conn:
        result = upsert_csv_rows(conn, list(DemoData(5).rows(CONTACTS)))
    Indexer(store, index).drain()
    return sorted(result.contact_uuids)


def _break(store: Store, index: SearchIndex, uuids: list[str]) -> dict[str, str]:
    """Three faults the outbox knows nothing of; returns uuid by fault."""
    faults = {"missing": uuids[3], "extra": str(uuid.uuid4()), "stale": uuids[40]}
    index.apply(CONTACT, [], [faults["missing"]])
    ghost = {"uuid": faults["extra"], "first_name": "Ghost", "updated_at": datetime.now(UTC)}
    index.apply(CONTACT, [build_document(CONTACT, ghost)], [])
    later = datetime.now(UTC) + timedelta(minutes=1)
    with store.write() as conn:  # a change that never reached the outbox
        conn.execute(
            sa.update(contacts)
            .where(contacts.c.uuid == faults["stale"])
            .values(title="Changed Behind Its Back", updated_at=later)
        )
    return faults


def _queued(store: Store) -> set[str]:
    with store.read() as conn:
        return set(conn.execute(sa.select(index_outbox.c.uuid)).scalars())


def _counts(report: verify_service.Report) -> dict[str, int]:
    return {"missing": report.missing, "extra": report.extra, "stale": report.stale}


def test_verify_finds_and_repairs_each_fault(engines: tuple[Store, SearchIndex]) -> None:
    store, index = engines
    uuids = _seed(store, index)
    clean = verify_service.verify(store, index, CONTACT, page=PAGE)
    assert (clean.rows, clean.documents, clean.differences) == (CONTACTS, CONTACTS, 0)

    faults = _break(store, index, uuids)
    found = verify_service.verify(store, index, CONTACT, page=PAGE)
    assert _counts(found) == {"missing": 1, "extra": 1, "stale": 1}
    assert (found.rows, found.documents, found.queued) == (CONTACTS, CONTACTS, 0)
    assert _queued(store) == set()

    repaired = verify_service.verify(store, index, CONTACT, repair=True, page=PAGE)
    assert repaired.queued == 3
    assert _queued(store) == set(faults.values())

    Indexer(store, index).drain()
    assert verify_service.verify(store, index, CONTACT, page=PAGE).differences == 0
    assert index.count(CONTACT, Query()) == CONTACTS  # the ghost is gone, the missing one back


def test_progress_is_reported_per_page(engines: tuple[Store, SearchIndex]) -> None:
    store, index = engines
    _seed(store, index)
    seen: list[int] = []
    verify_service.verify(store, index, CONTACT, page=PAGE, progress=lambda r: seen.append(r.rows))
    assert seen == [*range(PAGE, CONTACTS, PAGE), CONTACTS]
    seen.clear()
    verify_service.verify(store, index, CONTACT, page=10, progress=lambda r: seen.append(r.rows))
    assert seen == [10, 20, 30, 40, 50, 60]  # the end is a page end: reported once


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
    env["CONNECTRA_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "connectra", "verify", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_prints_counts_and_repairs(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = Store.from_url(f"sqlite:///{data_dir}/connectra.db")
    migrate.upgrade(store.engine)
    index = TantivyIndex(data_dir / "index", writer_heap=15_000_000)
    try:
        faults = _break(store, index, _seed(store, index))
        found = _cli(data_dir, "contacts", "--page-size", "10")
        assert found.returncode == 1, found.stderr
        assert "contacts: 60 rows, 60 documents: 1 missing, 1 extra, 1 stale" in found.stdout
        assert "contacts: 60/60 rows (100%)" in found.stderr  # no terminal: progress lines
        assert "companies" not in found.stdout

        repaired = _cli(data_dir, "--repair")
        assert repaired.returncode == 0, repaired.stderr
        assert "1 stale; 3 queued for the indexer" in repaired.stdout
        assert "companies:" in repaired.stdout
        assert _queued(store) == set(faults.values())
        with store.read() as conn:
            assert outbox.pending_count(conn) == 3
    finally:
        index.close()
        store.dispose()


def _outdated_index(root: Path) -> None:
    """Directories as an older Connectra left them: a tantivy index with another schema."""
    for plural in ("companies", "contacts"):
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("uuid", stored=True, tokenizer_name="raw")
        (root / plural).mkdir(parents=True)
        old = tantivy.Index(builder.build(), path=str(root / plural))
        writer = old.writer(heap_size=15_000_000, num_threads=1)
        writer.add_document(tantivy.Document(uuid="0e6e1c6e-6d6b-4b8e-9d0a-000000000001"))
        writer.commit()
        writer.wait_merging_threads()


def test_an_outdated_embedded_index_is_rebuilt_at_the_writers_start(tmp_path: Path) -> None:
    store = Store.from_url(f"sqlite:///{tmp_path}/connectra.db")
    migrate.upgrade(store.engine)
    with store.write() as conn:
        result = upsert_csv_rows(conn, list(DemoData(5).rows(CONTACTS)))
    _outdated_index(tmp_path / "index")
    index = TantivyIndex(tmp_path / "index", writer_heap=15_000_000)
    try:
        with pytest.raises(IndexOutdated, match="another version of Connectra"):
            index.count(CONTACT, Query())
        rebuilt = {entity.plural: n for entity, n in rebuild_outdated(store, index)}
        assert rebuilt == {"contacts": CONTACTS, "companies": len(result.company_uuids)}
        assert verify_service.verify(store, index, CONTACT).differences == 0
        assert rebuild_outdated(store, index) == []  # nothing outdated any more
    finally:
        index.close()
        store.dispose()
