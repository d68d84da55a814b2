# Sourced by test.sh: make a PostgreSQL server available and export CONNECTRA_TEST_POSTGRES_URL.
# Uses the server at 127.0.0.1:5432 when it answers; otherwise installs Debian's postgresql
# (when missing) and starts a private trust-auth cluster on port 55432.

PRIVATE_PG_PORT="${CONNECTRA_PRIVATE_PG_PORT:-55432}"
PRIVATE_PG_DIR="${CONNECTRA_PRIVATE_PG_DIR:-/var/tmp/connectra-pg}"

pg_answers() {
    .venv/bin/python - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
}

as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_private_postgres() {
    local bindir
    bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$bindir" ]; then
        echo "PostgreSQL not found: installing Debian's postgresql" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    fi
    mkdir -p "$PRIVATE_PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PRIVATE_PG_DIR"
    if [ ! -f "$PRIVATE_PG_DIR/data/PG_VERSION" ]; then
        as_pg_owner "$bindir/initdb" -D "$PRIVATE_PG_DIR/data" -U postgres --auth=trust \
            -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg_owner "$bindir/pg_ctl" -D "$PRIVATE_PG_DIR/data" status >/dev/null 2>&1; then
        as_pg_owner "$bindir/pg_ctl" -D "$PRIVATE_PG_DIR/data" -l "$PRIVATE_PG_DIR/server.log" -w \
            -o "-p $PRIVATE_PG_PORT -c listen_addresses=127.0.0.1 -k $PRIVATE_PG_DIR -c fsync=off" \
            start >/dev/null
    fi
}

ensure_postgres() {
    local shared="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    local private="postgresql+psycopg://postgres@127.0.0.1:$PRIVATE_PG_PORT/postgres"
    if [ -n "${CONNECTRA_TEST_POSTGRES_URL:-}" ]; then
        return 0
    elif pg_answers "${shared/+psycopg/}"; then
        export CONNECTRA_TEST_POSTGRES_URL="$shared"
    else
        pg_answers "${private/+psycopg/}" || start_private_postgres
        export CONNECTRA_TEST_POSTGRES_URL="$private"
    fi
    echo "PostgreSQL for tests: $CONNECTRA_TEST_POSTGRES_URL"
}
