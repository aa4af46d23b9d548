#!/usr/bin/env bash
# Installs everything CryptoSmartTrader needs on a fresh Debian machine, idempotently.
#   deploy/setup.sh          system packages for running and testing
# Safe to re-run: it skips what is already installed.
set -euo pipefail

need_apt=()
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)

if ((${#need_apt[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing Debian packages: ${need_apt[*]}"
    $sudo apt-get update -qq
    # --no-install-recommends: prometheus only for promtool, none of its extras.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Python: TA-Lib (the C library in its PyPI wheel) for the technical benchmark's side-by-side
# run and for regenerating the indicator parity fixtures (../shared/bench/talib_reference.py).
python3 -m pip --version >/dev/null 2>&1 || need_py=1
if [ -n "${need_py:-}" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3 python3-pip >/dev/null
fi
if ! python3 -c 'import talib, pandas, numpy' >/dev/null 2>&1; then
    echo "setup: installing Python packages: TA-Lib pandas numpy"
    python3 -m pip install --quiet TA-Lib pandas numpy 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages TA-Lib pandas numpy
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo not found: install the Rust toolchain (https://rustup.rs), then re-run" >&2
    exit 1
fi
echo "setup: ok (curl, promtool, cargo, python3 with TA-Lib present)"
