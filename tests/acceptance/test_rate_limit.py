"""Token buckets per key over real HTTP: in memory, and shared by two servers through Redis."""

from __future__ import annotations

import os
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
import redis

from tests.acceptance.server import Server, running_server


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("CONNECTRA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"Redis not reachable at {url} ({exc}); run scripts/test.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


def _count(server: Server, key: str) -> httpx.Response:
    return httpx.post(f"{server.base}/contacts/count", json={}, headers={"X-API-Key": key})


def test_memory_bucket_per_key(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", {"MAX_REQUESTS_PER_MINUTE": "3"}) as server:
        answers = [_count(server, server.key) for _ in range(4)]
        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        assert [r.headers["x-ratelimit-remaining"] for r in answers] == ["2", "1", "0", "0"]
        assert answers[0].headers["x-ratelimit-limit"] == "3"
        limited = answers[-1]
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.json()["error_code"] == "RATE_LIMIT_EXCEEDED"
        # Requests without a valid key have their own bucket (per client address).
        anonymous = [_count(server, "guess").status_code for _ in range(4)]
        assert anonymous == [401, 401, 401, 429]
        assert all(httpx.get(f"{server.base}/health").status_code == 200 for _ in range(10))


def test_redis_bucket_is_shared_by_processes(tmp_path: Path, redis_url: str) -> None:
    key = f"shared-{uuid.uuid4().hex}"  # a fresh bucket on a shared Redis
    env = {"MAX_REQUESTS_PER_MINUTE": "4", "REDIS_URL": redis_url}
    with ExitStack() as stack:
        first = stack.enter_context(running_server(tmp_path / "a" / "data", env, key=key))
        second = stack.enter_context(running_server(tmp_path / "b" / "data", env, key=key))
        statuses = [_count(server, key).status_code for server in (first, second) * 3]
    assert statuses == [200, 200, 200, 200, 429, 429]
