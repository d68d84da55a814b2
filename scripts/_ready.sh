# Sourced by run.sh: where `connectra serve ARGS` listens, and waiting for its /health to say ok.

# server_url [serve args...]: http://HOST:PORT from --host/--port, CONNECTRA_HOST/PORT, defaults.
server_url() {
    local host="${CONNECTRA_HOST:-127.0.0.1}" port="${CONNECTRA_PORT:-8000}"
    while [ $# -gt 0 ]; do
        case "$1" in
            --host) host="${2:-$host}"; shift ;;
            --host=*) host="${1#--host=}" ;;
            --port) port="${2:-$port}"; shift ;;
            --port=*) port="${1#--port=}" ;;
        esac
        shift
    done
    case "$host" in 0.0.0.0|::|"") host=127.0.0.1 ;; esac
    echo "http://$host:$port"
}

# wait_until_ready PYTHON URL PID: poll URL/health until it answers 200 "ok"; fail if PID exits.
# While the index catches up with the store, /health says 503 "starting" (a search could miss
# rows); "degraded" means the store or the index does not answer: it is reported every 10 s.
wait_until_ready() {
    "$1" - "$2" "$3" <<'PY'
import os, sys, time
import httpx

url, pid = sys.argv[1], int(sys.argv[2])
last_report, status = 0.0, "no answer"
while True:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(f"the server exited before it was ready (last /health: {status})")
    try:
        status = httpx.get(f"{url}/health", timeout=2).json().get("status", "?")
    except (httpx.HTTPError, ValueError):
        status = "no answer"
    if status == "ok":
        sys.exit(0)
    if status != "no answer" and time.monotonic() - last_report > 10:
        print(f"waiting for the server: /health says {status}", file=sys.stderr)
        last_report = time.monotonic()
    time.sleep(0.2)
PY
}
