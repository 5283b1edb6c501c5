# One result: the session settings of the tenant the provider is configured for.
list "auth0_tenant_session" "tenant" {
  provider = auth0
}
