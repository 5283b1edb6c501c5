#!/usr/bin/env bash
# `make test` / `make test-matrix`: every test binary of the workspace (unit, gRPC-level,
# end-to-end with real Terraform), all of them run even when one fails (--no-fail-fast),
# with the Terraform list from scripts/terraform-versions in TF_E2E_TERRAFORMS:
#   scripts/test.sh            the oldest and newest supported Terraform + the one on PATH
#   scripts/test.sh --matrix   one Terraform of every supported minor + the one on PATH
# A TF_E2E_TERRAFORMS already set (colon-separated paths) is used as it is; extra
# arguments go to cargo test (e.g. `scripts/test.sh -- --nocapture`).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=()
if [ "${1:-}" = --matrix ]; then
  mode=(--matrix)
  shift
fi
if [ -z "${TF_E2E_TERRAFORMS:-}" ] || [ ${#mode[@]} -gt 0 ]; then
  TF_E2E_TERRAFORMS="$(scripts/terraform-versions "${mode[@]}")"
fi
export TF_E2E_TERRAFORMS
echo "==> Terraform for the end-to-end tests (TF_E2E_TERRAFORMS):"
IFS=: read -r -a tfs <<<"$TF_E2E_TERRAFORMS"
for tf in "${tfs[@]}"; do
  echo "    $(CHECKPOINT_DISABLE=1 "$tf" version </dev/null 2>/dev/null | head -n1)  $tf"
done
exec cargo test --profile ci --workspace --all-targets --no-fail-fast "$@"
