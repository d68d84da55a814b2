# Sourced by test.sh: make a Redis server available and export CONNECTRA_TEST_REDIS_URL.
# Uses the server at 127.0.0.1:6379 when it answers; otherwise installs Debian's redis-server
# (when missing) and starts a private, non-persistent one on port 56379.

PRIVATE_REDIS_PORT="${CONNECTRA_PRIVATE_REDIS_PORT:-56379}"

redis_answers() {
    .venv/bin/python - "$1" <<'PY' >/dev/null 2>&1
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
PY
}

ensure_redis() {
    local shared="redis://127.0.0.1:6379/0" private="redis://127.0.0.1:$PRIVATE_REDIS_PORT/0"
    if [ -n "${CONNECTRA_TEST_REDIS_URL:-}" ]; then
        return 0
    elif redis_answers "$shared"; then
        export CONNECTRA_TEST_REDIS_URL="$shared"
    else
        if ! redis_answers "$private"; then
            if ! command -v redis-server >/dev/null; then
                echo "Redis not found: installing Debian's redis-server" >&2
                apt-get update -qq
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
            fi
            redis-server --daemonize yes --bind 127.0.0.1 --port "$PRIVATE_REDIS_PORT" \
                --save "" --appendonly no --dir /tmp >/dev/null
            for _ in $(seq 1 50); do redis_answers "$private" && break; sleep 0.1; done
        fi
        export CONNECTRA_TEST_REDIS_URL="$private"
    fi
    echo "Redis for tests: $CONNECTRA_TEST_REDIS_URL"
}
