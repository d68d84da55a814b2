# Sourced by test.sh: make a command-line tool available from Debian's packages when it is absent.

# ensure_debian_tool COMMAND PACKAGE PURPOSE: install PACKAGE (without its recommends) unless
# COMMAND is on PATH, then say where COMMAND is and what the suite uses it for. Used for promtool
# (package prometheus: it checks the alert rules under deploy/prometheus,
# tests/acceptance/test_metrics.py) and wrk (the quick benchmark's HTTP part,
# tests/benchmarks/test_bench_quick.py).
ensure_debian_tool() {
    if ! command -v "$1" >/dev/null; then
        echo "$1 not found: installing Debian's $2" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
    fi
    echo "$1 for $3: $(command -v "$1")"
}
