//! The `auth0_tenant_session` data source: the tenant's session settings, read-only.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use super::lifetimes::{self, Lifetime, PAIRS};
use super::provider_config::Configured;
use super::resource::DataSource;
use super::schema::{Attr, BlockSchema, Mode, Ty};
use super::tenant_session::TYPE_NAME;
use super::{Auth0Provider, CallKind};
use crate::auth0::SessionSettings;
use crate::protocol::codec::Number;
use crate::protocol::tfplugin6::Diagnostic;

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

lifetimes::lifetime_attributes!(SessionDataModel);

/// The data source's state: every lifetime in both spellings, as the tenant holds it.
pub fn from_settings(s: &SessionSettings, domain: &str) -> SessionDataModel {
    let mut m = SessionDataModel {
        id: Value::Value(domain.to_string()),
        session_cookie_mode: Value::Value(s.cookie_mode.as_str().to_string()),
        ..SessionDataModel::default()
    };
    for l in Lifetime::ALL {
        m.set_minutes(l, s.lifetime(l).0);
    }
    m
}

/// The `auth0_tenant_session` data source type.
pub struct TenantSessionData;

#[tonic::async_trait]
impl DataSource for TenantSessionData {
    type Model = SessionDataModel;

    const TYPE_NAME: &'static str = TYPE_NAME;

    fn schema(&self) -> BlockSchema {
        schema()
    }

    /// One read of the configured tenant. The configuration has no arguments.
    async fn read(
        &self,
        p: &Auth0Provider,
        c: &Configured,
        _config: SessionDataModel,
    ) -> Result<SessionDataModel, Diagnostic> {
        let client = c.client()?;
        let settings = p
            .call(CallKind::Read, client.read_session_settings())
            .await?;
        Ok(from_settings(&settings, &c.domain))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth0::{CookieMode, Minutes};

    #[test]
    fn every_lifetime_in_both_spellings() {
        let s = SessionSettings {
            session_lifetime: Minutes(10080),
            idle_session_lifetime: Minutes(90),
            ephemeral_session_lifetime: Minutes(15),
            idle_ephemeral_session_lifetime: Minutes(60),
            cookie_mode: CookieMode::NonPersistent,
        };
        let m = from_settings(&s, "t.example");
        assert_eq!(m.id, Value::Value("t.example".into()));
        assert_eq!(m.session_lifetime, Value::Value(Number::Int(168)));
        assert_eq!(
            m.idle_session_lifetime_in_minutes,
            Value::Value(Number::Int(90))
        );
        assert_eq!(m.idle_session_lifetime, Value::Value(Number::Float(1.5)));
        assert_eq!(
            m.ephemeral_session_lifetime,
            Value::Value(Number::Float(0.25))
        );
        assert_eq!(
            m.idle_ephemeral_session_lifetime,
            Value::Value(Number::Int(1))
        );
        assert_eq!(m.session_cookie_mode, Value::Value("non-persistent".into()));
    }
}
