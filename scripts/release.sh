#!/usr/bin/env bash
# `make release`: the provider's release as the Terraform Registry (and OpenTofu's, and
# every private registry) expects it, under build/release/ or OUT_DIR:
#   terraform-provider-auth0_VERSION_OS_ARCH.zip     terraform-provider-auth0_vVERSION[.exe] and LICENSE
#   terraform-provider-auth0_VERSION_manifest.json   protocol versions (terraform-registry-manifest.json)
#   terraform-provider-auth0_VERSION_SHA256SUMS      sha256 of each zip and of the manifest
#   terraform-provider-auth0_VERSION_SHA256SUMS.sig  detached binary GPG signature of SHA256SUMS
#
#   scripts/release.sh [OUT_DIR]             build every platform this machine can, then package
#   scripts/release.sh build OS_ARCH          build one platform's binary; prints its path
#   scripts/release.sh package OUT_DIR OS_ARCH=BINARY...
#                                             zip prebuilt binaries, write manifest, sums, signature
#   scripts/release.sh check-tag TAG          fails unless TAG is v + Cargo.toml's version
# The release workflow (.github/workflows/release.yml) runs `build` on one runner per
# platform and `package` once, on Linux, over all the binaries.
#
# Environment:
#   GPG_FINGERPRINT    the key that signs SHA256SUMS (the variable goreleaser-based providers
#                      use). It must be an RSA key in the keyring (GNUPGHOME): the Terraform
#                      Registry refuses other key types. Unset: the release is unsigned, and
#                      the script says so in one line.
#   SOURCE_DATE_EPOCH  the time stamped on every zip entry; default: the HEAD commit's time.
#   PROVIDER_BIN       (first form) package this already built binary as the host's platform
#                      and build nothing (tests that need a zip, not a release build).
#
# Reproducible: the same commit, toolchain and Cargo.lock give byte-identical zips and
# SHA256SUMS wherever the checkout and cargo home are. Build paths are remapped out of the
# binary (--remap-path-prefix); zip entries carry SOURCE_DATE_EPOCH, fixed modes and a fixed
# order. Signatures carry their own creation time, so .sig files differ run to run.
#
# Portable: linux_amd64 and linux_arm64 link against glibc 2.17 (zig, through
# cargo-zigbuild, from PyPI into .tools/zig-venv), so the binary starts on any Linux
# Terraform runs on (RHEL 7+, Ubuntu 14.04+, Amazon Linux 2). Windows links the C runtime
# statically. macOS builds need a Mac (the workflow's macos runner).
set -euo pipefail
shopt -s inherit_errexit 2>/dev/null || true # bash >= 4.4; failures below also say `|| die`
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
caller="$PWD"
cd "$repo"
name="terraform-provider-auth0"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
platforms=(linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64)

log() { echo "release: $*" >&2; }
die() { log "$*"; exit 1; }

triple_of() {
  case "$1" in
    linux_amd64) echo x86_64-unknown-linux-gnu ;;
    linux_arm64) echo aarch64-unknown-linux-gnu ;;
    darwin_amd64) echo x86_64-apple-darwin ;;
    darwin_arm64) echo aarch64-apple-darwin ;;
    windows_amd64) echo x86_64-pc-windows-msvc ;;
    *) die "unknown platform '$1' (known: ${platforms[*]})" ;;
  esac
}
exe_of() { case "$1" in windows_*) echo .exe ;; *) echo "" ;; esac; }

