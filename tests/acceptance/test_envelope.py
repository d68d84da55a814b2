"""Every answer that is not a success is the contract's envelope (style A): unknown routes, wrong
methods, a failing store and an unexpected exception included."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from connectra.api.app import create_app
from connectra.api.ratelimit import MemoryRateLimiter
from connectra.index.factory import open_index
from connectra.settings import Settings
from connectra.store import migrate
from connectra.store.database import Store
from tests.acceptance.conftest import Bare
from tests.acceptance.server import assert_error, running_server

SECRET = "hunter2-do-not-show"
WORKER_TRIES = 200
LOCK_WAIT_SECONDS = 3


def test_unknown_routes_and_wrong_methods(shared_server: Bare) -> None:
    server = shared_server.server
    with server.client() as client:
        assert_error(client.get("/no/such/route"), 404, "NOT_FOUND")
        assert_error(client.post("/contacts/count/extra", json={}), 404, "NOT_FOUND")
        wrong = assert_error(client.patch("/contacts/create", json={}), 405, "METHOD_NOT_ALLOWED")
        assert "detail" not in wrong
        for method in ("GET", "PUT", "DELETE"):
            for literal in ("count", "create", "upsert", "bulk", "batch-upsert"):
                answer = client.request(method, f"/contacts/{literal}")
                assert_error(answer, 405, "METHOD_NOT_ALLOWED")
                assert "POST" in answer.headers["allow"]
        assert_error(client.get("/companies/count"), 405, "METHOD_NOT_ALLOWED")
        assert_error(client.get("/contacts/not-a-uuid"), 400, "VALIDATION_ERROR")
        assert_error(client.delete("/health"), 405, "METHOD_NOT_ALLOWED")


def test_a_failing_store_is_a_503_envelope_and_health_says_so(fresh_server: Bare) -> None:
    server, url = fresh_server.server, fresh_server.url
    with server.client() as client:
        assert httpx.get(f"{server.base}/health").json()["store"]["ok"] is True
        broken = sa.create_engine(url)
        with broken.begin() as conn:
            conn.execute(sa.text("DROP TABLE jobs"))
        broken.dispose()
        answer = client.post("/common/jobs", json={})
        assert_error(answer, 503, "DATABASE_UNAVAILABLE", "ERR_DATABASE_UNAVAILABLE")
        assert "jobs" not in answer.json()["error"]  # the driver's text stays in the log
        created = client.post("/common/jobs/create", json={"job_type": "x", "job_data": {}})
        assert_error(created, 503, "DATABASE_UNAVAILABLE", "ERR_DATABASE_UNAVAILABLE")
        health = httpx.get(f"{server.base}/health")
        assert health.status_code == 503
        assert health.json()["store"]["ok"] is False


def test_an_unexpected_exception_is_a_500_envelope_logged_with_the_request_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.from_url(f"sqlite:///{tmp_path}/c.db")
    migrate.upgrade(store.engine)
    index = open_index(f"tantivy://{tmp_path}/index")
    app = create_app(Settings(), store, index, api_keys=["k"], limiter=MemoryRateLimiter(1000))

    def explode() -> None:
        raise RuntimeError(f"password={SECRET}")

    app.add_api_route("/explode", explode, methods=["GET"])

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            headers = {"X-API-Key": "k", "X-Request-ID": "req-42"}
            return await client.get("/explode", headers=headers)

    try:
        with caplog.at_level(logging.ERROR):
            answer = asyncio.run(call())
    finally:
        index.close()
        store.dispose()
    body = assert_error(answer, 500, "INTERNAL_ERROR")
    assert SECRET not in answer.text
    assert "Traceback" not in answer.text
    assert "RuntimeError" not in body["error"]
    logged = [r for r in caplog.records if "req-42" in r.getMessage()]
    assert logged, caplog.text
    assert logged[0].exc_info is not None


@pytest.mark.parametrize("workers", [1, 2])
def test_a_write_lock_held_past_the_busy_timeout(tmp_path: Path, workers: int) -> None:
    """SQLite: another process holds the write lock longer than the server waits (the URL's
    timeout, 3 s here). The write is a 503 envelope; /health says writes are failing until one
    succeeds again, whichever API process answers it (with 2 workers, both are asked)."""
    database = tmp_path / "data" / "connectra.db"
    url = f"sqlite:///{database}?timeout={LOCK_WAIT_SECONDS}"
    env = {"CONNECTRA_WORKERS": str(workers), "CONNECTRA_DATABASE_URL": url}
    with (
        running_server(tmp_path / "data", env) as server,
        server.client(timeout=120) as client,
    ):
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            started = time.monotonic()
            blocked = client.post("/common/jobs/create", json={"job_type": "x", "job_data": {}})
            assert_error(blocked, 503, "DATABASE_UNAVAILABLE", "ERR_DATABASE_UNAVAILABLE")
            assert LOCK_WAIT_SECONDS <= time.monotonic() - started < 10 * LOCK_WAIT_SECONDS
            answered = set()
            for _ in range(WORKER_TRIES):
                health = httpx.get(f"{server.base}/health", timeout=30)
                assert health.status_code == 503, health.headers
                assert health.json()["store"]["writes"] == "failing"
                answered.add(health.headers.get("x-connectra-worker", "single"))
                if len(answered) == workers:
                    break
            assert len(answered) == workers, answered
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        created = client.post("/common/jobs/create", json={"job_type": "x", "job_data": {}})
        assert created.status_code == 201, created.text
        for _ in range(2 * workers):
            assert httpx.get(f"{server.base}/health").json()["store"]["ok"] is True
