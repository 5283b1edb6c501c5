//! The Terraform side of the managed settings: one row per [`Lifetime`] (its two
//! attributes, its kind, what it means) and the cookie mode's row, from which the schema,
//! the docs, the messages and the models' serde names all follow. The auth0 layer owns
//! the API side of the same lifetimes (`crate::auth0::settings`).

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use serde::ser::SerializeStruct;
use tf_provider::value::Value;

pub use crate::auth0::{CookieMode, Lifetime, PerLifetime};
use crate::protocol::codec::Number;
use crate::provider::lifetimes::{LifetimeKind, Spelling};

/// One lifetime and its two spellings, as the schema, validation and docs name them.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    pub lifetime: Lifetime,
    pub hours_attr: &'static str,
    pub minutes_attr: &'static str,
    pub kind: LifetimeKind,
    /// For descriptions: "Hours: {what}."
    pub what: &'static str,
}

impl Pair {
    /// The attribute of this lifetime written in `spelling`.
    pub fn attr(&self, spelling: Spelling) -> &'static str {
        match spelling {
            Spelling::Hours => self.hours_attr,
            Spelling::Minutes => self.minutes_attr,
        }
    }
}

/// The table: each lifetime's hours attribute (its minutes attribute is the same name
/// with `_in_minutes`), kind and meaning. `pair` matches on every variant, so a new
/// lifetime does not compile until it has its row.
macro_rules! terraform_lifetimes {
    ($($variant:ident => $attr:literal, $kind:ident, $what:literal;)+) => {
        /// The table row of a lifetime.
        pub const fn pair(l: Lifetime) -> &'static Pair {
            match l {
                $(Lifetime::$variant => &Pair {
                    lifetime: Lifetime::$variant,
                    hours_attr: $attr,
                    minutes_attr: concat!($attr, "_in_minutes"),
                    kind: LifetimeKind::$kind,
                    what: $what,
                },)+
            }
        }

        /// The lifetime attribute a name is, if it is one (a `match`: models decode
        /// through it on every call).
        pub fn lifetime_attr(name: &str) -> Option<(Lifetime, Spelling)> {
            match name {
                $($attr => Some((Lifetime::$variant, Spelling::Hours)),
                concat!($attr, "_in_minutes") => Some((Lifetime::$variant, Spelling::Minutes)),)+
                _ => None,
            }
        }
    };
}

terraform_lifetimes! {
    Session => "session_lifetime", Absolute,
        "how long a persistent session may last, however active the user is";
    IdleSession => "idle_session_lifetime", Idle,
        "how long a persistent session may stay unused before the user must log in again";
    EphemeralSession => "ephemeral_session_lifetime", Absolute,
        "how long a non-persistent (browser-session cookie) session may last";
    IdleEphemeralSession => "idle_ephemeral_session_lifetime", Idle,
        "how long a non-persistent session may stay unused";
}

/// A lifetime's minutes attribute (usable in constants).
pub const fn minutes_attr(l: Lifetime) -> &'static str {
    pair(l).minutes_attr
}

/// Every row, in the API's order.
pub fn pairs() -> impl Iterator<Item = &'static Pair> {
    Lifetime::ALL.into_iter().map(pair)
}

/// The cookie mode's row: its attribute. Its values are [`CookieMode`]'s.
pub const COOKIE_MODE_ATTR: &str = "session_cookie_mode";

/// What a cookie mode means, for the resource's description.
fn cookie_mode_meaning(mode: CookieMode) -> &'static str {
    match mode {
        CookieMode::Persistent => "the cookie outlives the browser session; Auth0's default",
        CookieMode::NonPersistent => "the ephemeral lifetimes apply",
    }
}

/// "`persistent` or `non-persistent`."
pub fn cookie_modes_described() -> String {
    let modes: Vec<String> = CookieMode::ALL
        .iter()
        .map(|m| format!("`{}`", m.as_str()))
        .collect();
    format!("{}.", modes.join(" or "))
}

/// Each cookie mode with its meaning, for the resource's description.
pub fn cookie_modes_explained() -> String {
    let modes: Vec<String> = CookieMode::ALL
        .iter()
        .map(|&m| format!("`{}` ({})", m.as_str(), cookie_mode_meaning(m)))
        .collect();
    modes.join(" or ")
}

/// A lifetime's two attributes in a model: hours and minutes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spellings {
    pub hours: Value<Number>,
    pub minutes: Value<Number>,
}

