#!/usr/bin/env bash
# `make bench`: release build, in-process benchmarks (cargo bench), then whole-process
# benchmarks (scripts/bench.py) which print a table and write BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin terraform-provider-auth0 -p terraform-provider-auth0
# The floor the plan time is compared with (never shipped: built only with its feature).
cargo build --release --quiet --features zero-work-plugin --bin zero-work-plugin -p terraform-provider-auth0
cargo build --release --quiet -p local-tenant
mkdir -p build
# The ci profile keeps this build (which enables dev-dependency features) out of
# target/release, where the shipped binary measured below lives.
cargo bench --quiet --profile ci --bench codec | tee build/bench-inprocess.txt
python3 scripts/bench.py "$@"
