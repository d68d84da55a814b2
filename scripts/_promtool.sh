# Sourced by test.sh: make Prometheus's promtool available, which checks the alert rules under
# deploy/prometheus (tests/acceptance/test_metrics.py); Debian ships it in the prometheus package.

ensure_promtool() {
    if ! command -v promtool >/dev/null; then
        echo "promtool not found: installing Debian's prometheus (for promtool only)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    fi
    echo "promtool for the alert rules: $(promtool --version 2>&1 | head -1)"
}
