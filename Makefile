# CryptoSmartTrader: the two commands of the README, plus benchmarks.
#   make run    set up, build (release) and run the service in the foreground
#   make test   set up, then formatting, lints, and every test
#   make bench  the benchmarks whose figures the README reports
#
# CARGO_TARGET_DIR is honoured (CI keeps it warm outside the clone).

TARGET := $(or $(CARGO_TARGET_DIR),target)
CST_HOME ?= $(HOME)/.cst

.PHONY: setup run test bench

setup:
	./deploy/setup.sh

run: setup
	cargo build --release --workspace --bins
	$(TARGET)/release/cst --home $(CST_HOME) up

test: setup
	cargo fmt --all --check
	cargo build --workspace --bins
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test --workspace -- --show-output

bench: setup
	cargo build --release --workspace --bins
	cargo bench -p cst-tests
