data "auth0_tenant_session" "current" {}

output "session_lifetime_hours" {
  value = data.auth0_tenant_session.current.session_lifetime
}

output "idle_session_lifetime_minutes" {
  value = data.auth0_tenant_session.current.idle_session_lifetime_in_minutes
}
