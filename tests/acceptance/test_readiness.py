"""Readiness: /health says ``starting`` (503) until the index has caught up with the store."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from connectra.model.fake import DemoData
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store import migrate
from connectra.store.database import Store
from tests.acceptance.server import running_server

BACKLOG = 4000  # contacts stored before the server starts: its indexer has work to catch up
BATCH = 500
READY_SH = Path(__file__).resolve().parents[2] / "scripts" / "_ready.sh"


def _store_backlog(data_dir: Path) -> None:
    store = Store.from_url(f"sqlite:///{data_dir}/connectra.db")
    migrate.upgrade(store.engine)
    rows = list(DemoData(5).rows(BACKLOG))
    for start in range(0, len(rows), BATCH):
        with store.write() as conn:
            upsert_csv_rows(conn, rows[start : start + BATCH])
    store.dispose()


def test_health_says_starting_until_the_index_caught_up(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _store_backlog(data_dir)
    seen: list[tuple[int, str, int]] = []
    with running_server(data_dir, {}, wait=False) as server:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"{server.base}/health", timeout=5)
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            body = response.json()
            seen.append((response.status_code, body["status"], body["indexer"]["pending"]))
            if body["status"] == "ok":
                break
            time.sleep(0.05)
        with server.client() as client:
            count = client.post("/contacts/count", json={}).json()["count"]
    assert seen[0][:2] == (503, "starting"), seen[:3]
    assert all(answer[:2] == (503, "starting") for answer in seen[:-1]), seen
    assert seen[-1] == (200, "ok", 0), seen[-3:]
    assert count == BACKLOG  # ok means searches see everything stored before the start


def test_the_run_command_says_ready_only_once_health_is_ok(tmp_path: Path) -> None:
    """scripts/run.sh's wait (scripts/_ready.sh) returns when /health is ok, not before."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _store_backlog(data_dir)
    with running_server(data_dir, {}, wait=False) as server:
        port = server.base.rsplit(":", 1)[1]
        script = (
            f". {READY_SH}; url=$(server_url --host=0.0.0.0 --port {port}); echo $url; "
            f'wait_until_ready {sys.executable} "$url" {server.process.pid}'
        )
        done = subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, timeout=180, check=False
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"http://127.0.0.1:{port}"
        health = httpx.get(f"{server.base}/health")
        assert (health.status_code, health.json()["status"]) == (200, "ok")
