# One policy, three tenants: dev and stage are relaxed, prod is strict.
#
# One provider configuration per tenant, and each tenant once: two configurations with
# the same domain (a copied alias, a map of tenants with a duplicate) would flip the
# tenant between their values on every apply. The provider refuses such a plan when it
# sees both configurations' provider processes at work (Linux and macOS; not on Windows,
# and not when Terraform starts one configuration's provider only after the other has
# planned), so keep the domains unique rather than rely on it.
terraform {
  required_providers {
    auth0 = {
      source = "tfauth0/auth0"
    }
  }
}

provider "auth0" {
  alias  = "dev"
  domain = "dev-tenant.eu.auth0.com"
}

provider "auth0" {
  alias  = "stage"
  domain = "stage-tenant.eu.auth0.com"
}

provider "auth0" {
  alias       = "prod"
  domain      = "prod-tenant.eu.auth0.com"
  tenant_plan = "enterprise"
}

module "dev" {
  source         = "../modules/session-policy"
  providers      = { auth0 = auth0.dev }
  absolute_hours = 720
  idle_hours     = 72
}

module "stage" {
  source    = "../modules/session-policy"
  providers = { auth0 = auth0.stage }
}

module "prod" {
  source         = "../modules/session-policy"
  providers      = { auth0 = auth0.prod }
  absolute_hours = 24
  idle_hours     = 0.5 # 30 minutes
}
