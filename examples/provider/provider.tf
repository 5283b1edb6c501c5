terraform {
  required_providers {
    auth0 = {
      source  = "tfauth0/auth0"
      version = ">= 0.1.0"
    }
  }
}

# Credentials are best left to the environment:
#   AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET
# The application needs the Management API scopes read:tenant_settings and
# update:tenant_settings.
provider "auth0" {
  domain      = "example-tenant.eu.auth0.com"
  tenant_plan = "self-service" # or "enterprise": enables warnings about Auth0's system limits
}
