"""OpenSearch under stress: `connectra reindex` while searches and writes run, and a 2-node
cluster (1 replica) losing a node while searches run."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from opensearchpy import OpenSearch

from connectra.errors import SearchEngineError
from connectra.index.opensearch import OpenSearchIndex, bulk
from connectra.model.fake import DemoData
from connectra.model.fields import CONTACT
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store import entities, outbox
from connectra.store.database import Store
from connectra.vql.ast import Page, Query, SortKey
from connectra.vql.validate import parse_search
from connectra.workers.indexer import Indexer
from tests.conftest import create_database, drop_database, pg_url
from tests.opensearch import NodeProcess, delete_prefix, free_port_pair, fresh_url, opensearch_url

CONTACTS = 1500
BY_EMAIL = [SortKey("email", CONTACT.index_field("email").kind)]  # type: ignore[union-attr]


@pytest.fixture
def pg_store(pg_admin: sa.Engine, pg_template: str) -> Iterator[Store]:
    name = create_database(pg_admin, template=pg_template)
    store = Store.from_url(pg_url(name))
    yield store
    store.dispose()
    drop_database(pg_admin, name)


@pytest.fixture
def index() -> Iterator[OpenSearchIndex]:
    found = OpenSearchIndex(fresh_url())
    yield found
    found.close()
    delete_prefix(found.url)


class Repeated:
    """Runs ``step`` in a thread until stopped; keeps the errors it raised."""

    def __init__(self, step: Callable[[], None]) -> None:
        self.step = step
        self.errors: list[BaseException] = []
        self.rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception as exc:
                self.errors.append(exc)
            self.rounds += 1

    def __enter__(self) -> Repeated:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(60)


def _full_answer(index: OpenSearchIndex, expected: int) -> Callable[[], None]:
    def step() -> None:
        assert index.count(CONTACT, Query()) == expected
        found = index.search(CONTACT, Query(), BY_EMAIL, Page(limit=5), with_total=True)
        assert (found.total, len(found.hits)) == (expected, 5)

    return step


def _title_is(uuid: str, title: str) -> Query:
    cond = {"text_value": title, "filter_key": "title", "search_type": "exact"}
    where = {"keyword_match": {"must": {"uuid": uuid}}, "text_matches": {"must": [cond]}}
    return parse_search({"where": where}, CONTACT).query


def _reindex_cli(store: Store, url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
    env |= {"CONNECTRA_DATABASE_URL": store.engine.url.render_as_string(hide_password=False),
            "CONNECTRA_SEARCH_URL": url}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "connectra", "reindex", "contacts"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"reindexed {CONTACTS} contacts" in done.stdout


def test_reindex_under_load(pg_store: Store, index: OpenSearchIndex) -> None:
    with pg_store.write() as conn:
        result = upsert_csv_rows(conn, list(DemoData(5).rows(CONTACTS)))
    indexer = Indexer(pg_store, index)
    indexer.drain()
    # Each contact is retitled at most once, so a write lost by a rebuild stays lost.
    targets = iter(result.contact_uuids)
    titles: dict[str, str] = {}

    def rename() -> None:
        uuid = next(targets)
        title = f"retitled round{len(titles)}"
        with pg_store.write() as conn:
            row = entities.fetch_by_uuids(conn, CONTACT, [uuid])[uuid]
            row.pop("id")
            entities.upsert(conn, CONTACT, [{**row, "title": title}])
            outbox.enqueue(conn, CONTACT.name, [uuid])
        titles[uuid] = title
        indexer.run_once()

    with Repeated(_full_answer(index, CONTACTS)) as searches, Repeated(rename) as writes:
        for _ in range(3):
            _reindex_cli(pg_store, index.url)
    assert searches.errors == []
    assert writes.errors == []
    assert searches.rounds > 10
    assert writes.rounds > 10
    indexer.drain()
    for uuid, title in titles.items():
        assert index.count(CONTACT, _title_is(uuid, title)) == 1, (uuid, title)
    # One physical index is left behind the alias, and no building alias.
    aliases = index.client.indices.get_alias(index=f"{index.address.prefix}-contacts*")
    assert [list(entry["aliases"]) for entry in aliases.values()] == [[index.alias(CONTACT)]]


def test_a_write_racing_the_swap_creates_no_index(index: OpenSearchIndex) -> None:
    # The writer saw the building alias, then the swap removed it before its bulk request landed.
    gone = index.building_alias(CONTACT)
    late = [bulk.upsert(gone, "00000000-0000-5000-8000-000000000001", {"title": "late"}, 1)]
    bulk.send(index.client, late, target_may_vanish=True)
    with pytest.raises(SearchEngineError, match="404"):
        bulk.send(index.client, late)
    assert not index.client.indices.exists(index=gone)  # the next rebuild can take the name
    index.rebuild(CONTACT, [_docs(0, 3)])
    assert index.count(CONTACT, Query()) == 3


def test_a_refused_batch_fails_the_rebuild_and_keeps_the_old_index(
    index: OpenSearchIndex,
) -> None:
    index.apply(CONTACT, _docs(0, 30), [])
    refused = [{**_docs(99, 100)[0], "not_a_field": 1}]  # the mapping is strict

    def batches() -> Iterator[list[dict[str, Any]]]:
        # The refused batch is in flight beside good ones, sent before and after it.
        yield from (_docs(n, n + 10) for n in range(0, 40, 10))
        yield refused
        yield from (_docs(n, n + 10) for n in range(40, 80, 10))

    with pytest.raises(SearchEngineError, match="refused a document"):
        index.rebuild(CONTACT, batches())
    assert index.count(CONTACT, Query()) == 30
    physical = index.client.indices.get(index=f"{index.address.prefix}-contacts*")
    assert [list(entry["aliases"]) for entry in physical.values()] == [[index.alias(CONTACT)]]


def _sort_settings(index: OpenSearchIndex) -> list[dict[str, Any]]:
    found = index.client.indices.get_settings(index=index.alias(CONTACT), name="index.sort.*")
    return [entry["settings"]["index"]["sort"] for entry in found.values()]


def test_every_physical_index_is_stored_newest_first(index: OpenSearchIndex) -> None:
    # The node accepts the index sort on the first index and on a rebuilt one, and a newest-first
    # walk over documents written out of order comes back newest first.
    newest_first = {"field": ["created_at", "uuid"], "order": ["desc", "desc"],
                    "missing": ["_last", "_last"]}  # fmt: skip
    docs = [{**doc, "created_at": (n * 7) % 5} for n, doc in enumerate(_docs(0, 10))]
    index.apply(CONTACT, docs, [])
    assert _sort_settings(index) == [newest_first]
    index.rebuild(CONTACT, [docs])
    assert _sort_settings(index) == [newest_first]
    search = parse_search(
        {"order_by": [{"order_by": "created_at", "order_direction": "desc"},
                      {"order_by": "uuid", "order_direction": "desc"}]}, CONTACT)  # fmt: skip
    expected = sorted(docs, key=lambda doc: (doc["created_at"], doc["uuid"]), reverse=True)
    walked, after = [], None
    while True:
        page = index.search(CONTACT, search.query, search.sort, Page(limit=3, after=after))
        if not page.hits:
            break
        walked += [hit.uuid for hit in page.hits]
        after = (*page.hits[-1].sort_values, page.hits[-1].uuid)
    assert walked == [doc["uuid"] for doc in expected]


def _docs(first: int, last: int) -> list[dict[str, Any]]:
    return [{"uuid": f"00000000-0000-5000-8000-{n:012d}", "title": f"engineer number{n}",
             "email": f"p{n}@pair.io"} for n in range(first, last)]  # fmt: skip


def _local_count(port: int, alias: str) -> int:
    """The documents of the copy held by the node on ``port`` (no other copy answers)."""
    client = OpenSearch(hosts=[{"host": "127.0.0.1", "port": port}])
    try:
        client.indices.refresh(index=alias)
        return int(client.count(index=alias, params={"preference": "_only_local"})["count"])
    finally:
        client.close()


def test_two_nodes_one_killed_while_searches_run(tmp_path: Path) -> None:
    opensearch_url()  # the run provides OpenSearch (Java, Maven): this test needs it too
    port = free_port_pair()
    nodes = [NodeProcess(port, tmp_path / "cluster", nodes=2, member=i) for i in (0, 1)]
    for node in nodes:
        node.start()
    index = OpenSearchIndex(f"opensearch://127.0.0.1:{port},127.0.0.1:{port + 1}/pair")
    try:
        for node in nodes:
            node.wait_ready()
        index.client.cluster.health(
            wait_for_nodes="2", params={"timeout": "120s"}, request_timeout=130
        )
        index.apply(CONTACT, _docs(0, 400), [])
        alias = index.alias(CONTACT)
        index.client.cluster.health(
            index=alias, wait_for_status="green", params={"timeout": "120s"}, request_timeout=130
        )
        assert _local_count(port + 1, alias) == 400  # the second node holds a full copy

        with Repeated(_full_answer(index, 400)) as searches:
            time.sleep(1)
            nodes[1].kill()
            time.sleep(8)
        assert searches.errors == []
        assert searches.rounds > 20

        index.apply(CONTACT, _docs(400, 500), [])  # while the second node is away
        assert index.count(CONTACT, Query()) == 500
        nodes[1].start()
        nodes[1].wait_ready()
        index.client.cluster.health(
            index=alias, wait_for_status="green", params={"timeout": "120s"}, request_timeout=130
        )
        assert _local_count(port + 1, alias) == 500
    finally:
        index.close()
        for node in nodes:
            node.stop()
