//! The session settings model and its JSON mapping.
//!
//! Auth0 stores lifetimes as (possibly fractional) hours and accepts writes either as whole
//! hours or through the `*_in_minutes` twins. We keep everything in whole minutes so that a
//! value like 181 minutes (3.0166666666666666 h) survives a round trip without drift.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

/// A duration in whole minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minutes(pub u32);

impl Minutes {
    /// Converts hours from an API response. `None` for values that are not finite and positive
    /// or do not fit.
    pub fn from_hours(hours: f64) -> Option<Minutes> {
        if !hours.is_finite() || hours <= 0.0 {
            return None;
        }
        let m = (hours * 60.0).round();
        if m < 1.0 || m > u32::MAX as f64 {
            return None;
        }
        Some(Minutes(m as u32))
    }
}

/// `session_cookie.mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub enum CookieMode {
    #[default]
    Persistent,
    NonPersistent,
}

impl CookieMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CookieMode::Persistent => "persistent",
            CookieMode::NonPersistent => "non-persistent",
        }
    }
}

impl fmt::Display for CookieMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CookieMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "persistent" => Ok(CookieMode::Persistent),
            "non-persistent" => Ok(CookieMode::NonPersistent),
            _ => Err(format!(
                "unknown session cookie mode {s:?}; expected \"persistent\" or \"non-persistent\""
            )),
        }
    }
}

/// The tenant's session settings, with Auth0's documented defaults filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    pub session_lifetime: Minutes,
    pub idle_session_lifetime: Minutes,
    pub ephemeral_session_lifetime: Minutes,
    pub idle_ephemeral_session_lifetime: Minutes,
    pub cookie_mode: CookieMode,
}

impl Default for SessionSettings {
    /// Auth0's documented defaults: 168 h, 72 h, 72 h, 24 h, persistent cookie.
    fn default() -> Self {
        SessionSettings {
            session_lifetime: Minutes(168 * 60),
            idle_session_lifetime: Minutes(72 * 60),
            ephemeral_session_lifetime: Minutes(72 * 60),
            idle_ephemeral_session_lifetime: Minutes(24 * 60),
            cookie_mode: CookieMode::Persistent,
        }
    }
}

/// The four session lifetimes of a tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lifetime {
    Session,
    IdleSession,
    EphemeralSession,
    IdleEphemeralSession,
}

impl Lifetime {
    /// All four, in the order the API documents them.
    pub const ALL: [Lifetime; 4] = [
        Lifetime::Session,
        Lifetime::IdleSession,
        Lifetime::EphemeralSession,
        Lifetime::IdleEphemeralSession,
    ];

    /// The API's hour field. Its minutes twin is this name with `_in_minutes`.
    pub fn field(self) -> &'static str {
        match self {
            Lifetime::Session => "session_lifetime",
            Lifetime::IdleSession => "idle_session_lifetime",
            Lifetime::EphemeralSession => "ephemeral_session_lifetime",
            Lifetime::IdleEphemeralSession => "idle_ephemeral_session_lifetime",
        }
    }
}

/// The `fields` query used to read only what we manage.
pub(crate) fn fields_query() -> String {
    let mut f: Vec<&str> = Lifetime::ALL.iter().map(|l| l.field()).collect();
    f.push("session_cookie");
    f.join(",")
}

impl SessionSettings {
    pub fn lifetime(&self, l: Lifetime) -> Minutes {
        match l {
            Lifetime::Session => self.session_lifetime,
            Lifetime::IdleSession => self.idle_session_lifetime,
            Lifetime::EphemeralSession => self.ephemeral_session_lifetime,
            Lifetime::IdleEphemeralSession => self.idle_ephemeral_session_lifetime,
        }
    }

    fn lifetime_mut(&mut self, l: Lifetime) -> &mut Minutes {
        match l {
            Lifetime::Session => &mut self.session_lifetime,
            Lifetime::IdleSession => &mut self.idle_session_lifetime,
            Lifetime::EphemeralSession => &mut self.ephemeral_session_lifetime,
            Lifetime::IdleEphemeralSession => &mut self.idle_ephemeral_session_lifetime,
        }
    }

