#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test: protoc (tf-provider's build
# script and ours need it). Terraform is bootstrapped separately (scripts/ensure-terraform).
set -euo pipefail
if ! command -v protoc >/dev/null 2>&1; then
  echo "==> installing protobuf-compiler (protoc)" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq protobuf-compiler >/dev/null
fi
