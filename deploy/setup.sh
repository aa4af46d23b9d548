#!/usr/bin/env bash
# Installs everything CryptoSmartTrader needs on a fresh Debian machine, idempotently.
#   deploy/setup.sh          system packages for running and testing
#   deploy/setup.sh --bench  also the benchmarks' Python references (vectorbt)
# Safe to re-run: it skips what is already installed.
set -euo pipefail

need_apt=()
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v cc >/dev/null 2>&1 || need_apt+=(gcc)
command -v c++ >/dev/null 2>&1 || need_apt+=(g++)
# The dashboard's browser tests drive Debian's Chromium headless (web/tests/browser.mjs).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# The deployment files' checks (tests/tests/deploy.rs): systemd-analyze and shellcheck.
command -v systemd-analyze >/dev/null 2>&1 || need_apt+=(systemd)
command -v shellcheck >/dev/null 2>&1 || need_apt+=(shellcheck)
# LightGBM's bindings (lightgbm3-sys) are generated with bindgen, which needs libclang.
[ -e /usr/lib/llvm-14/lib/libclang.so ] || ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1 \
    || need_apt+=(libclang-dev)

if ((${#need_apt[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing Debian packages: ${need_apt[*]}"
    $sudo apt-get update -qq
    # --no-install-recommends: prometheus only for promtool, none of its extras.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Python: TA-Lib (the C library in its PyPI wheel) for the technical benchmark's side-by-side
# run and for regenerating the indicator parity fixtures (../shared/bench/talib_reference.py);
# scikit-learn for the steady-state cycle benchmark's side-by-side run
# (../shared/bench/reference_pipeline.py) and the calibration fixtures.
python3 -m pip --version >/dev/null 2>&1 || need_py=1
if [ -n "${need_py:-}" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3 python3-pip >/dev/null
fi
if ! python3 -c 'import talib, pandas, numpy, sklearn' >/dev/null 2>&1; then
    echo "setup: installing Python packages: TA-Lib pandas numpy scikit-learn"
    python3 -m pip install --quiet TA-Lib pandas numpy scikit-learn 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages TA-Lib pandas numpy scikit-learn
fi
# Benchmarks only: vectorbt, the vectorised reference the backtest benchmark replays its
# signals through (plotly 6 broke vectorbt 0.28's import, hence the pin).
if [ "${1:-}" = "--bench" ] && ! python3 -c 'import vectorbt' >/dev/null 2>&1; then
    echo "setup: installing vectorbt 0.28.5 for the backtest benchmark"
    python3 -m pip install --quiet "vectorbt==0.28.5" "plotly<6" 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages "vectorbt==0.28.5" "plotly<6"
fi

# Pinned wheels, unpacked where .cargo/config.toml points CMAKE and ORT_DYLIB_PATH:
# CMake >= 3.28 for building LightGBM (Debian's 3.25 is too old), and ONNX Runtime's shared
# library, which the ML agent loads at run time (ort 2.0.0-rc.15 works with 1.32.0).
prefix=/opt/cryptosmarttrader
wheel() { # name version marker-file
    [ -e "$prefix/$1-$2/$3" ] && return 0
    echo "setup: installing $1 $2 into $prefix/$1-$2"
    sudo=""
    [ -w "$(dirname "$prefix")" ] || [ -w "$prefix" ] || sudo="sudo"
    $sudo mkdir -p "$prefix"
    $sudo python3 -m pip install --quiet --root-user-action=ignore --no-deps --target "$prefix/$1-$2" "$1==$2"
}
wheel cmake 3.31.10 cmake/data/bin/cmake
wheel onnxruntime 1.32.0 onnxruntime/capi/libonnxruntime.so.1.32.0

# The dashboard's pages (web/): Vite + TypeScript from the npm registry, installed from the
# lockfile; crates/dashboard/build.rs builds them into web/dist, which the binary embeds.
# Vite 8 needs Node.js >= 20.19 (Debian 12's own nodejs is 18: too old).
node_ok() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
        && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
    echo "setup: Node.js >= 20.19 with npm is needed to build the dashboard (found: $(node --version 2>/dev/null || echo none)); install it (e.g. from nodejs.org or NodeSource), then re-run" >&2
    exit 1
fi
web="$(cd "$(dirname "$0")/.." && pwd)/web"
if [ ! -e "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
    echo "setup: installing the dashboard's npm packages (web/package-lock.json)"
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo not found: install the Rust toolchain (https://rustup.rs), then re-run" >&2
    exit 1
fi
# Benchmarks only: cargo-fuzz, for the short fuzz run of `make bench` (fuzz/run.sh).
if [ "${1:-}" = "--bench" ] && ! cargo fuzz --version >/dev/null 2>&1; then
    echo "setup: installing cargo-fuzz for the fuzz targets"
    cargo install cargo-fuzz --locked --quiet
fi

echo "setup: ok (curl, promtool, libclang, chromium, node $(node --version) with web/'s packages, cargo, python3 with TA-Lib, CMake and ONNX Runtime in $prefix)"
