//! A tenant that can disagree: what real tenants do that a provider must survive, switched
//! on through the control API (`PUT /__control/disagreement`) or
//! [`crate::LocalTenant::set_disagreement`]. Off by default: the tenant then stores and
//! answers exactly what was sent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::state::SESSION_FIELDS;

/// One of the four session lifetimes, by the name of its hours field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifetime {
    SessionLifetime,
    IdleSessionLifetime,
    EphemeralSessionLifetime,
    IdleEphemeralSessionLifetime,
}

impl Lifetime {
    pub const ALL: [Lifetime; 4] = [
        Lifetime::SessionLifetime,
        Lifetime::IdleSessionLifetime,
        Lifetime::EphemeralSessionLifetime,
        Lifetime::IdleEphemeralSessionLifetime,
    ];

    /// Its place in the crate's `[_; 4]` arrays (`SESSION_FIELDS` order).
    pub(crate) fn index(self) -> usize {
        match self {
            Lifetime::SessionLifetime => 0,
            Lifetime::IdleSessionLifetime => 1,
            Lifetime::EphemeralSessionLifetime => 2,
            Lifetime::IdleEphemeralSessionLifetime => 3,
        }
    }

    /// The API's name of its hours field, e.g. `session_lifetime`.
    pub fn hours_field(self) -> &'static str {
        SESSION_FIELDS[self.index()]
    }
}

/// How the tenant departs from storing and answering exactly what was sent. Every map is
/// keyed by lifetime; an absent key leaves that lifetime alone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disagreement {
    /// A plan's system limits, in minutes. Auth0's documentation says of the session
    /// settings: "Will be superseded by system limits if over 4,320 minutes (3 days) for
    /// Essential or Professional" (idle) and "43,200 minutes (30 days)" (absolute). A
    /// larger value sent is accepted (200) but stored, and answered, as the limit.
    #[serde(default)]
    pub system_limits: BTreeMap<Lifetime, u32>,
    /// The API's maximum, in hours, in place of 8,760 h (the minutes field's maximum is 60
    /// times it): a larger value is refused with Auth0's 400 "Value N is greater than
    /// maximum M".
    #[serde(default)]
    pub maximum_hours: BTreeMap<Lifetime, u32>,
    /// Values, in minutes, that PATCH answers report in place of what was stored (the
    /// store, and so every later GET, keeps the truth).
    #[serde(default)]
    pub patch_answers: BTreeMap<Lifetime, u32>,
}

impl Disagreement {
    /// The minutes stored for `sent` minutes of `lifetime`.
    pub(crate) fn stored(&self, lifetime: Lifetime, sent: u32) -> u32 {
        match self.system_limits.get(&lifetime) {
            Some(&limit) => sent.min(limit),
            None => sent,
        }
    }

    /// The API's maximum for `lifetime`'s hours field, given the default `max_hours`.
    pub(crate) fn maximum_hours(&self, lifetime: Lifetime, max_hours: u64) -> u64 {
        self.maximum_hours
            .get(&lifetime)
            .map_or(max_hours, |&h| u64::from(h))
    }

    /// The minutes a PATCH answer reports for `lifetime`, given what was stored.
    pub(crate) fn answered(&self, lifetime: Lifetime, stored: u32) -> u32 {
        self.patch_answers.get(&lifetime).copied().unwrap_or(stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_by_default() {
        let d = Disagreement::default();
        for l in Lifetime::ALL {
            assert_eq!(d.stored(l, 999_999), 999_999);
            assert_eq!(d.answered(l, 5), 5);
            assert_eq!(d.maximum_hours(l, 8760), 8760);
        }
    }

    #[test]
    fn limits_supersede_larger_values_only() {
        let d: Disagreement =
            serde_json::from_str(r#"{"system_limits": {"idle_session_lifetime": 4320}}"#).unwrap();
        assert_eq!(d.stored(Lifetime::IdleSessionLifetime, 10_000), 4320);
        assert_eq!(d.stored(Lifetime::IdleSessionLifetime, 60), 60);
        assert_eq!(d.stored(Lifetime::SessionLifetime, 10_000), 10_000);
    }

    #[test]
    fn unknown_lifetimes_and_keys_are_refused() {
        assert!(serde_json::from_str::<Disagreement>(r#"{"system_limits": {"nap": 1}}"#).is_err());
        assert!(serde_json::from_str::<Disagreement>(r#"{"limits": {}}"#).is_err());
    }

    #[test]
    fn names_follow_the_api() {
        for l in Lifetime::ALL {
            let json = serde_json::to_value(l).unwrap();
            assert_eq!(json, serde_json::json!(l.hours_field()));
        }
    }
}
