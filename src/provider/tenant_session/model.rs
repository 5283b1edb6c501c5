//! The resource's model types: its state (schema version 1) and the version 0 state it
//! upgrades from, the original settings, the private state and the identity.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::auth0::{CookieMode, Minutes, PerLifetime, SessionSettings};
use crate::protocol::codec::{self, Number, TfValue};
use crate::protocol::diagnostics::error;
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::attributes::{
    self, pair, serialize_lifetimes, Field, FieldSeed, Spellings, COOKIE_MODE_ATTR,
    LIFETIME_ATTR_COUNT,
};
use crate::provider::lifetimes::{Lifetime, Spelling};
use crate::provider::schema::Ty;

/// Version 1 keeps the tenant's original settings in state (`original_settings`);
/// version 0 kept them in private state, which a tainted object's destroy never sees.
pub const SCHEMA_VERSION: i64 = 1;

/// The resource's state, plan and configuration, attribute for attribute. Its serde
/// form is flat (`session_lifetime`, `session_lifetime_in_minutes`, ...), named by the
/// attribute table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionModel {
    pub id: Value<String>,
    pub lifetimes: PerLifetime<Spellings>,
    /// As configured: an invalid mode is kept to be reported.
    pub session_cookie_mode: Value<String>,
    pub restore_on_destroy: Value<bool>,
    pub original_settings: Value<OriginalSettings>,
}

/// The attributes of [`SessionModel`] beside the lifetimes.
#[derive(Clone, Copy)]
enum SessionField {
    Id,
    CookieMode,
    RestoreOnDestroy,
    OriginalSettings,
}

impl SessionField {
    const ALL: [SessionField; 4] = [
        SessionField::Id,
        SessionField::CookieMode,
        SessionField::RestoreOnDestroy,
        SessionField::OriginalSettings,
    ];

    /// Its attribute name; [`SessionField::parse`] reads it back (tested).
    fn name(self) -> &'static str {
        match self {
            SessionField::Id => "id",
            SessionField::CookieMode => COOKIE_MODE_ATTR,
            SessionField::RestoreOnDestroy => "restore_on_destroy",
            SessionField::OriginalSettings => "original_settings",
        }
    }

    fn parse(name: &str) -> Option<SessionField> {
        match name {
            "id" => Some(SessionField::Id),
            COOKIE_MODE_ATTR => Some(SessionField::CookieMode),
            "restore_on_destroy" => Some(SessionField::RestoreOnDestroy),
            "original_settings" => Some(SessionField::OriginalSettings),
            _ => None,
        }
    }
}

