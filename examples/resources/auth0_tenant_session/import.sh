# A tenant has one set of session settings; import it by the tenant's domain.
terraform import auth0_tenant_session.this example-tenant.eu.auth0.com

# Or, with Terraform 1.5+, an import block:
#   import {
#     to = auth0_tenant_session.this
#     id = "example-tenant.eu.auth0.com"
#   }
# and, with Terraform 1.12+, by identity:
#   import {
#     to       = auth0_tenant_session.this
#     identity = { tenant_domain = "example-tenant.eu.auth0.com" }
#   }
