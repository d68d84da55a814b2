"""PostgreSQL + OpenSearch over HTTP while the OpenSearch node is down: the API starts anyway,
/health says why it is degraded, writes land in the store, and the index converges when the
node comes back (started, stopped and restarted here, on its own port)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from connectra.store import migrate
from connectra.store.database import Store
from tests.acceptance.server import Server, running_server
from tests.conftest import create_database, drop_database, pg_url
from tests.opensearch import NodeProcess, free_port_pair, opensearch_url


def _person(n: int) -> dict[str, Any]:
    return {"first_name": f"Ada{n}", "last_name": "Byron", "email": f"ada{n}@engines.io",
            "title": "Analyst"}  # fmt: skip


def _count(server: Server, body: dict[str, Any]) -> int | None:
    with server.client() as client:
        response = client.post("/contacts/count", json=body)
    return int(response.json()["count"]) if response.status_code == 200 else None


def _eventually(server: Server, body: dict[str, Any], expected: int, timeout: float) -> None:
    """Indexer backoff is at most 30 s (x1.2 jitter) once the node answers again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _count(server, body) == expected:
            return
        time.sleep(0.5)
    raise AssertionError(f"the index did not converge to {expected} for {body}")


def _title(text: str) -> dict[str, Any]:
    cond = {"text_value": text, "filter_key": "title", "search_type": "exact"}
    return {"where": {"text_matches": {"must": [cond]}}}


@pytest.fixture
def database(pg_admin: sa.Engine) -> Iterator[str]:
    name = create_database(pg_admin)
    store = Store.from_url(pg_url(name))
    migrate.upgrade(store.engine)
    store.dispose()
    yield pg_url(name)
    drop_database(pg_admin, name)


def test_api_starts_without_the_cluster_and_converges(tmp_path: Path, database: str) -> None:
    opensearch_url()  # the run provides OpenSearch (Java, Maven): this test needs it too
    port = free_port_pair()
    node = NodeProcess(port, tmp_path / "node")
    env = {"CONNECTRA_DATABASE_URL": database,
           "CONNECTRA_SEARCH_URL": f"opensearch://127.0.0.1:{port}/outage"}  # fmt: skip
    try:
        with running_server(tmp_path / "data", env) as server:
            health = httpx.get(f"{server.base}/health")
            assert health.status_code == 503
            assert health.json()["status"] == "degraded"
            assert "unreachable" in health.json()["index"]["reason"]
            with server.client() as client:
                created = [client.post("/contacts/create", json=_person(n)) for n in range(20)]
            assert [response.status_code for response in created] == [201] * 20
            uuids = [response.json()["data"]["uuid"] for response in created]

            node.start()
            node.wait_ready()
            _eventually(server, {}, 20, timeout=90)
            assert httpx.get(f"{server.base}/health").json()["status"] == "ok"

            node.stop()
            with server.client() as client:
                assert client.put(f"/contacts/{uuids[0]}", json={"title": "Countess"}).is_success
                assert client.delete(f"/contacts/{uuids[1]}").is_success
            assert _count(server, {}) is None  # searches fail while the node is down
            node.start()
            node.wait_ready()
            _eventually(server, _title("countess"), 1, timeout=90)
            _eventually(server, {}, 19, timeout=30)
    finally:
        node.stop()
