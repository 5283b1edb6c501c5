# `terraform query` (Terraform 1.14 and later) finds the session settings of the tenant
# this provider is configured for, and can write the configuration that takes them over:
#
#   terraform init
#   terraform query                                     # lists the tenant's settings
#   terraform query -generate-config-out=generated.tf   # import block + resource
#   terraform plan                                      # 1 to import, 0 to change
#
# The list blocks are in tenant.tfquery.hcl; older Terraform versions ignore that file.
terraform {
  required_providers {
    auth0 = {
      source  = "tfauth0/auth0"
      version = ">= 0.1.0"
    }
  }
}

# AUTH0_DOMAIN and credentials from the environment. Beside the official provider, use
# this provider's own local name here and in the list block's `provider`, and put it in
# place of the `provider = auth0` Terraform writes into the generated blocks.
provider "auth0" {}