# Paths on the command line are the caller's, relative to where the script was started.
from_caller() { case "$1" in /*) echo "$1" ;; *) echo "$caller/$1" ;; esac; }

# A path as the native toolchain spells it (C:\... under Git Bash on Windows).
native() { if command -v cygpath >/dev/null 2>&1; then cygpath -w "$1"; else echo "$1"; fi; }

host_platform() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN*) os=windows ;;
    *) die "unsupported host OS $(uname -s)" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "unsupported host architecture $(uname -m)" ;;
  esac
  echo "${os}_${arch}"
}

# build OS_ARCH: one release binary, with every build path remapped out of it.
build() {
  local osarch="$1" triple ext target_dir cargo_home flags
  triple="$(triple_of "$osarch")"
  ext="$(exe_of "$osarch")"
  target_dir="${CARGO_TARGET_DIR:-$repo/target}"
  mkdir -p "$target_dir"
  target_dir="$(cd "$target_dir" && pwd -P)"
  cargo_home="${CARGO_HOME:-$HOME/.cargo}"
  # Later mappings win where prefixes nest (the target dir is usually inside the repo).
  # The user's RUSTFLAGS are left out on purpose: the release is built the same everywhere.
  flags=(
    "--remap-path-prefix=$(native "$cargo_home")=/cargo"
    "--remap-path-prefix=$(native "$(rustc --print sysroot)")=/rust"
    "--remap-path-prefix=$(native "$repo")=/src/$name"
    "--remap-path-prefix=$(native "$target_dir")=/target"
  )
  [[ "$osarch" == windows_* ]] && flags+=("-Ctarget-feature=+crt-static")
  unset RUSTFLAGS
  # Variables cargo sets for a test or build script it runs describe that process, not
  # this build; started from one (as the release tests do), a build script watching one
  # (ring's watches CARGO_MANIFEST_DIR) would make cargo rebuild every crate.
  # SOURCE_DATE_EPOCH stamps the zips only. cc reruns the build scripts of ring and
  # aws-lc-sys whenever it changes (C compilers read it for __DATE__ and __TIME__, which
  # neither uses), so passing it on would rebuild every crate after every commit; were a
  # build clock ever compiled in, tests/release_reproducible.rs would see it.
  unset SOURCE_DATE_EPOCH
  local v
  for v in $(compgen -e); do
    case "$v" in
      CARGO_PKG_* | CARGO_MANIFEST_* | CARGO_CRATE_NAME | CARGO_PRIMARY_PACKAGE | \
        CARGO_TARGET_TMPDIR | CARGO_RUSTC_CURRENT_DIR | OUT_DIR) unset "$v" ;;
    esac
  done
  CARGO_ENCODED_RUSTFLAGS="$(IFS=$'\x1f'; echo "${flags[*]}")"
  export CARGO_ENCODED_RUSTFLAGS
  log "building $osarch ($triple)"
  case "$osarch" in
    linux_*)
      local bin_dir
      bin_dir="$(scripts/ensure-pytools zig)" || die "no zig: scripts/ensure-pytools zig failed"
      CARGO_ZIGBUILD_PYTHON_PATH="$bin_dir/python3" \
        CARGO_ZIGBUILD_CACHE_DIR="$repo/.tools/zigbuild-cache" \
        ZIG_GLOBAL_CACHE_DIR="$repo/.tools/zig-cache" \
        "$bin_dir/cargo-zigbuild" zigbuild --release --locked --quiet \
        --bin "$name" --target "$triple.2.17" >&2 \
        || die "the $osarch build failed"
      ;;
    *)
      cargo build --release --locked --quiet --bin "$name" --target "$triple" >&2 \
        || die "the $osarch build failed"
      ;;
  esac
  local bin="$target_dir/$triple/release/$name$ext"
  [ -f "$bin" ] || die "the build left no $bin"
  if [[ "$osarch" == linux_* ]] && command -v readelf >/dev/null 2>&1; then
    # The floor the zig target promises, checked where it is built (tests/release_checks.rs
    # checks it too): the highest GLIBC_ symbol version the binary asks for.
    local highest
    highest="$(readelf --dyn-syms --wide "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/^GLIBC_//' | sort -V | tail -n1)"
    [ -n "$highest" ] || die "$bin asks for no GLIBC_ symbol version: not the glibc build expected"
    [ "$(printf '%s\n2.17\n' "$highest" | sort -V | tail -n1)" = 2.17 ] \
      || die "$bin needs GLIBC_$highest, above the 2.17 floor"
  fi
  echo "$bin"
}

source_date_epoch() {
  if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    echo "$SOURCE_DATE_EPOCH"
  elif git -C "$repo" rev-parse --verify -q HEAD >/dev/null 2>&1; then
    git -C "$repo" log -1 --format=%ct HEAD
  else
    die "not a git checkout: set SOURCE_DATE_EPOCH (the release's commit time, in seconds)"
  fi
}

# make_zip ZIP EPOCH ENTRY SOURCE MODE [ENTRY SOURCE MODE]...: a zip of the given files,
# in byte order of their names, each stamped with EPOCH (UTC) and its octal MODE, with
# nothing that varies from run to run or machine to machine (no extra fields, no uid/gid).
make_zip() {
  python3 - "$@" <<'PY'
import sys, time, zipfile
zip_path, epoch, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
entries = sorted(zip(rest[0::3], rest[1::3], rest[2::3]), key=lambda e: e[0].encode())
# DOS timestamps start in 1980 and have 2-second steps.
stamp = time.gmtime(max(epoch, 315532800))[:6]
with zipfile.ZipFile(zip_path, "w") as z:
    for entry, src, mode in entries:
        info = zipfile.ZipInfo(entry, date_time=stamp)
        info.create_system = 3  # Unix: external_attr holds a Unix mode, which Terraform applies
        info.external_attr = (0o100000 | int(mode, 8)) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(src, "rb") as f:
            z.writestr(info, f.read(), compresslevel=9)
PY
}

sha256_line() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum -- "$1"; else shasum -a 256 -- "$1"; fi
}

sign() {
  local sums="$1" status algo
  if [ -z "${GPG_FINGERPRINT:-}" ]; then
    log "UNSIGNED: GPG_FINGERPRINT is not set, so there is no ${sums##*/}.sig (registries refuse unsigned releases)"
    return 0
  fi
  gpg --batch --list-secret-keys -- "$GPG_FINGERPRINT" >/dev/null 2>&1 \
    || die "GPG_FINGERPRINT=$GPG_FINGERPRINT names no secret key in the keyring${GNUPGHOME:+ at $GNUPGHOME}"
  # --no-armor: a binary signature, whatever gpg.conf says; Terraform cannot read armored ones.
  gpg --batch --yes --no-armor --local-user "$GPG_FINGERPRINT" \
    --output "$sums.sig" --detach-sign "$sums" \
    || die "gpg could not sign with $GPG_FINGERPRINT"
  status="$(gpg --batch --status-fd 1 --verify "$sums.sig" "$sums" 2>/dev/null)" \
    || die "the new signature does not verify"
  # VALIDSIG's 7th field is the signing key's public-key algorithm; 1 is RSA.
  algo="$(awk '$2 == "VALIDSIG" { print $9 }' <<<"$status")"
  if [ "$algo" != 1 ]; then
    rm -f "$sums.sig"
    die "the key $GPG_FINGERPRINT signs with public-key algorithm $algo, not RSA (1): the Terraform Registry accepts RSA keys only"
  fi
  log "signed ${sums##*/} with $(awk '$2 == "VALIDSIG" { print $3 }' <<<"$status")"
}

