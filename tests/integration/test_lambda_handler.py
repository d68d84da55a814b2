"""The Lambda handler with API Gateway REST (v1) and HTTP (v2) events, over the real app on
SQLite and tantivy; and the PostgreSQL pool and TLS settings reaching the engine."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from connectra.api import lambda_handler
from connectra.errors import ConfigurationError
from connectra.index.tantivy import TantivyIndex
from connectra.model.fake import DemoData
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.settings import load_settings
from connectra.store import migrate
from connectra.store.database import Store
from connectra.workers.indexer import Indexer

KEY = "lambda-key"
CONTEXT = SimpleNamespace(function_name="connectra", aws_request_id="ctx-1")


@pytest.fixture(autouse=True)
def lambda_event_loop() -> Iterator[None]:
    """The loop Mangum runs each event on (a Lambda process keeps one for its life): made here
    and closed afterwards, so no test leaves an unclosed loop behind."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated, indexed data dir (as `connectra migrate` and the indexer leave it) and the
    environment a Lambda function would have; yields one contact uuid."""
    store = Store.from_url(f"sqlite:///{tmp_path}/connectra.db")
    migrate.upgrade(store.engine)
    index = TantivyIndex(tmp_path / "index", writer_heap=15_000_000)
    with store.write() as conn:
        result = upsert_csv_rows(conn, list(DemoData(3).rows(20)))
    Indexer(store, index).drain()
    index.close()
    store.dispose()
    for name in ("CONNECTRA_DATABASE_URL", "CONNECTRA_SEARCH_URL", "CONNECTRA_OBJECTS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONNECTRA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("API_KEY", KEY)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "connectra")
    lambda_handler._adapter.cache_clear()
    yield result.contact_uuids[0]
    lambda_handler._adapter.cache_clear()


def _v1(method: str, path: str, body: Any = None, key: str | None = KEY) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "X-Request-ID": "gw-1"}
    if key:
        headers["X-API-Key"] = key
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": "req-v1",
            "identity": {"sourceIp": "203.0.113.9"},
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def _v2(method: str, path: str, query: str = "", key: str | None = KEY) -> dict[str, Any]:
    headers = {"accept-encoding": "gzip"}
    if key:
        headers["x-api-key"] = key
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.com",
            "domainPrefix": "api",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.9",
                "userAgent": "test",
            },
            "requestId": "req-v2",
            "routeKey": "$default",
            "stage": "$default",
            "time": "02/Dec/2026:01:00:00 +0000",
            "timeEpoch": 1796000000000,
        },
        "isBase64Encoded": False,
    }


def _json(answer: dict[str, Any]) -> Any:
    body = answer["body"]
    raw = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()
    headers = {k.lower(): v for k, v in answer.get("headers", {}).items()}
    if headers.get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    return json.loads(raw)


def test_api_gateway_v1_events(seeded: str) -> None:
    health = lambda_handler.handler(_v1("GET", "/health"), CONTEXT)
    assert health["statusCode"] == 200
    assert _json(health)["counts"]["contacts"] == {"store": 20, "index": 20}

    counted = lambda_handler.handler(_v1("POST", "/contacts/count", {}), CONTEXT)
    assert counted["statusCode"] == 200, counted["body"]
    assert _json(counted)["count"] == 20
    assert counted["headers"]["x-request-id"] == "gw-1"

    refused = lambda_handler.handler(_v1("POST", "/contacts/count", {}, key=None), CONTEXT)
    assert refused["statusCode"] == 401


def test_api_gateway_v2_events(seeded: str) -> None:
    found = lambda_handler.handler(_v2("GET", f"/contacts/{seeded}"), CONTEXT)
    assert found["statusCode"] == 200, found["body"]
    assert found["headers"]["x-request-id"] == "req-v2"  # API Gateway's id, none was sent
    assert _json(found)["data"]["uuid"] == seeded

    listed = lambda_handler.handler(_v2("GET", "/contacts/filters"), CONTEXT)
    assert listed["statusCode"] == 200
    assert lambda_handler.handler(_v2("GET", "/metrics", key=None), CONTEXT)["statusCode"] == 401
    assert lambda_handler.handler(_v2("GET", "/metrics"), CONTEXT)["statusCode"] == 200


def test_lambda_mode_needs_an_api_key(seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("API_KEY")
    lambda_handler._adapter.cache_clear()
    with pytest.raises(ConfigurationError, match="API_KEY"):
        lambda_handler.handler(_v2("GET", "/health"), CONTEXT)


@pytest.mark.postgres
def test_pool_sizes_and_tls_reach_the_engine(
    pg_admin: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_admin.url.render_as_string(hide_password=False)
    monkeypatch.setenv("CONNECTRA_DATABASE_URL", url)
    monkeypatch.setenv("PG_DB_MAX_OPEN_CONNS", "7")
    monkeypatch.setenv("PG_DB_MAX_IDLE_CONNS", "3")
    settings = load_settings(env_file=None)
    store = Store.from_url(settings.database_url(), pool=settings.pool_limits())
    try:
        pool = store.engine.pool
        assert isinstance(pool, sa.pool.QueuePool)
        assert (pool.size(), pool._max_overflow) == (3, 4)  # 3 kept idle, 7 open at most
        with store.read() as conn:
            conn.execute(sa.text("SELECT 1"))
        assert store.pool_usage() == {"size": 3, "checked_out": 0, "idle": 1, "overflow": 0}
    finally:
        store.dispose()

    monkeypatch.delenv("PG_DB_MAX_OPEN_CONNS")
    monkeypatch.delenv("PG_DB_MAX_IDLE_CONNS")
    monkeypatch.setenv("LAMBDA_MODE", "true")
    monkeypatch.setenv("PG_DB_SSL", "true")
    settings = load_settings(env_file=None)
    assert settings.pool_limits() == (5, 2)
    tls = Store.from_url(settings.database_url(), pool=settings.pool_limits())
    try:
        assert tls.engine.url.query["sslmode"] == "require"
        assert tls.engine.pool.size() == 2  # type: ignore[attr-defined]
        with pytest.raises(sa.exc.OperationalError, match="SSL"):  # the test server has no TLS
            tls.engine.connect().close()
    finally:
        tls.dispose()
