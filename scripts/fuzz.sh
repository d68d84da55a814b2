#!/usr/bin/env bash
# The long API fuzz run: schemathesis over the live /openapi.json of a seeded `connectra serve`
# (every operation, positive and negative cases, with the API key), checking that no response is
# a 5xx and that every response conforms to the document. The bounded run is in the test suite
# (tests/fuzz/); this one generates thousands of cases (FUZZ_EXAMPLES per operation and phase).
#
#   scripts/fuzz.sh [sqlite|postgresql]     (default sqlite; PostgreSQL as in scripts/test.sh)
#
# Environment: FUZZ_EXAMPLES (default 150), FUZZ_SEED, FUZZ_WORKERS (default 2),
# CONNECTRA_PYTHON (a Python with Connectra and the dev extra; default: .venv, set up here).
# The report (failures with curl reproductions, and the case count) goes to stdout; the exit
# status is schemathesis's (non-zero when anything failed).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
. scripts/_postgres.sh

engine="${1:-sqlite}"
if [ -z "${CONNECTRA_PYTHON:-}" ]; then
    ensure_venv dev
    CONNECTRA_PYTHON=.venv/bin/python
fi
py="$CONNECTRA_PYTHON"
bindir="$(dirname "$py")"
work="$(mktemp -d)"
key="fuzz-$RANDOM$RANDOM"
port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
database=""
server_pid=""

cleanup() {
    local rc=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ -n "$database" ]; then
        "$py" - "$admin" "$database" <<'PY' || true
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
PY
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT

export CONNECTRA_DATA_DIR="$work/data" API_KEY="$key" MAX_REQUESTS_PER_MINUTE=10000000
case "$engine" in
    sqlite) ;;
    postgresql)
        ensure_postgres
        admin="${CONNECTRA_TEST_POSTGRES_URL/+psycopg/}"
        database="connectra_fuzz_$RANDOM$RANDOM"
        "$py" - "$admin" "$database" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PY
        export CONNECTRA_DATABASE_URL="${admin%/*}/$database"
        ;;
    *) echo "usage: $0 [sqlite|postgresql]" >&2; exit 2 ;;
esac

"$py" -m connectra seed --demo 200 >/dev/null
"$py" -m connectra serve --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "$server_pid" || { cat "$work/server.log"; exit 1; }
    sleep 0.1
done
echo "fuzzing connectra serve on $engine at http://127.0.0.1:$port"

status=0
"$bindir/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
    -H "X-API-Key: $key" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "${FUZZ_EXAMPLES:-150}" \
    --workers "${FUZZ_WORKERS:-2}" \
    ${FUZZ_SEED:+--seed "$FUZZ_SEED"} \
    --generation-database none \
    --no-color || status=$?
if grep -q "Traceback" "$work/server.log"; then
    echo "--- server tracebacks ---"
    grep -A3 "Traceback" "$work/server.log" | tail -n 40
fi
exit "$status"