# package OUT_DIR OS_ARCH=BINARY...
package() {
  local out epoch pair osarch bin ext zip sums
  out="$(from_caller "$1")"
  shift
  [ "$#" -gt 0 ] || die "package: no OS_ARCH=BINARY given"
  mkdir -p "$out"
  out="$(cd "$out" && pwd -P)"
  rm -f "$out/${name}_"*
  epoch="$(source_date_epoch)"
  for pair in "$@"; do
    osarch="${pair%%=*}"
    bin="$(from_caller "${pair#*=}")"
    triple_of "$osarch" >/dev/null
    [ -f "$bin" ] || die "$osarch: no binary at $bin"
    ext="$(exe_of "$osarch")"
    zip="$out/${name}_${version}_${osarch}.zip"
    make_zip "$zip" "$epoch" "${name}_v$version$ext" "$bin" 755 LICENSE LICENSE 644
  done
  cp terraform-registry-manifest.json "$out/${name}_${version}_manifest.json"
  sums="$out/${name}_${version}_SHA256SUMS"
  (
    cd "$out"
    LC_ALL=C # byte order for the glob below, so the file order never depends on the locale
    for f in "${name}_${version}"_*.zip "${name}_${version}_manifest.json"; do
      sha256_line "$f"
    done
  ) >"$sums.tmp"
  mv "$sums.tmp" "$sums"
  sign "$sums"
  (cd "$out" && LC_ALL=C && printf '%s\n' "${name}_${version}"_*) >&2
}

check_tag() {
  local tag="$1"
  [[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "tag '$tag' is not vMAJOR.MINOR.PATCH"
  [ "$tag" = "v$version" ] || die "tag $tag does not match Cargo.toml's version $version: release v$version, or bump Cargo.toml first"
  log "tag $tag matches Cargo.toml"
}

case "${1:-}" in
  build)
    [ "$#" -eq 2 ] || die "usage: scripts/release.sh build OS_ARCH"
    build "$2"
    ;;
  package)
    [ "$#" -ge 3 ] || die "usage: scripts/release.sh package OUT_DIR OS_ARCH=BINARY..."
    shift
    package "$@"
    ;;
  check-tag)
    [ "$#" -eq 2 ] || die "usage: scripts/release.sh check-tag TAG"
    check_tag "$2"
    ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d'
    ;;
  *)
    [ "$#" -le 1 ] || die "usage: scripts/release.sh [OUT_DIR] (see --help)"
    out="$(from_caller "${1:-$repo/build/release}")"
    host="$(host_platform)"
    if [ -n "${PROVIDER_BIN:-}" ]; then
      package "$out" "$host=$(from_caller "$PROVIDER_BIN")"
      exit 0
    fi
    installed="$(rustup target list --installed 2>/dev/null || rustc -vV | sed -n 's/^host: //p')"
    pairs=()
    for p in "${platforms[@]}"; do
      t="$(triple_of "$p")"
      if [ "$p" != "$host" ] && ! grep -qx "$t" <<<"$installed"; then
        log "skip $p: Rust target $t is not installed here (the release workflow builds it)"
        continue
      fi
      bin="$(build "$p")" || exit 1
      pairs+=("$p=$bin")
    done
    package "$out" "${pairs[@]}"
    ;;
esac
