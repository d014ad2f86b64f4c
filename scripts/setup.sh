#!/usr/bin/env bash
# Installs what beian-agent needs on a fresh machine: the virtual environment with the project in it,
# a Chromium that Playwright can drive, a CJK font so screenshots of Chinese pages are legible, and the
# PostgreSQL server binaries the queue's tests start a throwaway server with (no server is left running).
# Usage: scripts/setup.sh [python|browser|postgres|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
VENV=.venv

need_root_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=0
apt_install() {
    if [ "$apt_updated" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

setup_python() {
    if [ ! -x "$VENV/bin/python" ]; then
        py=""
        for cand in python3.13 python3.12 python3.11 python3; do
            if command -v "$cand" >/dev/null 2>&1 && \
               "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
                py="$cand"; break
            fi
        done
        [ -n "$py" ] || { echo "setup: Python 3.11 or newer is required" >&2; exit 1; }
        "$py" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e '.[dev]'
    touch "$VENV/.installed"
}

setup_browser() {
    if [ -x /usr/bin/chromium ]; then
        :
    elif need_root_apt && apt_install chromium; then
        :
    else
        # Machines with internet access can take Playwright's own build instead.
        "$VENV/bin/python" -m playwright install chromium
    fi
    # Headless runs use the headless shell (as Playwright does): no browser-window pages per context.
    if [ -x /usr/bin/chromium ] && [ ! -x /usr/bin/chromium-headless-shell ] && need_root_apt; then
        apt_install chromium-headless-shell || echo "setup: could not install chromium-headless-shell; headless runs use the full Chromium" >&2
    fi
    if ! (command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .); then
        if need_root_apt; then
            apt_install fonts-noto-cjk || echo "setup: could not install fonts-noto-cjk; Chinese text in screenshots may show as boxes" >&2
        else
            echo "setup: no CJK font found; install fonts-noto-cjk so screenshots show Chinese text" >&2
        fi
    fi
}

has_postgres() {
    command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

setup_postgres() {
    if has_postgres; then
        return
    fi
    if need_root_apt; then
        # Debian starts a cluster on install where it can; the tests never use it, so stop it again.
        apt_install postgresql && { service postgresql stop >/dev/null 2>&1 || true; } || \
            echo "setup: could not install postgresql; the queue tests will be skipped" >&2
    else
        echo "setup: PostgreSQL not found; install the postgresql package to run the queue tests" >&2
    fi
}

case "$what" in
    python) setup_python ;;
    browser) setup_browser ;;
    postgres) setup_postgres ;;
    all) setup_python; setup_browser; setup_postgres ;;
    *) echo "usage: $0 [python|browser|postgres|all]" >&2; exit 2 ;;
esac
