# Sourced by test.sh: make wrk available, which loads a real server in the benchmarks' HTTP part
# (tests/benchmarks/test_bench_quick.py runs it for a second a scenario); Debian ships it.

ensure_wrk() {
    if ! command -v wrk >/dev/null; then
        echo "wrk not found: installing Debian's wrk" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null
    fi
    echo "wrk for the HTTP benchmark: $(command -v wrk)"
}