impl Serialize for SessionModel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let count = SessionField::ALL.len() + LIFETIME_ATTR_COUNT;
        let mut st = s.serialize_struct("SessionModel", count)?;
        st.serialize_field(SessionField::Id.name(), &self.id)?;
        serialize_lifetimes(&mut st, &self.lifetimes)?;
        st.serialize_field(SessionField::CookieMode.name(), &self.session_cookie_mode)?;
        st.serialize_field(
            SessionField::RestoreOnDestroy.name(),
            &self.restore_on_destroy,
        )?;
        st.serialize_field(
            SessionField::OriginalSettings.name(),
            &self.original_settings,
        )?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for SessionModel {
    /// Absent attributes are null; unknown ones are skipped.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SessionModel, D::Error> {
        struct ModelVisitor;
        impl<'de> Visitor<'de> for ModelVisitor {
            type Value = SessionModel;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an auth0_tenant_session object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SessionModel, A::Error> {
                let mut m = SessionModel::default();
                while let Some(field) = map.next_key_seed(FieldSeed(SessionField::parse))? {
                    match field {
                        Field::Lifetime(l, s) => {
                            *m.lifetimes[l].get_mut(s) = map.next_value::<TfValue<_>>()?.0
                        }
                        Field::Own(SessionField::Id) => m.id = map.next_value::<TfValue<_>>()?.0,
                        Field::Own(SessionField::CookieMode) => {
                            m.session_cookie_mode = map.next_value::<TfValue<_>>()?.0
                        }
                        Field::Own(SessionField::RestoreOnDestroy) => {
                            m.restore_on_destroy = map.next_value::<TfValue<_>>()?.0
                        }
                        Field::Own(SessionField::OriginalSettings) => {
                            m.original_settings = map.next_value::<TfValue<_>>()?.0
                        }
                        Field::Unknown => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(m)
            }
        }
        d.deserialize_map(ModelVisitor)
    }
}

impl SessionModel {
    pub fn hours(&self, l: Lifetime) -> &Value<Number> {
        &self.lifetimes[l].hours
    }

    pub fn minutes(&self, l: Lifetime) -> &Value<Number> {
        &self.lifetimes[l].minutes
    }

    /// This model with `l` written in hours.
    pub fn with_hours(mut self, l: Lifetime, hours: Value<Number>) -> SessionModel {
        self.lifetimes[l].hours = hours;
        self
    }

    /// This model with `l` written in minutes.
    pub fn with_minutes(mut self, l: Lifetime, minutes: Value<Number>) -> SessionModel {
        self.lifetimes[l].minutes = minutes;
        self
    }

    pub fn set_pair(&mut self, l: Lifetime, hours: Value<Number>, minutes: Value<Number>) {
        self.lifetimes[l] = Spellings { hours, minutes };
    }

    /// Both spellings of a lifetime from a number of minutes, in the provider's own
    /// notation (whole hours as integers).
    pub fn set_minutes(&mut self, l: Lifetime, minutes: u32) {
        self.lifetimes[l] = Spellings::from_minutes(minutes);
    }

    /// The minutes a lifetime stands for, from whichever spelling holds a value.
    pub fn pair_minutes(&self, l: Lifetime) -> Option<u32> {
        self.lifetimes[l].minutes_value()
    }

    /// Neither spelling of the lifetime is configured: the tenant's value is left alone.
    pub fn unmanaged(&self, l: Lifetime) -> bool {
        self.lifetimes[l].is_null()
    }

    pub fn cookie(&self) -> Option<CookieMode> {
        match &self.session_cookie_mode {
            Value::Value(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The tenant this object belongs to (its `id`), once known.
    pub fn tenant(&self) -> Option<&str> {
        match &self.id {
            Value::Value(t) if !t.is_empty() => Some(t),
            _ => None,
        }
    }

    pub fn restores_on_destroy(&self) -> bool {
        self.restore_on_destroy == Value::Value(true)
    }

    pub fn originals(&self) -> Option<&OriginalSettings> {
        match &self.original_settings {
            Value::Value(o) => Some(o),
            _ => None,
        }
    }
}

/// Whether two tenant ids (`host[:port]`) name the same tenant: the same
/// [`tenant_key`](crate::provider::tenancy::tenant_key) (host names are not case
/// sensitive, and every loopback name is one host).
pub fn same_tenant(a: &str, b: &str) -> bool {
    crate::provider::tenancy::tenant_key(a) == crate::provider::tenancy::tenant_key(b)
}

/// What the tenant held before this resource first managed it: what a destroy with
/// `restore_on_destroy = true` puts back. Minutes, so nothing is lost to rounding. Its
/// serde form is the object `{<minutes attribute>: n, ..., session_cookie_mode: s}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalSettings {
    pub minutes: PerLifetime<u32>,
    pub session_cookie_mode: String,
}

/// The number of attributes of the `original_settings` object.
const ORIGINAL_ATTR_COUNT: usize = Lifetime::COUNT + 1;

impl OriginalSettings {
    /// The object type's attributes, for the schema: each lifetime's minutes attribute,
    /// then the cookie mode.
    pub const ATTRIBUTES: [(&'static str, Ty); ORIGINAL_ATTR_COUNT] = {
        let mut attrs = [(COOKIE_MODE_ATTR, Ty::String); ORIGINAL_ATTR_COUNT];
        let mut i = 0;
        while i < Lifetime::COUNT {
            attrs[i] = (attributes::minutes_attr(Lifetime::ALL[i]), Ty::Number);
            i += 1;
        }
        attrs
    };

    pub fn minutes(&self, l: Lifetime) -> u32 {
        self.minutes[l]
    }

    pub fn from_settings(s: &SessionSettings) -> OriginalSettings {
        OriginalSettings {
            minutes: s.lifetimes.map(|_, m| m.0),
            session_cookie_mode: s.cookie_mode.as_str().to_string(),
        }
    }

    /// The settings the originals describe.
    pub fn settings(&self) -> SessionSettings {
        SessionSettings {
            lifetimes: self.minutes.map(|_, &m| Minutes(m)),
            cookie_mode: self.session_cookie_mode.parse().unwrap_or_default(),
        }
    }

    /// The values a state records, when it records all of them.
    pub fn from_state(st: &SessionModel) -> Option<OriginalSettings> {
        let cookie: CookieMode = st.cookie()?;
        let mut minutes = PerLifetime::default();
        for l in Lifetime::ALL {
            minutes[l] = st.pair_minutes(l)?;
        }
        Some(OriginalSettings {
            minutes,
            session_cookie_mode: cookie.as_str().to_string(),
        })
    }

    /// As a person reads them: `session_lifetime 168 h, ..., session_cookie_mode persistent`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .minutes
            .iter()
            .map(|(l, &m)| format!("{} {}", pair(l).hours_attr, Minutes(m)))
            .collect();
        parts.push(format!("{COOKIE_MODE_ATTR} {}", self.session_cookie_mode));
        parts.join(", ")
    }
}

impl Serialize for OriginalSettings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("OriginalSettings", ORIGINAL_ATTR_COUNT)?;
        for (l, m) in self.minutes.iter() {
            st.serialize_field(pair(l).minutes_attr, m)?;
        }
        st.serialize_field(COOKIE_MODE_ATTR, &self.session_cookie_mode)?;
        st.end()
    }
}

impl<'de> Deserialize<'de> for OriginalSettings {
    /// Every attribute is required; unknown ones are skipped.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OriginalSettings, D::Error> {
        struct CookieModeField;
        struct OriginalsVisitor;
        impl<'de> Visitor<'de> for OriginalsVisitor {
            type Value = OriginalSettings;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the original_settings object")
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<OriginalSettings, A::Error> {
                let mut minutes: PerLifetime<Option<u32>> = PerLifetime::default();
                let mut cookie: Option<String> = None;
                let own = |name: &str| (name == COOKIE_MODE_ATTR).then_some(CookieModeField);
                while let Some(field) = map.next_key_seed(FieldSeed(own))? {
                    match field {
                        Field::Lifetime(l, Spelling::Minutes) => {
                            minutes[l] = Some(map.next_value()?)
                        }
                        Field::Own(CookieModeField) => cookie = Some(map.next_value()?),
                        Field::Lifetime(_, Spelling::Hours) | Field::Unknown => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                let mut out = OriginalSettings {
                    minutes: PerLifetime::default(),
                    session_cookie_mode: cookie
                        .ok_or_else(|| de::Error::missing_field(COOKIE_MODE_ATTR))?,
                };
                for (l, m) in minutes.iter() {
                    out.minutes[l] =
                        m.ok_or_else(|| de::Error::missing_field(pair(l).minutes_attr))?;
                }
                Ok(out)
            }
        }
        d.deserialize_map(OriginalsVisitor)
    }
}

/// Schema version 0 knew the four lifetimes of that time.
const LEGACY_LIFETIMES: usize = 4;

/// The originals as schema version 0 kept them in private state: minutes in the order of
/// [`Lifetime::ALL`] (the API's order), as that version wrote them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegacyOriginals {
    pub minutes: [u32; LEGACY_LIFETIMES],
    pub cookie_mode: String,
}

impl LegacyOriginals {
    pub fn upgraded(&self) -> OriginalSettings {
        OriginalSettings {
            minutes: PerLifetime::from(self.minutes),
            session_cookie_mode: self.cookie_mode.clone(),
        }
    }
}

/// The resource's private state. Terraform never shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrivateState {
    /// Schema version 0 recorded the originals here; they move into `original_settings`
    /// at the next refresh, plan or destroy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originals: Option<LegacyOriginals>,
    /// The plan that produced this private state, so the second plan of a `-replace`
    /// (which Terraform hands this private state) is known to be the same resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_claim: Option<u64>,
    /// The tenant a plan was made for. Terraform 1.16+ hands a plan's private state back
    /// in the plan it makes again during apply, which can then tell a saved plan applied
    /// against another tenant (`AUTH0_DOMAIN` changed between plan and apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_for: Option<String>,
}

