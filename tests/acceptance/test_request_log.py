"""Request and memory logs, read from a real server's stderr."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.acceptance.server import Server, running_server

UNKNOWN = "/contacts/00000000-0000-0000-0000-000000000000"


def _log_text(server: Server) -> str:
    port = server.base.rsplit(":", 1)[1]
    return (server.data_dir.parent / f"server-{port}.log").read_text()


def _json_lines(server: Server) -> list[dict[str, Any]]:
    lines = [line for line in _log_text(server).splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines]


def _wait_for(found: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"never logged: {what}")


def _request_line(server: Server, request_id: str) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        lines = [line for line in _json_lines(server) if line.get("request_id") == request_id]
        return next((line for line in lines if "status" in line), None)

    return dict(_wait_for(find, request_id))


def test_json_request_lines(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", {"LOG_FORMAT": "json"}) as server:
        given = httpx.get(
            f"{server.base}{UNKNOWN}", headers={"X-API-Key": server.key, "X-Request-ID": "req-42"}
        )
        assert given.status_code == 404
        assert given.headers["x-request-id"] == "req-42"
        fresh = httpx.post(f"{server.base}/contacts/count", json={}, headers={"X-API-Key": "bad"})
        generated = fresh.headers["x-request-id"]
        forged = httpx.get(f"{server.base}/health", headers={"X-Request-ID": "a b\tc"})
        assert forged.headers["x-request-id"] != "a b\tc"

        line = _request_line(server, "req-42")
        assert line["method"] == "GET"
        assert line["route"] == "/contacts/{uuid}"
        assert line["status"] == 404
        assert line["key_id"] == hashlib.sha256(b"test-key").hexdigest()[:12]
        assert line["client"] == "127.0.0.1"
        assert line["bytes"] == len(given.content)
        assert line["duration_ms"] >= 0
        assert line["time"].endswith("Z")
        assert line["level"] == "info"
        unauthorised = _request_line(server, generated)
        assert unauthorised["status"] == 401
        assert unauthorised["key_id"] is None
        assert "test-key" not in _log_text(server)


def test_text_lines_and_errors_carry_the_request_id(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", {}) as server:
        with sqlite3.connect(server.data_dir / "connectra.db") as conn:
            conn.execute("DROP TABLE jobs")  # every job route now fails inside the server
        headers = {"X-API-Key": server.key, "X-Request-ID": "broken-1"}
        failed = httpx.post(f"{server.base}/common/jobs", json={}, headers=headers)
        assert failed.status_code == 500
        httpx.get(f"{server.base}{UNKNOWN}", headers={**headers, "X-Request-ID": "text-1"})

        def both_logged() -> bool:
            text = _log_text(server)
            return "request_id=text-1" in text and "request broken-1 failed" in text

        _wait_for(both_logged, "text-1 and broken-1")
        text = _log_text(server)
        request = next(line for line in text.splitlines() if "request_id=text-1" in line)
        assert "connectra.request: GET /contacts/{uuid} 404" in request
        assert "status=404" in request
        error = next(line for line in text.splitlines() if "request_id=broken-1" in line)
        assert "ERROR" in error
        assert "Traceback" in text.split("request broken-1 failed", 1)[1]
        assert "status=500" in next(
            line
            for line in text.splitlines()
            if "request_id=broken-1" in line and "status=" in line
        )


def test_production_defaults_to_json_and_memory_log(tmp_path: Path) -> None:
    env = {"APP_ENV": "production", "MEMORY_LOG_INTERVAL_SECONDS": "0.3"}
    with running_server(tmp_path / "data", env) as server:
        httpx.get(f"{server.base}/health", headers={"X-Request-ID": "prod-1"})
        assert _request_line(server, "prod-1")["route"] == "/health"

        def memory_line() -> dict[str, Any] | None:
            lines = [line for line in _json_lines(server) if line["logger"] == "connectra.memory"]
            return lines[-1] if lines else None

        memory = _wait_for(memory_line, "a memory line")
        assert memory["rss_bytes"] > 1_000_000
        assert memory["store_rows"] == {"companies": 0, "contacts": 0}
        assert memory["index_documents"] == {"companies": 0, "contacts": 0}
        assert memory["outbox_entries"] == 0
