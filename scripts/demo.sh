#!/usr/bin/env bash
# The main job: build the provider in release mode, install it into a filesystem mirror
# (build/mirror) under its published address, start the local Auth0-compatible tenant
# (unless AUTH0_DOMAIN and credentials point at a real tenant), then run real Terraform:
# init, plan, apply, a second plan that must show no changes, and the outputs.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

echo "==> building the provider (release)" >&2
cargo build --release --quiet --bin terraform-provider-auth0
# The provider's published address (registry.terraform.io/tfauth0/auth0), served from a
# filesystem mirror under build/: the demo writes nothing in $HOME.
mirror="$(scripts/install-provider.sh "$repo/build/mirror")"
tf="$(scripts/ensure-terraform)"
echo "==> terraform: $tf ($("$tf" version | head -n1))" >&2

work="$repo/build/demo"
rm -rf "$work"
mkdir -p "$work"
cp examples/demo/main.tf "$work/"
scripts/terraform-cli-config.sh "$mirror" "$work/cli.tfrc"
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

tenant_pid=""
cleanup() { [ -n "$tenant_pid" ] && kill "$tenant_pid" 2>/dev/null || true; }
trap cleanup EXIT

if [ -n "${AUTH0_DOMAIN:-}" ]; then
  echo "==> using the real tenant $AUTH0_DOMAIN from the environment" >&2
else
  echo "==> starting the local Auth0-compatible tenant" >&2
  cargo build --release --quiet -p local-tenant
  coproc TENANT { exec "$repo/target/release/local-tenant" --port 0; }
  tenant_pid=$TENANT_PID
  for _ in 1 2 3 4; do
    IFS= read -r line <&"${TENANT[0]}"
    export "${line?}"
  done
  echo "    $AUTH0_DOMAIN" >&2
  unset AUTH0_API_TOKEN # use client credentials, as a real setup would
fi

cd "$work"
"$tf" init -input=false -no-color | sed -n '/Installing\|Installed\|initialized/p'
"$tf" plan -input=false -out=tfplan
"$tf" apply -input=false tfplan
echo "==> second plan (must show no changes)" >&2
set +e
"$tf" plan -input=false -detailed-exitcode
code=$?
set -e
if [ "$code" -ne 0 ]; then
  echo "second plan was not clean (exit $code)" >&2
  exit 1
fi
"$tf" output
