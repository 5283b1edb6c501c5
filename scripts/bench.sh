#!/usr/bin/env bash
# `make bench`: release build, in-process benchmarks (cargo bench), then whole-process
# benchmarks (scripts/bench.py) which print a table and write BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin terraform-provider-auth0 -p terraform-provider-auth0
cargo build --release --quiet -p local-tenant
cargo bench --quiet --bench codec
python3 scripts/bench.py "$@"
