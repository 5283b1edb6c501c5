//! The `auth0_tenant_session` data source: the tenant's session settings, read-only.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use super::attributes::cookie_modes_described;
use super::attributes::{
    pairs, serialize_lifetimes, Field, FieldSeed, Spellings, COOKIE_MODE_ATTR, LIFETIME_ATTR_COUNT,
};
use super::provider_config::Configured;
use super::resource::DataSource;
use super::schema::{Attr, BlockSchema, Mode, Ty};
use super::shared::{CallKind, Shared};
use super::tenant_session::TYPE_NAME;
use crate::auth0::{PerLifetime, SessionSettings};
use crate::protocol::codec::TfValue;
use crate::protocol::tfplugin6::Diagnostic;

/// The data source's state: the tenant's values, every lifetime in both spellings. Its
/// serde form is flat, named by the attribute table, like the resource's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionDataModel {
    pub id: Value<String>,
    pub lifetimes: PerLifetime<Spellings>,
    pub session_cookie_mode: Value<String>,
}

/// The attributes of [`SessionDataModel`] beside the lifetimes.
#[derive(Clone, Copy)]
enum DataField {
    Id,
    CookieMode,
}

impl DataField {
    fn parse(name: &str) -> Option<DataField> {
        match name {
            "id" => Some(DataField::Id),
            COOKIE_MODE_ATTR => Some(DataField::CookieMode),
            _ => None,
        }
    }
}

impl Serialize for SessionDataModel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("SessionDataModel", 2 + LIFETIME_ATTR_COUNT)?;
        st.serialize_field("id", &self.id)?;
        serialize_lifetimes(&mut st, &self.lifetimes)?;
        st.serialize_field(COOKIE_MODE_ATTR, &self.session_cookie_mode)?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for SessionDataModel {
    /// Absent attributes are null; unknown ones are skipped.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SessionDataModel, D::Error> {
        struct DataVisitor;
        impl<'de> Visitor<'de> for DataVisitor {
            type Value = SessionDataModel;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an auth0_tenant_session data source object")
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SessionDataModel, A::Error> {
                let mut m = SessionDataModel::default();
                while let Some(field) = map.next_key_seed(FieldSeed(DataField::parse))? {
                    match field {
                        Field::Lifetime(l, s) => {
                            *m.lifetimes[l].get_mut(s) = map.next_value::<TfValue<_>>()?.0
                        }
                        Field::Own(DataField::Id) => m.id = map.next_value::<TfValue<_>>()?.0,
                        Field::Own(DataField::CookieMode) => {
                            m.session_cookie_mode = map.next_value::<TfValue<_>>()?.0
                        }
                        Field::Unknown => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(m)
            }
        }
        d.deserialize_map(DataVisitor)
    }
}

pub fn schema() -> BlockSchema {
    let mut attrs = vec![Attr::new(
        "id",
        Ty::String,
        Mode::Computed,
        "The tenant's domain.",
    )];
    for p in pairs() {
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
        COOKIE_MODE_ATTR,
        Ty::String,
        Mode::Computed,
        cookie_modes_described(),
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

/// The data source's state: every lifetime in both spellings, as the tenant holds it.
pub fn from_settings(s: &SessionSettings, domain: &str) -> SessionDataModel {
    SessionDataModel {
        id: Value::Value(domain.to_string()),
        lifetimes: s.lifetimes.map(|_, m| Spellings::from_minutes(m.0)),
        session_cookie_mode: Value::Value(s.cookie_mode.as_str().to_string()),
    }
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
        p: &Shared,
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
    use crate::auth0::{CookieMode, Lifetime, Minutes};
    use crate::protocol::codec::Number;

    #[test]
    fn serde_names_come_from_the_table() {
        let m = from_settings(&SessionSettings::default(), "t");
        let json = serde_json::to_value(&m).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys.len(), 2 + LIFETIME_ATTR_COUNT);
        for a in schema().attrs {
            assert!(keys.contains(&a.name), "{} missing", a.name);
        }
    }

    #[test]
    fn every_lifetime_in_both_spellings() {
        let s = SessionSettings {
            lifetimes: PerLifetime::from([10080, 90, 15, 60].map(Minutes)),
            cookie_mode: CookieMode::NonPersistent,
        };
        let m = from_settings(&s, "t.example");
        let l = &m.lifetimes;
        assert_eq!(m.id, Value::Value("t.example".into()));
        assert_eq!(l[Lifetime::Session].hours, Value::Value(Number::Int(168)));
        assert_eq!(
            l[Lifetime::IdleSession].minutes,
            Value::Value(Number::Int(90))
        );
        assert_eq!(
            l[Lifetime::IdleSession].hours,
            Value::Value(Number::Float(1.5))
        );
        assert_eq!(
            l[Lifetime::EphemeralSession].hours,
            Value::Value(Number::Float(0.25))
        );
        assert_eq!(
            l[Lifetime::IdleEphemeralSession].hours,
            Value::Value(Number::Int(1))
        );
        assert_eq!(m.session_cookie_mode, Value::Value("non-persistent".into()));
    }
}