    /// Reads a tenant settings object. Omitted or null fields take the defaults; anything
    /// else that is not what the API documents is an error (described, not panicked on).
    pub(crate) fn from_json(body: &Value) -> Result<SessionSettings, String> {
        let obj = body
            .as_object()
            .ok_or_else(|| "expected a JSON object with the tenant settings".to_string())?;
        let mut s = SessionSettings::default();
        for l in Lifetime::ALL {
            let field = l.field();
            match obj.get(field) {
                None | Some(Value::Null) => {}
                Some(v) => {
                    let hours = v
                        .as_f64()
                        .ok_or_else(|| format!("{field} is {v}, expected a number of hours"))?;
                    *s.lifetime_mut(l) = Minutes::from_hours(hours).ok_or_else(|| {
                        format!("{field} is {v}, expected a positive number of hours")
                    })?;
                }
            }
        }
        match obj.get("session_cookie") {
            None | Some(Value::Null) => {}
            Some(Value::Object(c)) => match c.get("mode") {
                None | Some(Value::Null) => {}
                Some(Value::String(m)) => s.cookie_mode = m.parse()?,
                Some(v) => return Err(format!("session_cookie.mode is {v}, expected a string")),
            },
            Some(v) => return Err(format!("session_cookie is {v}, expected an object")),
        }
        Ok(s)
    }
}

/// The fields to change; `None` leaves a field as it is on the tenant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionUpdate {
    pub session_lifetime: Option<Minutes>,
    pub idle_session_lifetime: Option<Minutes>,
    pub ephemeral_session_lifetime: Option<Minutes>,
    pub idle_ephemeral_session_lifetime: Option<Minutes>,
    pub cookie_mode: Option<CookieMode>,
}

impl SessionUpdate {
    pub fn is_empty(&self) -> bool {
        *self == SessionUpdate::default()
    }

    pub fn lifetime(&self, l: Lifetime) -> Option<Minutes> {
        match l {
            Lifetime::Session => self.session_lifetime,
            Lifetime::IdleSession => self.idle_session_lifetime,
            Lifetime::EphemeralSession => self.ephemeral_session_lifetime,
            Lifetime::IdleEphemeralSession => self.idle_ephemeral_session_lifetime,
        }
    }

    pub fn set_lifetime(&mut self, l: Lifetime, m: Minutes) {
        let slot = match l {
            Lifetime::Session => &mut self.session_lifetime,
            Lifetime::IdleSession => &mut self.idle_session_lifetime,
            Lifetime::EphemeralSession => &mut self.ephemeral_session_lifetime,
            Lifetime::IdleEphemeralSession => &mut self.idle_ephemeral_session_lifetime,
        };
        *slot = Some(m);
    }

