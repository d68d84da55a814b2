# Sourced by run.sh and test.sh: create or reuse .venv and install the project into it.
# Usage: ensure_venv [extra]   (extra = "dev" for the test tools)

ensure_venv() {
    local extra="${1:-}" python="${PYTHON:-python3}" spec="." stamp
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "error: Connectra needs Python >= 3.11 ($python is $("$python" -V 2>&1))" >&2
        return 1
    fi
    if [ ! -x .venv/bin/python ]; then
        "$python" -m venv .venv 2>/dev/null || {
            # Debian's python3 ships venv separately; install it once, then retry.
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
            "$python" -m venv .venv
        }
        .venv/bin/python -m pip install -q --upgrade pip
    fi
    [ -n "$extra" ] && spec=".[$extra]"
    # Reinstall only when the dependency list or the requested extra changed.
    stamp="$(cat pyproject.toml; echo "$spec")"
    if [ "$(cat .venv/.connectra-installed 2>/dev/null)" != "$stamp" ]; then
        .venv/bin/python -m pip install -q -e "$spec"
        printf '%s' "$stamp" > .venv/.connectra-installed
    fi
}
