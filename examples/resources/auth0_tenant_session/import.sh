# The ID is the domain of the tenant the provider is configured for (or `current`);
# an ID naming another tenant is refused.
terraform import auth0_tenant_session.this example-tenant.eu.auth0.com
