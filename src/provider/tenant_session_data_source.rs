//! The `auth0_tenant_session` data source: the tenant's session settings, read-only.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use super::lifetimes::{self, PAIRS};
use super::schema::{Attr, BlockSchema, Mode, Ty};
use crate::auth0::SessionSettings;
use crate::protocol::codec::Number;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionDataModel {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub session_lifetime: Value<Number>,
    #[serde(default)]
    pub session_lifetime_in_minutes: Value<Number>,
    #[serde(default)]
    pub idle_session_lifetime: Value<Number>,
    #[serde(default)]
    pub idle_session_lifetime_in_minutes: Value<Number>,
    #[serde(default)]
    pub ephemeral_session_lifetime: Value<Number>,
    #[serde(default)]
    pub ephemeral_session_lifetime_in_minutes: Value<Number>,
    #[serde(default)]
    pub idle_ephemeral_session_lifetime: Value<Number>,
    #[serde(default)]
    pub idle_ephemeral_session_lifetime_in_minutes: Value<Number>,
    #[serde(default)]
    pub session_cookie_mode: Value<String>,
}

pub fn schema() -> BlockSchema {
    let mut attrs = vec![Attr::new(
        "id",
        Ty::String,
        Mode::Computed,
        "The tenant's domain.",
    )];
    for p in PAIRS {
        attrs.push(Attr::new(
            p.hours_attr,
            Ty::Number,
            Mode::Computed,
            format!(
                "Hours: {} (may be fractional, e.g. `0.25` for 15 minutes).",
                p.what
            ),
        ));
        attrs.push(Attr::new(
            p.minutes_attr,
            Ty::Number,
            Mode::Computed,
            format!("The same lifetime as `{}`, in whole minutes.", p.hours_attr),
        ));
    }
    attrs.push(Attr::new(
        "session_cookie_mode",
        Ty::String,
        Mode::Computed,
        "`persistent` or `non-persistent`.",
    ));
    BlockSchema {
        version: 0,
        description:
            "Reads the session lifetimes of the Auth0 tenant the provider is configured for \
            (one `GET /api/v2/tenants/settings`)."
                .into(),
        attrs,
    }
}

pub fn from_settings(s: &SessionSettings, domain: &str) -> SessionDataModel {
    let m = [
        s.session_lifetime.0,
        s.idle_session_lifetime.0,
        s.ephemeral_session_lifetime.0,
        s.idle_ephemeral_session_lifetime.0,
    ];
    let h = |i: usize| Value::Value(lifetimes::canonical_hours(m[i]));
    let mm = |i: usize| Value::Value(lifetimes::minutes_number(m[i]));
    SessionDataModel {
        id: Value::Value(domain.to_string()),
        session_lifetime: h(0),
        session_lifetime_in_minutes: mm(0),
        idle_session_lifetime: h(1),
        idle_session_lifetime_in_minutes: mm(1),
        ephemeral_session_lifetime: h(2),
        ephemeral_session_lifetime_in_minutes: mm(2),
        idle_ephemeral_session_lifetime: h(3),
        idle_ephemeral_session_lifetime_in_minutes: mm(3),
        session_cookie_mode: Value::Value(s.cookie_mode.as_str().to_string()),
    }
}
