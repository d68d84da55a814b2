# Sourced by test.sh: make Debian's chromium available for the browser tests (tests/browser),
# which Playwright drives at /usr/bin/chromium; Playwright's own browser download is never used.

ensure_chromium() {
    if [ ! -x /usr/bin/chromium ]; then
        echo "chromium not found: installing Debian's chromium" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
    echo "Chromium for browser tests: $(/usr/bin/chromium --version 2>/dev/null)"
}
