# Sourced by test.sh: start a private OpenSearch node for the run (scripts/opensearch-node.sh),
# export CONNECTRA_TEST_OPENSEARCH_URL, and stop the node when the sourcing shell exits.
# A URL already in CONNECTRA_TEST_OPENSEARCH_URL is used as it is.

OPENSEARCH_NODE_PID=""
OPENSEARCH_NODE_LOG=""

free_port_pair() {
    # A free HTTP port P whose transport port P+100 is free too.
    .venv/bin/python - <<'PY'
import random, socket
for _ in range(200):
    port = random.randint(30000, 49000)
    try:
        for candidate in (port, port + 100):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", candidate))
    except OSError:
        continue
    print(port)
    break
PY
}

stop_opensearch() {
    if [ -n "$OPENSEARCH_NODE_PID" ]; then
        kill -TERM "$OPENSEARCH_NODE_PID" 2>/dev/null || true
        wait "$OPENSEARCH_NODE_PID" 2>/dev/null || true
        OPENSEARCH_NODE_PID=""
    fi
    [ -n "$OPENSEARCH_NODE_LOG" ] && rm -f "$OPENSEARCH_NODE_LOG"
}

ensure_opensearch() {
    if [ -n "${CONNECTRA_TEST_OPENSEARCH_URL:-}" ]; then
        return 0
    fi
    local port
    port="$(free_port_pair)"
    OPENSEARCH_NODE_LOG="$(mktemp -t opensearch-node-log.XXXXXX)"
    scripts/opensearch-node.sh --port "$port" >"$OPENSEARCH_NODE_LOG" 2>&1 &
    OPENSEARCH_NODE_PID=$!
    trap stop_opensearch EXIT
    # The first run resolves the jars with Maven, which takes a minute or two.
    for _ in $(seq 1 1200); do
        grep -q 'ready http:' "$OPENSEARCH_NODE_LOG" && break
        if ! kill -0 "$OPENSEARCH_NODE_PID" 2>/dev/null; then
            cat "$OPENSEARCH_NODE_LOG" >&2
            echo "error: the OpenSearch node did not start" >&2
            return 1
        fi
        sleep 0.5
    done
    grep -q 'ready http:' "$OPENSEARCH_NODE_LOG" || { echo "error: OpenSearch start timed out" >&2; return 1; }
    export CONNECTRA_TEST_OPENSEARCH_URL="opensearch://127.0.0.1:$port"
    echo "OpenSearch for tests: $CONNECTRA_TEST_OPENSEARCH_URL"
}
