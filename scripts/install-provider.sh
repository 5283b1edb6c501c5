#!/usr/bin/env bash
# Installs the release binary into a local filesystem mirror, the way Terraform users
# install a provider: HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION.
# Prints the mirror's root directory. Usage: scripts/install-provider.sh [BINARY]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$repo/target/release/terraform-provider-auth0}"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n1)"
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch="$(uname -m)" ;;
esac
mirror="$repo/build/mirror"
dir="$mirror/terraform.local/tfauth0/auth0/$version/${os}_${arch}"
mkdir -p "$dir"
cp "$bin" "$dir/terraform-provider-auth0_v$version"
chmod 0755 "$dir/terraform-provider-auth0_v$version"
echo "$mirror"
