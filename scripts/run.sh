#!/usr/bin/env bash
# The README's run command: set up .venv, seed a demo dataset on first run, serve on
# 127.0.0.1:8000 with everything embedded under ./data. Extra arguments go to `connectra serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh

ensure_venv
.venv/bin/connectra seed --demo 2000 --if-empty
exec .venv/bin/connectra serve "$@"
