"""GET /metrics against a real server: values move with requests, writes and jobs; the key
guards it unless METRICS_PUBLIC; rate-limit rejections are counted per key hash."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.acceptance.server import Server, running_server

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(server: Server, key: str | None = None) -> Samples:
    headers = {"X-API-Key": key or server.key}
    response = httpx.get(f"{server.base}/metrics", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _contact(i: int) -> dict[str, Any]:
    return {"first_name": f"Ada{i}", "last_name": "Metrics", "email": f"ada{i}@metrics.test"}


def _wait_job(client: httpx.Client, uuid: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/common/jobs/{uuid}").json()["data"]
        if job["status"] in ("completed", "failed"):
            return dict(job)
        time.sleep(0.2)
    raise AssertionError(f"job {uuid} did not finish")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data_dir = tmp_path_factory.mktemp("metrics") / "data"
    with running_server(data_dir, {"TICKER_INTERVAL_SECONDS": "0.2"}) as found:
        yield found


def test_metrics_need_the_key(server: Server) -> None:
    assert httpx.get(f"{server.base}/metrics").status_code == 401
    wrong = httpx.get(f"{server.base}/metrics", headers={"X-API-Key": "nope"})
    assert wrong.status_code == 401


def test_values_move_with_requests_writes_and_jobs(server: Server) -> None:
    before = scrape(server)
    route = {"method": "POST", "route": "/contacts/count", "status": "200"}
    with server.client() as client:
        for _ in range(3):
            assert client.post("/contacts/count", json={}).status_code == 200
        for i in range(4):
            assert client.post("/contacts/create", json=_contact(i)).status_code in (200, 201)
        missing = client.get("/contacts/00000000-0000-0000-0000-000000000000")
        assert missing.status_code == 404
        assert client.get("/no/such/path").status_code == 404
        server.wait_indexed()
        vql = {"select_columns": ["email", "uuid"]}
        export = {"job_type": "export_csv_file", "job_data": {"service": "contact", "vql": vql}}
        job = client.post("/common/jobs/create", json=export).json()["data"]
        assert _wait_job(client, job["uuid"])["status"] == "completed"
    after = scrape(server)

    requests = "connectra_http_requests_total"
    assert value(after, requests, **route) - value(before, requests, **route) == 3
    seconds = "connectra_http_request_duration_seconds_count"
    assert value(after, seconds, **route) - value(before, seconds, **route) == 3
    get_route = {"method": "GET", "route": "/contacts/{uuid}", "status": "404"}
    assert value(after, requests, **get_route) >= 1  # the template, never the raw path
    assert value(after, requests, method="GET", route="<unmatched>", status="404") >= 1
    assert not any("00000000-0000" in str(labels) for _, labels in after)

    documents = "connectra_index_documents"
    assert (
        value(after, documents, entity="contacts") - value(before, documents, entity="contacts")
        == 4
    )
    # Store row counts are cached for a few seconds (a count scans the table).
    deadline = time.monotonic() + 60
    while value(after, "connectra_store_rows", entity="contacts") != 4:
        assert time.monotonic() < deadline, "store rows never reached 4"
        time.sleep(0.5)
        after = scrape(server)
    # /health shows the same counts side by side (each worker's store count at most 10 s old).
    counts = httpx.get(f"{server.base}/health").json()["counts"]
    while counts["contacts"] != {"store": 4, "index": 4}:
        assert time.monotonic() < deadline, counts
        time.sleep(0.5)
        counts = httpx.get(f"{server.base}/health").json()["counts"]
    assert counts["companies"] == {"store": 0, "index": 0}
    assert value(after, "connectra_indexer_entries_total") > value(
        before, "connectra_indexer_entries_total"
    )
    assert value(after, "connectra_indexer_batch_duration_seconds_count", outcome="applied") > 0
    assert ("connectra_indexer_batch_failures_total", frozenset()) in after
    assert value(after, "connectra_outbox_entries") == 0
    assert ("connectra_outbox_oldest_age_seconds", frozenset()) in after
    assert value(after, "connectra_jobs", job_type="export_csv_file", status="completed") == 1
    assert value(after, "connectra_job_rows_processed_total", job_type="export_csv_file") == 4
    assert value(after, "connectra_store_pool_connections", state="size") >= 1
    assert value(after, "connectra_store_up") == 1
    assert value(after, "connectra_index_up") == 1


def test_rate_limit_rejections_per_key_hash_and_the_rules_metrics(tmp_path: Path) -> None:
    env = {"MAX_REQUESTS_PER_MINUTE": "2"}
    with running_server(tmp_path / "data", env, key="first-key,second-key") as server:
        for _ in range(3):
            httpx.post(f"{server.base}/contacts/count", json={}, headers={"X-API-Key": "first-key"})
        # The bucket of first-key is empty, the scrape goes with the second key.
        response = httpx.get(f"{server.base}/metrics", headers={"X-API-Key": "second-key"})
    assert response.status_code == 200
    assert "first-key" not in response.text
    key_id = hashlib.sha256(b"first-key").hexdigest()[:12]
    assert value(parse(response.text), "connectra_rate_limited_total", key_id=key_id) == 1
    assert_rules_metrics_exposed(response.text)


def test_public_metrics(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", {"METRICS_PUBLIC": "true"}) as server:
        response = httpx.get(f"{server.base}/metrics")
        assert response.status_code == 200
        assert "connectra_index_documents" in response.text
        # Everything else still needs the key.
        assert httpx.post(f"{server.base}/contacts/count", json={}).status_code == 401


def test_one_scrape_adds_up_the_processes_of_a_host(tmp_path: Path) -> None:
    """`connectra api` and `connectra indexer` sharing PROMETHEUS_MULTIPROC_DIR: the API's
    scrape shows the indexer's batches, recorded in the other process."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    data_dir = tmp_path / "data"
    env = {"PROMETHEUS_MULTIPROC_DIR": str(shared)}
    with running_server(data_dir, env, command="api") as server:
        indexer_env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
        indexer_env.update(env, CONNECTRA_DATA_DIR=str(data_dir), API_KEY=server.key)
        indexer = subprocess.Popen(
            [sys.executable, "-m", "connectra", "indexer"],
            env=indexer_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with server.client() as client:
                for i in range(3):
                    assert client.post("/contacts/create", json=_contact(i)).status_code in (
                        200,
                        201,
                    )
                deadline = time.monotonic() + 60
                while client.post("/contacts/count", json={}).json()["count"] != 3:
                    assert time.monotonic() < deadline, "the indexer process never applied them"
                    time.sleep(0.2)
            samples = scrape(server)
        finally:
            indexer.terminate()
            indexer.wait(timeout=30)
    assert value(samples, "connectra_indexer_entries_total") >= 3
    created = {"method": "POST", "route": "/contacts/create", "status": "201"}
    assert value(samples, "connectra_http_requests_total", **created) == 3
    assert value(samples, "connectra_index_documents", entity="contacts") == 3


DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}


