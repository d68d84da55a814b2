#!/usr/bin/env bash
# The README's test command: set up .venv with the dev tools, make PostgreSQL, Redis and Debian's
# chromium, promtool and wrk available, start an OpenSearch node (stopped at exit), then run ruff, mypy and the
# whole pytest suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
. scripts/_postgres.sh
. scripts/_redis.sh
. scripts/_chromium.sh
. scripts/_opensearch.sh
. scripts/_debian_tool.sh

ensure_venv dev
ensure_postgres
ensure_redis
ensure_chromium
ensure_opensearch
ensure_debian_tool promtool prometheus "the alert rules"
ensure_debian_tool wrk wrk "the HTTP benchmark"
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy
.venv/bin/pytest "$@"