impl PrivateState {
    pub fn legacy_originals(&self) -> Option<OriginalSettings> {
        self.originals.as_ref().map(LegacyOriginals::upgraded)
    }
}

/// The resource identity (Terraform 1.12+): the tenant, which has one settings object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionIdentity {
    #[serde(default)]
    pub tenant_domain: Value<String>,
}

/// The identity schema's version.
pub const IDENTITY_VERSION: i64 = 0;

/// UpgradeResourceState: state JSON of any earlier schema version, as the current model.
pub fn upgrade(version: i64, json: &[u8]) -> Result<SessionModel, Diagnostic> {
    let decode = |v: i64| {
        codec::decode_json::<SessionModel>(json).map_err(|e| {
            error(
                "Unreadable auth0_tenant_session state",
                format!("The stored state could not be read as schema version {v}: {e}"),
            )
        })
    };
    match version {
        // Version 0 had no original_settings (its originals were in private state,
        // which the next refresh, plan or destroy moves into the state).
        0 => decode(0).map(|st| SessionModel {
            original_settings: Value::Null,
            ..st
        }),
        1 => decode(1),
        v if v > SCHEMA_VERSION => Err(error(
            "State written by a newer provider",
            format!(
                "This auth0_tenant_session state has schema version {v}, but this provider knows versions up \
                 to {SCHEMA_VERSION}. Upgrade the provider (or restore a state backup)."
            ),
        )),
        v => Err(error(
            "Unknown state version",
            format!("auth0_tenant_session state has unknown schema version {v}."),
        )),
    }
}

