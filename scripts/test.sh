#!/usr/bin/env bash
# The README's test command: set up .venv with the dev tools, make PostgreSQL and Redis available,
# then run ruff, mypy and the whole pytest suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
. scripts/_postgres.sh
. scripts/_redis.sh

ensure_venv dev
ensure_postgres
ensure_redis
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy
.venv/bin/pytest "$@"
