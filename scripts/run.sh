#!/usr/bin/env bash
# The README's run command: set up .venv, seed a demo dataset on first run, serve on
# 127.0.0.1:8000 with everything embedded under ./data, and say so once /health is ok (the index
# has caught up with the store). Extra arguments go to `connectra serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
. scripts/_ready.sh

ensure_venv
.venv/bin/connectra seed --demo 2000 --if-empty
.venv/bin/connectra serve "$@" &
server=$!
# A background job of a script ignores Ctrl-C: pass it (and SIGTERM) on as SIGTERM.
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
url="$(server_url "$@")"
if wait_until_ready .venv/bin/python "$url" "$server"; then
    echo "Connectra is ready at $url (API docs: $url/docs, console: $url/ui); Ctrl-C stops it"
fi
rc=0
wait "$server" || rc=$?
if kill -0 "$server" 2>/dev/null; then  # the wait was cut short by the trap
    rc=0
    wait "$server" || rc=$?
fi
exit "$rc"
