# Terraform 1.12 and later: import naming the tenant by identity (its domain, host[:port]).
import {
  to = auth0_tenant_session.this
  identity = {
    tenant_domain = "example-tenant.eu.auth0.com"
  }
}
