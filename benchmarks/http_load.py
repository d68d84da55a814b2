"""HTTP throughput and latency of a running Connectra server, measured with wrk.

    python benchmarks/http_load.py --base http://127.0.0.1:8000 --key KEY [--duration 15]

For each scenario and connection count it prints requests/s, p50, p95 and p99 (ms) and writes
JSON under benchmarks/results/. wrk (Debian package ``wrk``) and the server share the machine's
cores, so compare figures taken in the same run rather than across machines.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

COMBINED = {
    "where": {
        "text_matches": {
            "must": [{"text_value": "engineer", "filter_key": "title", "search_type": "shuffle"}]
        },
        "keyword_match": {
            "must": {"seniority": ["senior", "manager"], "country": "united states"},
            "must_not": {"email_status": "bounced"},
        },
        "range_query": {"must": {"company_employees_count": {"gte": 10}}},
    },
    "order_by": [{"order_by": "created_at", "order_direction": "desc"}, {"order_by": "uuid"}],
    "page": 3,
    "limit": 25,
}
SCENARIOS: dict[str, tuple[str, dict[str, Any]]] = {
    "combined_sorted_page3": ("/contacts", COMBINED),
    "count_combined": ("/contacts/count", {"where": COMBINED["where"]}),
    "count_all": ("/contacts/count", {}),
}

LUA = """
wrk.method = "POST"
wrk.body = [[%(body)s]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "%(key)s"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%.3f %%.3f %%.3f\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.timeout,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def run_wrk(
    url: str, body: dict[str, Any], key: str, connections: int, seconds: int
) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"body": json.dumps(body), "key": key})
    threads = min(connections, 2)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", script.name, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    Path(script.name).unlink()
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT"))
    requests, errors, micros, p50, p95, p99 = line.split()[1:]
    return {
        "connections": connections,
        "requests": int(requests),
        "errors": int(errors),
        "rps": round(int(requests) / (int(micros) / 1e6), 1),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "p99_ms": float(p99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", default="1,16")
    parser.add_argument("--label", default="http")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    results = []
    for name, (path, body) in SCENARIOS.items():
        for connections in (int(c) for c in args.connections.split(",")):
            row = {"scenario": name, **run_wrk(args.base + path, body, args.key, connections,
                                               args.duration)}  # fmt: skip
            results.append(row)
            print(
                f"{name:24} c={connections:<3} {row['rps']:>8} req/s  p50 {row['p50_ms']:7.2f} ms"
                f"  p95 {row['p95_ms']:7.2f} ms  p99 {row['p99_ms']:7.2f} ms"
                f"  errors {row['errors']}"
            )
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (out / f"{args.label}-{stamp}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
