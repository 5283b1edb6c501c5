#!/usr/bin/env bash
# Installs a provider binary under the addresses it is published at, in the layout
# Terraform and OpenTofu read from a local plugin directory:
#   DIR/registry.terraform.io/tfauth0/auth0/VERSION/OS_ARCH/terraform-provider-auth0_vVERSION
#   DIR/registry.opentofu.org/tfauth0/auth0/VERSION/OS_ARCH/terraform-provider-auth0_vVERSION
# (`source = "tfauth0/auth0"` means the first to Terraform and the second to OpenTofu), so
# a configuration is the same whether the tool finds the provider here or downloads the
# published release. Prints DIR.
#   scripts/install-provider.sh DIR [BINARY]    (BINARY: default target/release/terraform-provider-auth0)
# `make install` uses DIR = ~/.terraform.d/plugins, the implied local mirror Terraform and
# OpenTofu (1.6 and later) both search without any CLI configuration; the demo uses build/mirror with a
# filesystem_mirror block (scripts/terraform-cli-config.sh), and writes nothing in $HOME.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
[ "$#" -ge 1 ] && [ "$#" -le 2 ] || { echo "usage: scripts/install-provider.sh DIR [BINARY]" >&2; exit 2; }
root="$1"
bin="${2:-$repo/target/release/terraform-provider-auth0}"
[ -f "$bin" ] || { echo "install-provider: no binary at $bin (build it first)" >&2; exit 1; }
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n1)"
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch="$(uname -m)" ;;
esac
for host in registry.terraform.io registry.opentofu.org; do
  dir="$root/$host/tfauth0/auth0/$version/${os}_${arch}"
  mkdir -p "$dir"
  # Replace atomically: a running Terraform may be executing the previous copy.
  cp "$bin" "$dir/.terraform-provider-auth0_v$version.tmp"
  chmod 0755 "$dir/.terraform-provider-auth0_v$version.tmp"
  mv -f "$dir/.terraform-provider-auth0_v$version.tmp" "$dir/terraform-provider-auth0_v$version"
  echo "install-provider: installed $dir/terraform-provider-auth0_v$version" >&2
done
echo "$root"
