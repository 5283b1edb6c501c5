//! The resource's model types: its state (schema version 1) and the version 0 state it
//! upgrades from, the original settings, the private state and the identity.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use crate::auth0::{CookieMode, Minutes, SessionSettings};
use crate::protocol::codec::{self, Number};
use crate::protocol::diagnostics::error;
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::lifetimes::{self, Lifetime, Spelling};
use crate::provider::schema::Ty;

/// Version 1 keeps the tenant's original settings in state (`original_settings`);
/// version 0 kept them in private state, which a tainted object's destroy never sees.
pub const SCHEMA_VERSION: i64 = 1;

/// The resource's state, plan and configuration, attribute for attribute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionModel {
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
    #[serde(default)]
    pub restore_on_destroy: Value<bool>,
    #[serde(default)]
    pub original_settings: Value<OriginalSettings>,
}

lifetimes::lifetime_attributes!(SessionModel);

impl SessionModel {
    pub fn hours(&self, l: Lifetime) -> &Value<Number> {
        self.pair(l).0
    }

    pub fn minutes(&self, l: Lifetime) -> &Value<Number> {
        self.pair(l).1
    }

    /// The minutes a lifetime stands for, from whichever spelling holds a value.
    pub fn pair_minutes(&self, l: Lifetime) -> Option<u32> {
        match (self.minutes(l), self.hours(l)) {
            (Value::Value(m), _) => Spelling::Minutes.minutes_in(m),
            (_, Value::Value(h)) => Spelling::Hours.minutes_in(h),
            _ => None,
        }
    }

    /// Neither spelling of the lifetime is configured: the tenant's value is left alone.
    pub fn unmanaged(&self, l: Lifetime) -> bool {
        self.hours(l).is_null() && self.minutes(l).is_null()
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
/// `restore_on_destroy = true` puts back. Minutes, so nothing is lost to rounding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginalSettings {
    pub session_lifetime_in_minutes: u32,
    pub idle_session_lifetime_in_minutes: u32,
    pub ephemeral_session_lifetime_in_minutes: u32,
    pub idle_ephemeral_session_lifetime_in_minutes: u32,
    pub session_cookie_mode: String,
}

impl OriginalSettings {
    /// The object type's attributes, for the schema.
    pub const ATTRIBUTES: [(&'static str, Ty); 5] = [
        ("session_lifetime_in_minutes", Ty::Number),
        ("idle_session_lifetime_in_minutes", Ty::Number),
        ("ephemeral_session_lifetime_in_minutes", Ty::Number),
        ("idle_ephemeral_session_lifetime_in_minutes", Ty::Number),
        ("session_cookie_mode", Ty::String),
    ];

    pub fn minutes(&self, l: Lifetime) -> u32 {
        match l {
            Lifetime::Session => self.session_lifetime_in_minutes,
            Lifetime::IdleSession => self.idle_session_lifetime_in_minutes,
            Lifetime::EphemeralSession => self.ephemeral_session_lifetime_in_minutes,
            Lifetime::IdleEphemeralSession => self.idle_ephemeral_session_lifetime_in_minutes,
        }
    }

    pub fn from_settings(s: &SessionSettings) -> OriginalSettings {
        OriginalSettings {
            session_lifetime_in_minutes: s.session_lifetime.0,
            idle_session_lifetime_in_minutes: s.idle_session_lifetime.0,
            ephemeral_session_lifetime_in_minutes: s.ephemeral_session_lifetime.0,
            idle_ephemeral_session_lifetime_in_minutes: s.idle_ephemeral_session_lifetime.0,
            session_cookie_mode: s.cookie_mode.as_str().to_string(),
        }
    }

    /// The settings the originals describe.
    pub fn settings(&self) -> SessionSettings {
        SessionSettings {
            session_lifetime: Minutes(self.minutes(Lifetime::Session)),
            idle_session_lifetime: Minutes(self.minutes(Lifetime::IdleSession)),
            ephemeral_session_lifetime: Minutes(self.minutes(Lifetime::EphemeralSession)),
            idle_ephemeral_session_lifetime: Minutes(self.minutes(Lifetime::IdleEphemeralSession)),
            cookie_mode: self.session_cookie_mode.parse().unwrap_or_default(),
        }
    }

    /// The values a state records, when it records all of them.
    pub fn from_state(st: &SessionModel) -> Option<OriginalSettings> {
        let cookie: CookieMode = st.cookie()?;
        Some(OriginalSettings::from_settings(&SessionSettings {
            session_lifetime: Minutes(st.pair_minutes(Lifetime::Session)?),
            idle_session_lifetime: Minutes(st.pair_minutes(Lifetime::IdleSession)?),
            ephemeral_session_lifetime: Minutes(st.pair_minutes(Lifetime::EphemeralSession)?),
            idle_ephemeral_session_lifetime: Minutes(
                st.pair_minutes(Lifetime::IdleEphemeralSession)?,
            ),
            cookie_mode: cookie,
        }))
    }

    /// As a person reads them: `session_lifetime 168 h, ..., session_cookie_mode persistent`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Lifetime::ALL
            .iter()
            .map(|&l| {
                let m = self.minutes(l);
                if m.is_multiple_of(60) {
                    format!("{} {} h", l.field(), m / 60)
                } else {
                    format!("{} {m} min", l.field())
                }
            })
            .collect();
        parts.push(format!("session_cookie_mode {}", self.session_cookie_mode));
        parts.join(", ")
    }
}

/// The originals as schema version 0 kept them in private state: minutes in the order of
/// [`Lifetime::ALL`] (the API's order), as that version wrote them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegacyOriginals {
    pub minutes: [u32; 4],
    pub cookie_mode: String,
}

impl LegacyOriginals {
    pub fn upgraded(&self) -> OriginalSettings {
        let [session, idle, ephemeral, idle_ephemeral] = self.minutes;
        OriginalSettings {
            session_lifetime_in_minutes: session,
            idle_session_lifetime_in_minutes: idle,
            ephemeral_session_lifetime_in_minutes: ephemeral,
            idle_ephemeral_session_lifetime_in_minutes: idle_ephemeral,
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
    pub fn decode(bytes: &[u8]) -> PrivateState {
        if bytes.is_empty() {
            return PrivateState::default();
        }
        serde_json::from_slice(bytes).unwrap_or_default()
    }

    pub fn encode(&self) -> Vec<u8> {
        if *self == PrivateState::default() {
            return Vec::new();
        }
        serde_json::to_vec(self).unwrap_or_default()
    }

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
        let p = PrivateState {
            originals: None,
            plan_claim: Some(7),
            planned_for: Some("t.example".into()),
        };
        assert_eq!(PrivateState::decode(&p.encode()), p);
        assert!(PrivateState::default().encode().is_empty());
        assert_eq!(PrivateState::decode(b"junk"), PrivateState::default());
        // What schema version 0 wrote.
        let v0 = br#"{"originals":{"minutes":[10080,4320,4320,1440],"cookie_mode":"persistent"}}"#;
        let o = PrivateState::decode(v0).legacy_originals().unwrap();
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
        assert_eq!(st.session_lifetime, n(168));
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
    fn same_tenant_ignores_case() {
        assert!(same_tenant("A.Example:443", "a.example:443"));
        assert!(!same_tenant("a.example", "b.example"));
    }
}