impl Spellings {
    /// The attribute written in `spelling`.
    pub fn get(&self, spelling: Spelling) -> &Value<Number> {
        match spelling {
            Spelling::Hours => &self.hours,
            Spelling::Minutes => &self.minutes,
        }
    }

    pub fn get_mut(&mut self, spelling: Spelling) -> &mut Value<Number> {
        match spelling {
            Spelling::Hours => &mut self.hours,
            Spelling::Minutes => &mut self.minutes,
        }
    }

    /// Both spellings from a number of minutes, in the provider's own notation (whole
    /// hours as integers).
    pub fn from_minutes(minutes: u32) -> Spellings {
        Spellings {
            hours: Value::Value(Spelling::Hours.number(minutes)),
            minutes: Value::Value(Spelling::Minutes.number(minutes)),
        }
    }

    /// The minutes the pair stands for, from whichever spelling holds a value.
    pub fn minutes_value(&self) -> Option<u32> {
        match (&self.minutes, &self.hours) {
            (Value::Value(m), _) => Spelling::Minutes.minutes_in(m),
            (_, Value::Value(h)) => Spelling::Hours.minutes_in(h),
            _ => None,
        }
    }

    /// Neither spelling holds anything.
    pub fn is_null(&self) -> bool {
        self.hours.is_null() && self.minutes.is_null()
    }
}

/// Writes every lifetime's two attributes, in the table's order.
pub fn serialize_lifetimes<S: SerializeStruct>(
    st: &mut S,
    lifetimes: &PerLifetime<Spellings>,
) -> Result<(), S::Error> {
    for (l, s) in lifetimes.iter() {
        let p = pair(l);
        st.serialize_field(p.hours_attr, &s.hours)?;
        st.serialize_field(p.minutes_attr, &s.minutes)?;
    }
    Ok(())
}

/// The number of attributes the lifetimes make.
pub const LIFETIME_ATTR_COUNT: usize = 2 * Lifetime::COUNT;

/// An attribute name in a model's map: a lifetime's, one of the model's own (`K`), or one
/// the model does not know (skipped, as the derived deserializers did).
pub enum Field<K> {
    Lifetime(Lifetime, Spelling),
    Own(K),
    Unknown,
}

/// Reads a map key as a [`Field`], naming the model's own fields with `own`.
pub struct FieldSeed<K>(pub fn(&str) -> Option<K>);

impl<'de, K> DeserializeSeed<'de> for FieldSeed<K> {
    type Value = Field<K>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field<K>, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de, K> Visitor<'de> for FieldSeed<K> {
    type Value = Field<K>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an attribute name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Field<K>, E> {
        Ok(match (self.0)(name) {
            Some(k) => Field::Own(k),
            None => match lifetime_attr(name) {
                Some((l, s)) => Field::Lifetime(l, s),
                None => Field::Unknown,
            },
        })
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Field<K>, E> {
        match std::str::from_utf8(name) {
            Ok(name) => self.visit_str(name),
            Err(_) => Ok(Field::Unknown),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_match_their_lifetime() {
        for l in Lifetime::ALL {
            let p = pair(l);
            assert_eq!(p.lifetime, l);
            assert_eq!(p.attr(Spelling::Hours), p.hours_attr);
            assert_eq!(p.attr(Spelling::Minutes), p.minutes_attr);
            assert_eq!(p.minutes_attr, format!("{}_in_minutes", p.hours_attr));
            assert_eq!(lifetime_attr(p.hours_attr), Some((l, Spelling::Hours)));
            assert_eq!(lifetime_attr(p.minutes_attr), Some((l, Spelling::Minutes)));
        }
        assert_eq!(lifetime_attr(COOKIE_MODE_ATTR), None);
        assert_eq!(pairs().count(), Lifetime::COUNT);
    }

    #[test]
    fn spellings_read_whichever_is_set() {
        let s = Spellings::from_minutes(90);
        assert_eq!(s.hours, Value::Value(Number::Float(1.5)));
        assert_eq!(s.minutes_value(), Some(90));
        let hours_only = Spellings {
            hours: Value::Value(Number::Int(2)),
            minutes: Value::Null,
        };
        assert_eq!(hours_only.minutes_value(), Some(120));
        assert!(Spellings::default().is_null());
        assert!(!hours_only.is_null());
    }
}