/// UpgradeResourceIdentity: an identity of any earlier version (there is one).
pub fn upgrade_identity(version: i64, id: SessionIdentity) -> Result<SessionIdentity, Diagnostic> {
    if version != IDENTITY_VERSION {
        return Err(error(
            "Unknown identity version",
            format!(
                "auth0_tenant_session identity version {version} is newer than this provider knows \
                 ({IDENTITY_VERSION})."
            ),
        ));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::tenant_session::test_support::{n, settings};

    #[test]
    fn private_state_roundtrip_and_legacy_form() {
        use crate::provider::resource::{decode_private, encode_private};
        let decode = decode_private::<PrivateState>;
        let p = PrivateState {
            originals: None,
            plan_claim: Some(7),
            planned_for: Some("t.example".into()),
        };
        assert_eq!(decode(&encode_private(&p)), p);
        // The bytes are the ones earlier versions wrote and read.
        assert_eq!(
            encode_private(&p),
            br#"{"plan_claim":7,"planned_for":"t.example"}"#
        );
        assert!(encode_private(&PrivateState::default()).is_empty());
        assert_eq!(decode(b"junk"), PrivateState::default());
        // What schema version 0 wrote.
        let v0 = br#"{"originals":{"minutes":[10080,4320,4320,1440],"cookie_mode":"persistent"}}"#;
        let o = decode(v0).legacy_originals().unwrap();
        assert_eq!(
            o,
            OriginalSettings::from_settings(&settings([10080, 4320, 4320, 1440]))
        );
    }

    #[test]
    fn upgrade_paths() {
        let st = upgrade(
            0,
            br#"{"id":"t","session_lifetime":168,"restore_on_destroy":false}"#,
        )
        .unwrap();
        assert_eq!(*st.hours(Lifetime::Session), n(168));
        assert!(st.original_settings.is_null());
        let st = upgrade(
            1,
            br#"{"id":"t","original_settings":{"session_lifetime_in_minutes":1,"idle_session_lifetime_in_minutes":2,"ephemeral_session_lifetime_in_minutes":3,"idle_ephemeral_session_lifetime_in_minutes":4,"session_cookie_mode":"persistent"}}"#,
        )
        .unwrap();
        assert_eq!(
            st.originals()
                .map(|o| o.minutes(Lifetime::EphemeralSession)),
            Some(3)
        );
        assert!(upgrade(2, b"{}").is_err());
        assert!(upgrade(0, b"not json").is_err());
    }

    #[test]
    fn identity_upgrade_knows_version_zero_only() {
        let id = SessionIdentity {
            tenant_domain: Value::Value("t.example".into()),
        };
        assert_eq!(upgrade_identity(0, id.clone()), Ok(id.clone()));
        let e = upgrade_identity(1, id).unwrap_err();
        assert!(e.detail.contains("version 1"), "{e:?}");
    }

    #[test]
    fn originals_round_trip_through_settings_and_read_as_a_sentence() {
        let s = settings([10080, 90, 4320, 15]);
        let o = OriginalSettings::from_settings(&s);
        assert_eq!(o.settings(), s);
        assert_eq!(
            o.describe(),
            "session_lifetime 168 h, idle_session_lifetime 90 min, ephemeral_session_lifetime 72 h, \
             idle_ephemeral_session_lifetime 15 min, session_cookie_mode persistent"
        );
    }

    #[test]
    fn own_fields_parse_back_from_their_names() {
        for f in SessionField::ALL {
            assert_eq!(
                SessionField::parse(f.name()).map(SessionField::name),
                Some(f.name())
            );
        }
    }

    #[test]
    fn state_json_keeps_its_flat_shape() {
        let mut m = SessionModel::default().with_hours(Lifetime::Session, n(168));
        m.original_settings =
            Value::Value(OriginalSettings::from_settings(&settings([1, 2, 3, 4])));
        let json = serde_json::to_value(&m).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 4 + LIFETIME_ATTR_COUNT);
        assert_eq!(json["session_lifetime"], serde_json::json!(168));
        assert_eq!(
            json["idle_session_lifetime_in_minutes"],
            serde_json::Value::Null
        );
        assert_eq!(
            json["original_settings"],
            serde_json::json!({
                "session_lifetime_in_minutes": 1,
                "idle_session_lifetime_in_minutes": 2,
                "ephemeral_session_lifetime_in_minutes": 3,
                "idle_ephemeral_session_lifetime_in_minutes": 4,
                "session_cookie_mode": "persistent"
            })
        );
        let back: SessionModel = codec::decode_json(json.to_string().as_bytes()).unwrap();
        assert_eq!(back, m);
        // Missing attributes are null, unknown ones skipped; originals need every one.
        let m: SessionModel = codec::decode_json(br#"{"x": 1, "session_lifetime": 2}"#).unwrap();
        assert_eq!(*m.hours(Lifetime::Session), n(2));
        assert!(codec::decode_json::<OriginalSettings>(
            br#"{"session_lifetime_in_minutes": 1, "session_cookie_mode": "persistent"}"#
        )
        .is_err());
    }

    #[test]
    fn same_tenant_ignores_case() {
        assert!(same_tenant("A.Example:443", "a.example:443"));
        assert!(!same_tenant("a.example", "b.example"));
    }
}