def _rule_metrics() -> set[str]:
    rules = yaml.safe_load((DEPLOY / "connectra-alerts.yml").read_text())
    exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    assert len(exprs) >= 8
    return {name for expr in exprs for name in re.findall(r"\bconnectra_[a-z_]+\b", expr)}


def assert_rules_metrics_exposed(scraped: str) -> None:
    """Every metric the alert rules name is in the scrape (a family without samples is not
    printed in multi-process mode, so the scrape should follow some traffic, a 429 included)."""
    exposed: set[str] = set()
    for family in text_string_to_metric_families(scraped):
        exposed.add(family.name)
        exposed.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ()))
    named = _rule_metrics()
    assert named >= {"connectra_outbox_oldest_age_seconds", "connectra_jobs"}
    assert named - exposed == set()


def test_promtool_accepts_the_rules() -> None:
    if shutil.which("promtool") is None:
        message = "promtool (Debian: prometheus) absent; scripts/test.sh installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    checked = subprocess.run(
        ["promtool", "check", "rules", str(DEPLOY / "connectra-alerts.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_serve_with_two_workers_adds_up_both(tmp_path: Path) -> None:
    """Under concurrent load both workers answer, and a scrape served by either shows the
    requests of both (plus the parent's indexer)."""
    requests = 200
    with running_server(tmp_path / "data", {"CONNECTRA_WORKERS": "2"}) as server:
        with server.client() as client:
            assert client.post("/contacts/create", json=_contact(0)).status_code == 201

        def count(_: int) -> str:
            with server.client() as client:
                response = client.post("/contacts/count", json={})
            assert response.status_code == 200
            return response.headers["x-connectra-worker"]

        with ThreadPoolExecutor(max_workers=8) as pool:
            workers = set(pool.map(count, range(requests)))
        assert len(workers) == 2
        server.wait_indexed()
        route = {"method": "POST", "route": "/contacts/count", "status": "200"}
        answered_by: set[str] = set()
        for _ in range(50):  # until a scrape was served by each worker
            response = httpx.get(f"{server.base}/metrics", headers={"X-API-Key": server.key})
            answered_by.add(response.headers["x-connectra-worker"])
            samples = parse(response.text)
            assert value(samples, "connectra_http_requests_total", **route) == requests
            assert value(samples, "connectra_indexer_entries_total") >= 1  # the parent's
            if answered_by == workers:
                break
    assert answered_by == workers
