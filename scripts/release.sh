#!/usr/bin/env bash
# `make release`: Registry-style release artifacts under build/release/:
#   terraform-provider-auth0_VERSION_OS_ARCH.zip   (holding terraform-provider-auth0_vVERSION)
#   terraform-provider-auth0_VERSION_SHA256SUMS
#   terraform-provider-auth0_VERSION_manifest.json
# Builds every OS/arch whose Rust target is installed here (rustup target list --installed);
# the others are listed as skipped. The host's own target is built as a plain release build.
#   scripts/release.sh [OUT_DIR]      (default build/release)
#   PROVIDER_BIN=path scripts/release.sh OUT_DIR   packages an already built host binary
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
out="${1:-$repo/build/release}"
rm -rf "$out"
mkdir -p "$out"
host="$(rustc -vV | sed -n 's/^host: //p')"
if [ -n "${PROVIDER_BIN:-}" ]; then
  installed="$host"
else
  installed="$(rustup target list --installed 2>/dev/null || echo "$host")"
fi
declare -A targets=(
  [linux_amd64]=x86_64-unknown-linux-gnu
  [linux_arm64]=aarch64-unknown-linux-gnu
  [darwin_amd64]=x86_64-apple-darwin
  [darwin_arm64]=aarch64-apple-darwin
  [windows_amd64]=x86_64-pc-windows-gnu
  [windows_arm64]=aarch64-pc-windows-gnullvm
)
built=0
for osarch in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 windows_arm64; do
  triple="${targets[$osarch]}"
  if ! grep -qx "$triple" <<<"$installed"; then
    echo "skip $osarch: Rust target $triple is not installed on this machine" >&2
    continue
  fi
  echo "==> $osarch ($triple)" >&2
  ext=""
  [[ "$osarch" == windows_* ]] && ext=".exe"
  if [ -n "${PROVIDER_BIN:-}" ]; then
    bin="$PROVIDER_BIN"
  elif [ "$triple" = "$host" ]; then
    cargo build --release --quiet --bin terraform-provider-auth0
    bin="target/release/terraform-provider-auth0$ext"
  else
    cargo build --release --quiet --bin terraform-provider-auth0 --target "$triple"
    bin="target/$triple/release/terraform-provider-auth0$ext"
  fi
  stage="$(mktemp -d)"
  cp "$bin" "$stage/terraform-provider-auth0_v$version$ext"
  (cd "$stage" && zip -q -X "$out/terraform-provider-auth0_${version}_${osarch}.zip" "terraform-provider-auth0_v$version$ext")
  rm -rf "$stage"
  built=$((built + 1))
done
[ "$built" -gt 0 ] || { echo "no target could be built" >&2; exit 1; }
cp terraform-registry-manifest.json "$out/terraform-provider-auth0_${version}_manifest.json"
(cd "$out" && sha256sum terraform-provider-auth0_"${version}"_*.zip terraform-provider-auth0_"${version}"_manifest.json \
  >"terraform-provider-auth0_${version}_SHA256SUMS")
ls -1 "$out"
