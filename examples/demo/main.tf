# The demo `make demo` applies: against the local Auth0-compatible tenant, or a real
# tenant when AUTH0_DOMAIN and credentials are set in the environment.
terraform {
  required_providers {
    auth0 = {
      source  = "tfauth0/auth0"
      version = "0.1.0"
    }
  }
}

provider "auth0" {}

resource "auth0_tenant_session" "this" {
  session_lifetime                           = 168
  idle_session_lifetime                      = 181 / 60 # 3 h 1 min: a whole number of minutes
  ephemeral_session_lifetime_in_minutes      = 720
  idle_ephemeral_session_lifetime_in_minutes = 90
  session_cookie_mode                        = "non-persistent"
}

data "auth0_tenant_session" "now" {
  depends_on = [auth0_tenant_session.this]
}

output "session_lifetime_hours" {
  value = auth0_tenant_session.this.session_lifetime
}

output "idle_session_lifetime_minutes" {
  value = auth0_tenant_session.this.idle_session_lifetime_in_minutes
}

output "tenant_reads_back" {
  value = {
    session_lifetime_in_minutes      = data.auth0_tenant_session.now.session_lifetime_in_minutes
    idle_session_lifetime_in_minutes = data.auth0_tenant_session.now.idle_session_lifetime_in_minutes
    session_cookie_mode              = data.auth0_tenant_session.now.session_cookie_mode
  }
}
