# Users stay logged in for a week at most, and for three days without activity.
resource "auth0_tenant_session" "this" {
  session_lifetime      = 168 # hours
  idle_session_lifetime = 72  # hours

  # Fractions of an hour go in minutes (or as hours that are whole minutes, e.g. 181/60).
  idle_ephemeral_session_lifetime_in_minutes = 90

  session_cookie_mode = "persistent"

  # On destroy, put back the settings the tenant had before Terraform managed them.
  restore_on_destroy = true
}
