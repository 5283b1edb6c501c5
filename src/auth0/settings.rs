//! The session settings model and its JSON mapping.
//!
//! Auth0 stores lifetimes as (possibly fractional) hours and accepts writes either as whole
//! hours or through the `*_in_minutes` twins. We keep everything in whole minutes so that a
//! value like 181 minutes (3.0166666666666666 h) survives a round trip without drift.

use std::fmt;
use std::ops::{Index, IndexMut};
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
    /// Every mode, in the order messages list them.
    pub const ALL: [CookieMode; 2] = [CookieMode::Persistent, CookieMode::NonPersistent];

    pub fn as_str(self) -> &'static str {
        match self {
            CookieMode::Persistent => "persistent",
            CookieMode::NonPersistent => "non-persistent",
        }
    }

    /// `"persistent" or "non-persistent"`, for messages.
    pub fn expected() -> String {
        let quoted: Vec<String> = CookieMode::ALL
            .iter()
            .map(|m| format!("{:?}", m.as_str()))
            .collect();
        quoted.join(" or ")
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
        CookieMode::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown session cookie mode {s:?}; expected {}",
                    CookieMode::expected()
                )
            })
    }
}

/// The one table of the lifetimes a tenant has: the variant, the API's hour field (its
/// minutes twin is the same name with `_in_minutes`) and Auth0's documented default.
/// `Lifetime`, `Lifetime::ALL` and `Lifetime::COUNT` all come from these rows, so a
/// lifetime cannot be missing from one of them.
macro_rules! lifetimes {
    ($($variant:ident => $field:literal, default $default:expr;)+) => {
        /// The session lifetimes of a tenant.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Lifetime {
            $($variant,)+
        }

        impl Lifetime {
            /// How many there are.
            pub const COUNT: usize = [$(Lifetime::$variant),+].len();

            /// All of them, in the order the API documents them.
            pub const ALL: [Lifetime; Lifetime::COUNT] = [$(Lifetime::$variant),+];

            /// The API's hour field.
            pub fn field(self) -> &'static str {
                match self {
                    $(Lifetime::$variant => $field,)+
                }
            }

            /// The API's minutes twin of [`Lifetime::field`].
            pub fn minutes_field(self) -> &'static str {
                match self {
                    $(Lifetime::$variant => concat!($field, "_in_minutes"),)+
                }
            }

            /// Auth0's documented default.
            pub fn default_minutes(self) -> Minutes {
                match self {
                    $(Lifetime::$variant => Minutes($default),)+
                }
            }
        }
    };
}

lifetimes! {
    Session => "session_lifetime", default 168 * 60;
    IdleSession => "idle_session_lifetime", default 72 * 60;
    EphemeralSession => "ephemeral_session_lifetime", default 72 * 60;
    IdleEphemeralSession => "idle_ephemeral_session_lifetime", default 24 * 60;
}

/// One `T` per lifetime, indexed by [`Lifetime`]: what would otherwise be one named field
/// per lifetime in every struct that holds lifetimes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PerLifetime<T>([T; Lifetime::COUNT]);

impl<T> PerLifetime<T> {
    /// One value per lifetime, from `f`.
    pub fn from_fn(f: impl FnMut(Lifetime) -> T) -> PerLifetime<T> {
        PerLifetime(Lifetime::ALL.map(f))
    }

    /// Each lifetime with its value, in the order of [`Lifetime::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (Lifetime, &T)> {
        // Over slices: an array `IntoIter` is copied into the iterator (a stall on hot paths).
        Lifetime::ALL.iter().copied().zip(self.0.iter())
    }

    /// A value per lifetime computed from this one's.
    pub fn map<U>(&self, mut f: impl FnMut(Lifetime, &T) -> U) -> PerLifetime<U> {
        PerLifetime::from_fn(|l| f(l, &self[l]))
    }

    /// The values in the order of [`Lifetime::ALL`].
    pub fn values(&self) -> &[T; Lifetime::COUNT] {
        &self.0
    }
}

impl<T: Default> Default for PerLifetime<T> {
    fn default() -> Self {
        PerLifetime::from_fn(|_| T::default())
    }
}

impl<T> From<[T; Lifetime::COUNT]> for PerLifetime<T> {
    /// Values in the order of [`Lifetime::ALL`].
    fn from(values: [T; Lifetime::COUNT]) -> Self {
        PerLifetime(values)
    }
}

impl<T> Index<Lifetime> for PerLifetime<T> {
    type Output = T;

    fn index(&self, l: Lifetime) -> &T {
        // ALL lists the variants in declaration order, so a variant's discriminant is
        // its position in ALL.
        &self.0[l as usize]
    }
}

impl<T> IndexMut<Lifetime> for PerLifetime<T> {
    fn index_mut(&mut self, l: Lifetime) -> &mut T {
        &mut self.0[l as usize]
    }
}

/// `N h` for whole hours, else `N min`: how the crate writes a lifetime for people.
pub fn display_minutes(minutes: u32) -> String {
    if minutes.is_multiple_of(60) {
        format!("{} h", minutes / 60)
    } else {
        format!("{minutes} min")
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&display_minutes(self.0))
    }
}

