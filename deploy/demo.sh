#!/usr/bin/env bash
# The offline demo: `cst replay-exchange` serves recorded 2022 candles at 3600x real time and
# `cst up` runs the service against it with config/replay.toml (written to HOME/config.toml,
# so `cst --home HOME status` and `cst --home HOME features BTC/USDT` read the same), with
# the recorded news of those months replayed beside it. Ctrl-C stops both.
#   CST_HOME (default ~/.cst-demo), CST_REPLAY_DATA, CST_REPLAY_NEWS, CST_REPLAY_START,
#   CST_REPLAY_SPEED
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${CARGO_TARGET_DIR:-$root/target}/release"
home="${CST_HOME:-$HOME/.cst-demo}"
data="${CST_REPLAY_DATA:-$root/../shared/data/ohlcv-1h/binance-2021-2022}"
news="${CST_REPLAY_NEWS:-$root/../shared/data/news/cryptonews-2021-10_2022-07.csv}"
start="${CST_REPLAY_START:-2022-02-01}"
speed="${CST_REPLAY_SPEED:-3600}"

[ -d "$data" ] || { echo "demo: no recorded candles at $data (set CST_REPLAY_DATA)" >&2; exit 1; }
[ -f "$news" ] || { echo "demo: no recorded news at $news (set CST_REPLAY_NEWS)" >&2; exit 1; }
mkdir -p "$home"
{ cat "$root/config/replay.toml"; printf 'replay_csv = "%s"\n' "$(cd "$(dirname "$news")" && pwd)/$(basename "$news")"; } >"$home/config.toml"
"$bin/cst" replay-exchange --data "$data" --start "$start" --speed "$speed" --addr 127.0.0.1:8089 &
replay=$!
trap 'kill "$replay" 2>/dev/null || true' EXIT
for _ in $(seq 300); do
    curl -sf http://127.0.0.1:8089/0/public/Time >/dev/null && break
    kill -0 "$replay" 2>/dev/null || { echo "demo: the replay exchange did not start" >&2; exit 1; }
    sleep 0.1
done
echo "demo: the dashboard is at http://127.0.0.1:8787/; in another terminal: $bin/cst --home $home status   (or: coverage, features BTC/USDT, logs technical)"
# In the background so a SIGTERM to this script (not only Ctrl-C to the terminal's process
# group) reaches the service: bash runs traps only once a foreground child has exited.
"$bin/cst" --home "$home" up &
up=$!
trap 'kill -TERM "$up" 2>/dev/null || true' INT TERM
status=0
wait "$up" || status=$?
# A trap interrupted the wait: let the service finish stopping its agents.
if kill -0 "$up" 2>/dev/null; then wait "$up" || status=$?; fi
exit "$status"
