#!/usr/bin/env bash
# `make test` / `make test-matrix`: every test binary of the workspace (unit, gRPC-level,
# end-to-end with real Terraform and OpenTofu), all of them run even when one fails
# (--no-fail-fast), with the list from scripts/terraform-versions in TF_E2E_TERRAFORMS:
#   scripts/test.sh            the oldest and newest supported Terraform + the one on PATH
#   scripts/test.sh --matrix   one Terraform of every supported minor, the oldest and the
#                              newest OpenTofu, the one on PATH (+ $TERRAFORM)
# A TF_E2E_TERRAFORMS already set (colon-separated paths) is used as it is for `make
# test`; extra arguments go to cargo test (e.g. `scripts/test.sh -- --nocapture`).
#
# Every check that does not run prints `SKIPPED: <what> on <tool version>: <reason>` and
# appends it to the file TFAUTH0_SKIP_LOG names; the end of the run counts them, per
# Terraform/OpenTofu version, with their reasons. The exit status is cargo's.
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
echo "==> Terraform and OpenTofu for the end-to-end tests (TF_E2E_TERRAFORMS):"
IFS=: read -r -a tfs <<<"$TF_E2E_TERRAFORMS"
for tf in "${tfs[@]}"; do
  echo "    $(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$tf" version </dev/null 2>/dev/null | head -n1)  $tf"
done

TFAUTH0_SKIP_LOG="$(mktemp "${TMPDIR:-/tmp}/tfauth0-skips.XXXXXX")"
export TFAUTH0_SKIP_LOG
trap 'rm -f "$TFAUTH0_SKIP_LOG"' EXIT

status=0
cargo test --profile ci --workspace --all-targets --no-fail-fast "$@" || status=$?

scripts/skip-summary "$TFAUTH0_SKIP_LOG"
exit "$status"
