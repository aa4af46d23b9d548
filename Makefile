# CryptoSmartTrader: the two commands of the README, plus benchmarks.
#   make run    set up, build (release) and run the offline replay demo in the foreground
#   make test   set up, then formatting, lints, and every test
#   make bench  every benchmark whose figures the README reports (the chaos soak among them)
#               and 30 s of every fuzz target; writes bench/report.json and bench/report.md
#   make soak   the chaos soak alone: 10 min of replay under 1,000+ SIGKILLs, then its checks
#
# CARGO_TARGET_DIR is honoured (CI keeps it warm outside the clone).

SHELL := /bin/bash
TARGET := $(or $(CARGO_TARGET_DIR),target)

.PHONY: setup run test bench soak

setup:
	./deploy/setup.sh

run: setup
	cargo build --release --workspace --bins
	./deploy/demo.sh

test: setup
	cargo fmt --all --check
	cargo build --workspace --bins
	cargo clippy --workspace --all-targets -- -D warnings
	mkdir -p $(TARGET)
	set -o pipefail; cargo test --workspace -- --show-output 2>&1 | tee $(TARGET)/cargo-test.log
	@# One closing line for the whole workspace (cargo prints one per test binary).
	@awk '/^test result:/ {p += $$4; f += $$6} END {printf "%d passed, %d failed\n", p, f}' $(TARGET)/cargo-test.log

bench:
	./deploy/setup.sh --bench
	cargo build --release --workspace --bins
	./deploy/bench.sh

soak: setup
	cargo build --release --workspace --bins
	cargo bench -p cst-tests --bench soak
