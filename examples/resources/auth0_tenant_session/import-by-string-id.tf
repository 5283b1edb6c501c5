# Takes over the session settings of the tenant the provider is configured for. The ID
# is that tenant's domain (host[:port]), or "current" for whichever tenant it is.
import {
  to = auth0_tenant_session.this
  id = "example-tenant.eu.auth0.com"
}
