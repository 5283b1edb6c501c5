#!/usr/bin/env bash
# Writes a Terraform CLI config that installs tfauth0/auth0 (registry.terraform.io) from a
# filesystem mirror, such as the demo's build/mirror, and every other provider from its
# registry. Usage: SCRIPT MIRROR OUT
set -euo pipefail
mirror="$1"
out="$2"
cat >"$out" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/tfauth0/auth0"]
  }
  direct {
    exclude = ["registry.terraform.io/tfauth0/auth0"]
  }
}
CFG