/// The tenant's session settings, with Auth0's documented defaults filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    pub lifetimes: PerLifetime<Minutes>,
    pub cookie_mode: CookieMode,
}

impl Default for SessionSettings {
    /// Auth0's documented defaults: 168 h, 72 h, 72 h, 24 h, persistent cookie.
    fn default() -> Self {
        SessionSettings {
            lifetimes: PerLifetime::from_fn(Lifetime::default_minutes),
            cookie_mode: CookieMode::default(),
        }
    }
}

/// The API's object that holds the cookie mode, and the mode's field in it.
const COOKIE_OBJECT: &str = "session_cookie";
const COOKIE_MODE_FIELD: &str = "mode";

/// The `fields` query used to read only what we manage.
pub(crate) fn fields_query() -> String {
    let mut f: Vec<&str> = Lifetime::ALL.iter().map(|l| l.field()).collect();
    f.push(COOKIE_OBJECT);
    f.join(",")
}

impl SessionSettings {
    pub fn lifetime(&self, l: Lifetime) -> Minutes {
        self.lifetimes[l]
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
                    s.lifetimes[l] = Minutes::from_hours(hours).ok_or_else(|| {
                        format!("{field} is {v}, expected a positive number of hours")
                    })?;
                }
            }
        }
        match obj.get(COOKIE_OBJECT) {
            None | Some(Value::Null) => {}
            Some(Value::Object(c)) => match c.get(COOKIE_MODE_FIELD) {
                None | Some(Value::Null) => {}
                Some(Value::String(m)) => s.cookie_mode = m.parse()?,
                Some(v) => {
                    return Err(format!(
                        "{COOKIE_OBJECT}.{COOKIE_MODE_FIELD} is {v}, expected a string"
                    ))
                }
            },
            Some(v) => return Err(format!("{COOKIE_OBJECT} is {v}, expected an object")),
        }
        Ok(s)
    }
}

/// The fields to change; `None` leaves a field as it is on the tenant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionUpdate {
    pub lifetimes: PerLifetime<Option<Minutes>>,
    pub cookie_mode: Option<CookieMode>,
}

impl SessionUpdate {
    pub fn is_empty(&self) -> bool {
        *self == SessionUpdate::default()
    }

    pub fn lifetime(&self, l: Lifetime) -> Option<Minutes> {
        self.lifetimes[l]
    }

    pub fn set_lifetime(&mut self, l: Lifetime, m: Minutes) {
        self.lifetimes[l] = Some(m);
    }

    /// The PATCH body. A whole number of hours goes in the hour field (the API wants an
    /// integer there); anything else goes in the `*_in_minutes` twin, never both.
    pub(crate) fn to_json(self) -> Value {
        let mut body = Map::new();
        for (l, m) in self.lifetimes.iter() {
            if let Some(Minutes(m)) = *m {
                if m.is_multiple_of(60) {
                    body.insert(l.field().to_string(), Value::from(m / 60));
                } else {
                    body.insert(l.minutes_field().to_string(), Value::from(m));
                }
            }
        }
        if let Some(mode) = self.cookie_mode {
            let mut cookie = Map::new();
            cookie.insert(COOKIE_MODE_FIELD.into(), Value::from(mode.as_str()));
            body.insert(COOKIE_OBJECT.into(), Value::Object(cookie));
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
        assert_eq!(s.lifetime(Lifetime::Session), Minutes(10080));
        assert_eq!(s.lifetime(Lifetime::IdleEphemeralSession), Minutes(1440));
        let s = SessionSettings::from_json(&json!({
            "session_lifetime": 3.0166666666666666,
            "idle_session_lifetime": null,
            "idle_ephemeral_session_lifetime": 0.25,
            "session_cookie": {"mode": "non-persistent"},
            "friendly_name": "x"
        }))
        .unwrap();
        assert_eq!(
            s.lifetimes,
            PerLifetime::from([181, 72 * 60, 72 * 60, 15].map(Minutes))
        );
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
            lifetimes: PerLifetime::from([Some(720 * 60), Some(90), None, Some(15)])
                .map(|_, m| m.map(Minutes)),
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
        let mut u = SessionUpdate::default();
        u.set_lifetime(Lifetime::EphemeralSession, Minutes(60));
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
        assert_eq!(
            CookieMode::expected(),
            r#""persistent" or "non-persistent""#
        );
    }

    #[test]
    fn the_table_gives_every_lifetime_its_place() {
        assert_eq!(Lifetime::ALL.len(), Lifetime::COUNT);
        for (i, l) in Lifetime::ALL.into_iter().enumerate() {
            // Indexing relies on ALL being in declaration order.
            assert_eq!(l as usize, i);
            assert_eq!(l.minutes_field(), format!("{}_in_minutes", l.field()));
        }
        let mut p = PerLifetime::from_fn(|l| l as u32);
        p[Lifetime::IdleSession] = 9;
        assert_eq!(p.values(), &[0, 9, 2, 3]);
        assert_eq!(p.iter().nth(1), Some((Lifetime::IdleSession, &9)));
        assert_eq!(display_minutes(120), "2 h");
        assert_eq!(Minutes(90).to_string(), "90 min");
    }
}
