# OpenTofu 1.9 and later: one provider configuration per tenant, made from a map with
# for_each, and one auth0_tenant_session per tenant. Adding a tenant is one more entry in
# var.tenants. (Terraform allows no for_each on provider blocks: with Terraform, write one
# aliased provider block per tenant, as examples/multi-tenant does.)
terraform {
  required_providers {
    auth0 = {
      source = "tfauth0/auth0"
    }
  }
}

variable "tenants" {
  description = "Each tenant's domain and session policy, by a name of your choosing."
  type = map(object({
    domain         = string
    absolute_hours = number
    idle_hours     = number
  }))
  default = {
    dev = {
      domain         = "dev-tenant.eu.auth0.com"
      absolute_hours = 720
      idle_hours     = 72
    }
    prod = {
      domain         = "prod-tenant.eu.auth0.com"
      absolute_hours = 24
      idle_hours     = 0.5 # 30 minutes
    }
  }
}

# Credentials from the environment (AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, or
# AUTH0_API_TOKEN), shared by every tenant; set client_id and client_secret here from
# each.value to give each tenant its own application.
provider "auth0" {
  alias    = "tenant"
  for_each = var.tenants
  domain   = each.value.domain
}

resource "auth0_tenant_session" "this" {
  for_each = var.tenants
  provider = auth0.tenant[each.key]

  session_lifetime      = each.value.absolute_hours
  idle_session_lifetime = each.value.idle_hours
}

output "tenants" {
  value = { for name, s in auth0_tenant_session.this : name => s.id }
}
