"""Write-path figures of a running server: create latency, bulk upsert time, visibility lag.

    python benchmarks/write_load.py --base http://127.0.0.1:8000 --key KEY

Creates records with unique emails (run it against a scratch server). Prints median and p95.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import httpx


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _person(tag: str, n: int) -> dict[str, str]:
    return {"first_name": f"W{tag}{n}", "last_name": "Bench", "email": f"w{tag}{n}@bench.io",
            "title": "Load Engineer"}  # fmt: skip


def _report(label: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(
        f"{label:28} n={len(ms):<4} p50 {statistics.median(ms):8.2f} ms  p95 {_p(ms, 0.95):8.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:6]
    client = httpx.Client(base_url=args.base, headers={"X-API-Key": args.key}, timeout=60)
    creates = []
    for n in range(200):
        start = time.perf_counter()
        assert client.post("/contacts/create", json=_person(tag, n)).status_code == 201
        creates.append(time.perf_counter() - start)
    _report("create (HTTP)", creates)
    bulks = []
    for run in range(5):
        people = [_person(f"{tag}b{run}x", n) for n in range(1000)]
        start = time.perf_counter()
        response = client.post("/contacts/bulk", json={"contacts": people})
        bulks.append(time.perf_counter() - start)
        assert response.json()["data"]["created"] == 1000
    _report("bulk upsert 1000 contacts", bulks)
    lags = []
    for n in range(50):
        person = _person(f"{tag}v", n)
        start = time.perf_counter()  # from the write request to the first search that finds it
        client.post("/contacts/create", json=person)
        body = {"where": {"keyword_match": {"must": {"email": person["email"]}}}}
        while client.post("/contacts/count", json=body).json()["count"] != 1:
            time.sleep(0.005)
        lags.append(time.perf_counter() - start)
    _report("write -> searchable lag", lags)


if __name__ == "__main__":
    main()
