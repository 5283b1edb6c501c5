# A shared session policy, applied to whichever tenant the caller's provider points at.
terraform {
  required_providers {
    auth0 = {
      source = "tfauth0/auth0"
    }
  }
}

variable "absolute_hours" {
  description = "Longest a session may last, in hours."
  type        = number
  default     = 168
}

variable "idle_hours" {
  description = "Longest a session may stay unused, in hours (fractions allowed when whole minutes)."
  type        = number
  default     = 72
}

variable "cookie_mode" {
  type    = string
  default = "persistent"
}

resource "auth0_tenant_session" "this" {
  session_lifetime      = var.absolute_hours
  idle_session_lifetime = var.idle_hours
  session_cookie_mode   = var.cookie_mode
}

output "tenant" {
  value = auth0_tenant_session.this.id
}

output "idle_minutes" {
  value = auth0_tenant_session.this.idle_session_lifetime_in_minutes
}