    /// The PATCH body. A whole number of hours goes in the hour field (the API wants an
    /// integer there); anything else goes in the `*_in_minutes` twin, never both.
    pub(crate) fn to_json(self) -> Value {
        let mut body = Map::new();
        for l in Lifetime::ALL {
            let field = l.field();
            if let Some(Minutes(m)) = self.lifetime(l) {
                if m % 60 == 0 {
                    body.insert(field.to_string(), Value::from(m / 60));
                } else {
                    body.insert(format!("{field}_in_minutes"), Value::from(m));
                }
            }
        }
        if let Some(mode) = self.cookie_mode {
            body.insert(
                "session_cookie".into(),
                serde_json::json!({ "mode": mode.as_str() }),
            );
        }
        Value::Object(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hours_to_minutes_rounding() {
        assert_eq!(Minutes::from_hours(3.0166666666666666), Some(Minutes(181)));
        assert_eq!(Minutes::from_hours(0.25), Some(Minutes(15)));
        assert_eq!(Minutes::from_hours(0.08333333333333333), Some(Minutes(5)));
        assert_eq!(Minutes::from_hours(1.5), Some(Minutes(90)));
        assert_eq!(Minutes::from_hours(168.0), Some(Minutes(10080)));
        assert_eq!(Minutes::from_hours(0.0), None);
        assert_eq!(Minutes::from_hours(-1.0), None);
        assert_eq!(Minutes::from_hours(f64::NAN), None);
        assert_eq!(Minutes::from_hours(f64::INFINITY), None);
        assert_eq!(Minutes::from_hours(1e12), None);
        // Below half a minute rounds to zero, which is not a valid lifetime.
        assert_eq!(Minutes::from_hours(0.001), None);
        // Every minute value survives the API's hour representation.
        for m in 1..=20_000u32 {
            assert_eq!(Minutes::from_hours(m as f64 / 60.0), Some(Minutes(m)));
        }
    }

    #[test]
    fn read_applies_defaults() {
        let s = SessionSettings::from_json(&json!({})).unwrap();
        assert_eq!(s, SessionSettings::default());
        assert_eq!(s.session_lifetime, Minutes(10080));
        assert_eq!(s.idle_ephemeral_session_lifetime, Minutes(1440));
        let s = SessionSettings::from_json(&json!({
            "session_lifetime": 3.0166666666666666,
            "idle_session_lifetime": null,
            "idle_ephemeral_session_lifetime": 0.25,
            "session_cookie": {"mode": "non-persistent"},
            "friendly_name": "x"
        }))
        .unwrap();
        assert_eq!(s.session_lifetime, Minutes(181));
        assert_eq!(s.idle_session_lifetime, Minutes(72 * 60));
        assert_eq!(s.ephemeral_session_lifetime, Minutes(72 * 60));
        assert_eq!(s.idle_ephemeral_session_lifetime, Minutes(15));
        assert_eq!(s.cookie_mode, CookieMode::NonPersistent);
        let s = SessionSettings::from_json(&json!({"session_cookie": null})).unwrap();
        assert_eq!(s.cookie_mode, CookieMode::Persistent);
    }

    #[test]
    fn read_rejects_junk_values() {
        for body in [
            json!([]),
            json!({"session_lifetime": "72"}),
            json!({"session_lifetime": 0}),
            json!({"idle_session_lifetime": -3}),
            json!({"session_cookie": "persistent"}),
            json!({"session_cookie": {"mode": "forever"}}),
            json!({"session_cookie": {"mode": 1}}),
        ] {
            assert!(SessionSettings::from_json(&body).is_err(), "{body}");
        }
        let e = SessionSettings::from_json(&json!({"session_lifetime": 0})).unwrap_err();
        assert!(e.contains("session_lifetime is 0"), "{e}");
    }

    #[test]
    fn update_serialization() {
        let u = SessionUpdate {
            session_lifetime: Some(Minutes(720 * 60)),
            idle_session_lifetime: Some(Minutes(90)),
            ephemeral_session_lifetime: None,
            idle_ephemeral_session_lifetime: Some(Minutes(15)),
            cookie_mode: Some(CookieMode::NonPersistent),
        };
        assert_eq!(
            u.to_json(),
            json!({
                "session_lifetime": 720,
                "idle_session_lifetime_in_minutes": 90,
                "idle_ephemeral_session_lifetime_in_minutes": 15,
                "session_cookie": {"mode": "non-persistent"}
            })
        );
        // Integers, not 720.0: the API rejects a float in the hour fields.
        assert_eq!(
            serde_json::to_string(&u.to_json()["session_lifetime"]).unwrap(),
            "720"
        );
        let u = SessionUpdate {
            ephemeral_session_lifetime: Some(Minutes(60)),
            ..Default::default()
        };
        assert_eq!(u.to_json(), json!({"ephemeral_session_lifetime": 1}));
        assert!(SessionUpdate::default().is_empty());
        assert!(!u.is_empty());
    }

    #[test]
    fn cookie_mode_strings() {
        for m in [CookieMode::Persistent, CookieMode::NonPersistent] {
            assert_eq!(m.as_str().parse::<CookieMode>(), Ok(m));
        }
        assert!("Persistent".parse::<CookieMode>().is_err());
    }
}
