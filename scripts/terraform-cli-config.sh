#!/usr/bin/env bash
# Writes a Terraform CLI config that installs terraform.local/* from the project's
# filesystem mirror and everything else from the registry. Usage: SCRIPT MIRROR OUT
set -euo pipefail
mirror="$1"
out="$2"
cat >"$out" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["terraform.local/*/*"]
  }
  direct {
    exclude = ["terraform.local/*/*"]
  }
}
CFG
