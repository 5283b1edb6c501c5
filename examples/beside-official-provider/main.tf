# The official auth0/auth0 provider keeps the local name `auth0` and everything it
# manages; this provider, under the local name `auth0sessions`, manages only the session
# lifetimes. See docs/guides/beside-the-official-provider.md.
terraform {
  required_providers {
    auth0 = {
      source = "auth0/auth0"
      # 1.49.0 is the first release whose auth0_tenant leaves session fields it is not
      # given alone. Older ones send session_lifetime and ephemeral_session_lifetime
      # defaults in every update (before 1.46), or all four defaults when they change
      # (1.46 to 1.48), undoing auth0_tenant_session on every apply. See the guide.
      version = ">= 1.49.0"
    }
    auth0sessions = {
      source  = "tfauth0/auth0"
      version = ">= 0.1.0"
    }
  }
}

variable "auth0_domain" {
  description = "The tenant both providers manage, e.g. example-tenant.eu.auth0.com."
  type        = string
}

# Both providers read credentials from the same environment variables
# (AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET, or AUTH0_API_TOKEN). The application needs
# the scopes read:tenant_settings and update:tenant_settings, which auth0_tenant
# already needs.
provider "auth0" {
  domain = var.auth0_domain
}

provider "auth0sessions" {
  domain = var.auth0_domain
}

# The official provider keeps the rest of the tenant. The session fields
# (session_lifetime, idle_session_lifetime, ephemeral_session_lifetime,
# idle_ephemeral_session_lifetime and the session_cookie block) are removed: left in,
# they would be sent on every apply of this resource and undo auth0_tenant_session.
resource "auth0_tenant" "this" {
  friendly_name = "Example"
  support_email = "support@example.com"

  # Not a session lifetime: OIDC logout settings stay with the official provider.
  sessions {
    oidc_logout_prompt_enabled = false
  }
}

# Type names keep the auth0_ prefix, so Terraform would hand these to the provider named
# `auth0` (the official one) unless `provider` says otherwise.
resource "auth0_tenant_session" "this" {
  provider = auth0sessions

  # Hours (the official provider's unit) when they are whole, minutes otherwise.
  session_lifetime                           = 168 # was auth0_tenant.session_lifetime
  idle_session_lifetime                      = 72  # was auth0_tenant.idle_session_lifetime
  ephemeral_session_lifetime                 = 12
  idle_ephemeral_session_lifetime_in_minutes = 90           # 1.5 h, stored exactly
  session_cookie_mode                        = "persistent" # was session_cookie { mode = ... }
}

data "auth0_tenant_session" "current" {
  provider   = auth0sessions
  depends_on = [auth0_tenant_session.this]
}

output "idle_session_lifetime_minutes" {
  value = data.auth0_tenant_session.current.idle_session_lifetime_in_minutes
}
