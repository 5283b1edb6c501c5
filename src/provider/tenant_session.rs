//! The `auth0_tenant_session` resource: a tenant's session lifetimes, exactly as the
//! configuration says, one API call per change.
//!
//! Each lifetime has two spellings, hours (`session_lifetime`) and whole minutes
//! (`session_lifetime_in_minutes`). At most one is configured; the other is computed from
//! it. Values are compared at minute precision (168 = 168.0 = 10080 minutes), and the
//! spelling the user wrote is kept in state so a plan never shows a change that is only a
//! matter of notation.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use super::lifetimes::{self, LifetimeKind, TenantPlan, PAIRS};
use super::schema::{Attr, BlockSchema, Mode, Ty};
use crate::auth0::{CookieMode, Minutes, SessionSettings, SessionUpdate};
use crate::protocol::codec::Number;
use crate::protocol::diagnostics::{attr_error, attr_warning, error, warning};
use crate::protocol::tfplugin6::Diagnostic;

pub const TYPE_NAME: &str = "auth0_tenant_session";
pub const SCHEMA_VERSION: i64 = 0;

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
}

/// Hours and minutes of one lifetime, borrowed from a model.
pub struct PairRef<'a> {
    pub hours: &'a Value<Number>,
    pub minutes: &'a Value<Number>,
}

impl SessionModel {
    pub fn pair(&self, i: usize) -> PairRef<'_> {
        let (hours, minutes) = match i {
            0 => (&self.session_lifetime, &self.session_lifetime_in_minutes),
            1 => (
                &self.idle_session_lifetime,
                &self.idle_session_lifetime_in_minutes,
            ),
            2 => (
                &self.ephemeral_session_lifetime,
                &self.ephemeral_session_lifetime_in_minutes,
            ),
            _ => (
                &self.idle_ephemeral_session_lifetime,
                &self.idle_ephemeral_session_lifetime_in_minutes,
            ),
        };
        PairRef { hours, minutes }
    }

    pub fn set_pair(&mut self, i: usize, hours: Value<Number>, minutes: Value<Number>) {
        let (h, m) = match i {
            0 => (
                &mut self.session_lifetime,
                &mut self.session_lifetime_in_minutes,
            ),
            1 => (
                &mut self.idle_session_lifetime,
                &mut self.idle_session_lifetime_in_minutes,
            ),
            2 => (
                &mut self.ephemeral_session_lifetime,
                &mut self.ephemeral_session_lifetime_in_minutes,
            ),
            _ => (
                &mut self.idle_ephemeral_session_lifetime,
                &mut self.idle_ephemeral_session_lifetime_in_minutes,
            ),
        };
        *h = hours;
        *m = minutes;
    }

    /// The minutes this model's pair stands for, from whichever spelling holds a value.
    pub fn pair_minutes(&self, i: usize) -> Option<u32> {
        let p = self.pair(i);
        match (p.minutes, p.hours) {
            (Value::Value(m), _) => lifetimes::stored_minutes(m),
            (_, Value::Value(h)) => lifetimes::stored_hours_minutes(h),
            _ => None,
        }
    }

    fn cookie(&self) -> Option<CookieMode> {
        match &self.session_cookie_mode {
            Value::Value(s) => s.parse().ok(),
            _ => None,
        }
    }
}

fn minutes_of(s: &SessionSettings, i: usize) -> u32 {
    let m: Minutes = match i {
        0 => s.session_lifetime,
        1 => s.idle_session_lifetime,
        2 => s.ephemeral_session_lifetime,
        _ => s.idle_ephemeral_session_lifetime,
    };
    m.0
}

fn set_update(u: &mut SessionUpdate, i: usize, minutes: u32) {
    let slot = match i {
        0 => &mut u.session_lifetime,
        1 => &mut u.idle_session_lifetime,
        2 => &mut u.ephemeral_session_lifetime,
        _ => &mut u.idle_ephemeral_session_lifetime,
    };
    *slot = Some(Minutes(minutes));
}

pub fn schema() -> BlockSchema {
    let mut attrs = vec![Attr::new(
        "id",
        Ty::String,
        Mode::Computed,
        "The tenant's domain (host[:port]); the tenant has exactly one set of session settings.",
    )];
    for p in PAIRS {
        attrs.push(Attr::new(
            p.hours_attr,
            Ty::Number,
            Mode::OptionalComputed,
            format!(
                "Hours: {}. Fractions are allowed when they are a whole number of minutes (`0.5`, `181/60`). \
                 Minimum 1 minute, maximum 8760 hours. Conflicts with `{}`; when unset it is computed \
                 from `{}` or read from the tenant.",
                p.what, p.minutes_attr, p.minutes_attr
            ),
        ));
        attrs.push(Attr::new(
            p.minutes_attr,
            Ty::Number,
            Mode::OptionalComputed,
            format!(
                "The same lifetime as `{}`, in whole minutes (1 to 525600). Conflicts with `{}`; when unset \
                 it is computed from `{}` or read from the tenant.",
                p.hours_attr, p.hours_attr, p.hours_attr
            ),
        ));
    }
    attrs.push(Attr::new(
        "session_cookie_mode",
        Ty::String,
        Mode::OptionalComputed,
        "`persistent` (the cookie outlives the browser session; Auth0's default) or `non-persistent` \
         (the ephemeral lifetimes apply). Read from the tenant when unset.",
    ));
    attrs.push(Attr::new(
        "restore_on_destroy",
        Ty::Bool,
        Mode::OptionalComputed,
        "Default `false`: destroying the resource only removes it from Terraform state and leaves the \
         tenant as it is. When `true`, destroy puts back the session settings the tenant had before \
         this resource first managed it (recorded at create or import).",
    ));
    BlockSchema {
        version: SCHEMA_VERSION,
        description: "The session lifetimes of an Auth0 tenant (`PATCH /api/v2/tenants/settings`). \
            One per tenant. Lifetimes can be written in hours or in minutes; unset ones are read from \
            the tenant and left alone."
            .into(),
        attrs,
    }
}

/// Rules a configuration must meet. Unknown values are checked once they are known (at
/// apply). `plan` is the tenant plan for system-limit warnings, if the provider knows it.
pub fn validate(cfg: &SessionModel, plan: Option<TenantPlan>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut minutes: [Option<u32>; 4] = [None; 4];
    for (i, p) in PAIRS.iter().enumerate() {
        let pair = cfg.pair(i);
        if let (Value::Value(h), Value::Value(m)) = (pair.hours, pair.minutes) {
            diags.push(attr_error(
                p.minutes_attr,
                format!("Set {} or {}, not both", p.hours_attr, p.minutes_attr),
                format!(
                    "{} = {} and {} = {} are two spellings of one lifetime (hours and minutes). Keep \
                     the one you prefer; the other is computed from it.",
                    p.hours_attr,
                    h.display(),
                    p.minutes_attr,
                    m.display()
                ),
            ));
            continue;
        }
        let checked = match (pair.hours, pair.minutes) {
            (Value::Value(h), _) => {
                Some((p.hours_attr, lifetimes::hours_to_minutes(p.hours_attr, h)))
            }
            (_, Value::Value(m)) => {
                Some((p.minutes_attr, lifetimes::minutes_value(p.minutes_attr, m)))
            }
            _ => None,
        };
        match checked {
            Some((attr, Ok(m))) => {
                minutes[i] = Some(m);
                if let Some(w) = lifetimes::plan_limit_warning(attr, p.kind, m, plan) {
                    diags.push(attr_warning(attr, w.summary, w.detail));
                }
            }
            Some((attr, Err(e))) => diags.push(attr_error(attr, e.summary, e.detail)),
            None => {}
        }
    }
    // Idle longer than absolute means the idle limit can never be reached.
    for (idle, abs) in [(1usize, 0usize), (3, 2)] {
        if let (Some(i), Some(a)) = (minutes[idle], minutes[abs]) {
            if i > a {
                let attr = configured_attr(cfg, idle);
                diags.push(attr_warning(
                    attr,
                    "Idle lifetime longer than the absolute lifetime",
                    format!(
                        "{} ({i} min) is longer than {} ({a} min): sessions end at the absolute lifetime \
                         first, so the idle setting has no effect.",
                        PAIRS[idle].hours_attr, PAIRS[abs].hours_attr
                    ),
                ));
            }
        }
    }
    debug_assert_eq!(PAIRS[1].kind, LifetimeKind::Idle);
    if let Value::Value(mode) = &cfg.session_cookie_mode {
        if mode.parse::<CookieMode>().is_err() {
            diags.push(attr_error(
                "session_cookie_mode",
                "Invalid session_cookie_mode",
                format!("session_cookie_mode = {mode:?}: expected \"persistent\" or \"non-persistent\"."),
            ));
        }
    }
    diags
}

fn configured_attr(cfg: &SessionModel, i: usize) -> &'static str {
    if cfg.pair(i).minutes.is_value() {
        PAIRS[i].minutes_attr
    } else {
        PAIRS[i].hours_attr
    }
}

/// Minutes the configuration asks for in pair `i`: Ok(None) when it leaves the pair alone,
/// Err when it is unknown or invalid.
fn configured_minutes(cfg: &SessionModel, i: usize) -> Result<Option<u32>, ()> {
    let p = cfg.pair(i);
    match (p.hours, p.minutes) {
        (Value::Unknown, _) | (_, Value::Unknown) => Err(()),
        (Value::Value(h), Value::Null) => lifetimes::hours_to_minutes(PAIRS[i].hours_attr, h)
            .map(Some)
            .map_err(|_| ()),
        (Value::Null, Value::Value(m)) => lifetimes::minutes_value(PAIRS[i].minutes_attr, m)
            .map(Some)
            .map_err(|_| ()),
        (Value::Null, Value::Null) => Ok(None),
        (Value::Value(_), Value::Value(_)) => Err(()),
    }
}

/// PlanResourceChange for create and update (destroy plans are null and handled by the
/// caller). `domain` is the configured tenant, when known.
pub fn plan(
    prior: Option<&SessionModel>,
    cfg: &SessionModel,
    domain: Option<&str>,
) -> (SessionModel, Vec<Diagnostic>) {
    let diags = Vec::new();
    let mut planned = SessionModel {
        id: match prior.map(|p| &p.id) {
            Some(Value::Value(id)) => Value::Value(id.clone()),
            _ => domain.map_or(Value::Unknown, |d| Value::Value(d.to_string())),
        },
        ..SessionModel::default()
    };
    for i in 0..PAIRS.len() {
        let c = cfg.pair(i);
        let (h, m) = match (c.hours, c.minutes) {
            (Value::Value(h), Value::Null) => {
                let want = lifetimes::stored_hours_minutes(h);
                let twin = match prior {
                    Some(p) if want.is_some() && p.pair_minutes(i) == want => {
                        p.pair(i).minutes.clone()
                    }
                    _ => want.map_or(Value::Unknown, |w| {
                        Value::Value(lifetimes::minutes_number(w))
                    }),
                };
                (Value::Value(h.clone()), twin)
            }
            (Value::Null, Value::Value(m)) => {
                let want = lifetimes::stored_minutes(m);
                let twin = match prior {
                    Some(p) if want.is_some() && p.pair_minutes(i) == want => {
                        p.pair(i).hours.clone()
                    }
                    _ => want.map_or(Value::Unknown, |w| {
                        Value::Value(lifetimes::canonical_hours(w))
                    }),
                };
                (twin, Value::Value(m.clone()))
            }
            (Value::Null, Value::Null) => match prior {
                // Not managed: whatever the tenant holds stays.
                Some(p) => (p.pair(i).hours.clone(), p.pair(i).minutes.clone()),
                None => (Value::Unknown, Value::Unknown),
            },
            // Unknown in configuration (from another resource), or both set (already an
            // error from validation): decided at apply.
            (h, m) => (
                if h.is_value() {
                    h.clone()
                } else {
                    Value::Unknown
                },
                if m.is_value() {
                    m.clone()
                } else {
                    Value::Unknown
                },
            ),
        };
        planned.set_pair(i, h, m);
    }
    planned.session_cookie_mode = match (&cfg.session_cookie_mode, prior) {
        (Value::Value(v), _) => Value::Value(v.clone()),
        (Value::Unknown, _) => Value::Unknown,
        (Value::Null, Some(p)) => p.session_cookie_mode.clone(),
        (Value::Null, None) => Value::Unknown,
    };
    planned.restore_on_destroy = match &cfg.restore_on_destroy {
        Value::Null => Value::Value(false),
        v => *v,
    };
    (planned, diags)
}

/// What the tenant held before this resource first managed it (private state).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Originals {
    pub minutes: [u32; 4],
    pub cookie_mode: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrivateState {
    #[serde(default)]
    pub originals: Option<Originals>,
}

impl PrivateState {
    pub fn decode(bytes: &[u8]) -> PrivateState {
        if bytes.is_empty() {
            return PrivateState::default();
        }
        serde_json::from_slice(bytes).unwrap_or_default()
    }
    pub fn encode(&self) -> Vec<u8> {
        if self.originals.is_none() {
            return Vec::new();
        }
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl Originals {
    pub fn from_settings(s: &SessionSettings) -> Originals {
        Originals {
            minutes: [0, 1, 2, 3].map(|i| minutes_of(s, i)),
            cookie_mode: s.cookie_mode.as_str().to_string(),
        }
    }
    pub fn from_state(st: &SessionModel) -> Option<Originals> {
        let mut minutes = [0u32; 4];
        for (i, slot) in minutes.iter_mut().enumerate() {
            *slot = st.pair_minutes(i)?;
        }
        Some(Originals {
            minutes,
            cookie_mode: match &st.session_cookie_mode {
                Value::Value(v) => v.clone(),
                _ => return None,
            },
        })
    }
}

/// The PATCH that creates (takes ownership of) the settings: every configured field.
pub fn create_update(cfg: &SessionModel) -> SessionUpdate {
    let mut u = SessionUpdate::default();
    for i in 0..PAIRS.len() {
        if let Ok(Some(m)) = configured_minutes(cfg, i) {
            set_update(&mut u, i, m);
        }
    }
    u.cookie_mode = cfg.cookie();
    u
}

/// The PATCH for an update: only what the plan changes.
pub fn change_update(prior: &SessionModel, planned: &SessionModel) -> SessionUpdate {
    let mut u = SessionUpdate::default();
    for i in 0..PAIRS.len() {
        if let Some(want) = planned.pair_minutes(i) {
            if prior.pair_minutes(i) != Some(want) {
                set_update(&mut u, i, want);
            }
        }
    }
    if let Some(mode) = planned.cookie() {
        if prior.cookie() != Some(mode) {
            u.cookie_mode = Some(mode);
        }
    }
    u
}

/// The PATCH that restores the originals: only fields that differ now.
pub fn restore_update(current: &SessionModel, originals: &Originals) -> SessionUpdate {
    let mut u = SessionUpdate::default();
    for i in 0..PAIRS.len() {
        if current.pair_minutes(i) != Some(originals.minutes[i]) {
            set_update(&mut u, i, originals.minutes[i]);
        }
    }
    if let Ok(mode) = originals.cookie_mode.parse::<CookieMode>() {
        if current.cookie() != Some(mode) {
            u.cookie_mode = Some(mode);
        }
    }
    u
}

/// New state after apply: the planned values where the tenant holds them, the tenant's
/// values where the plan left them unknown, and an error where the tenant holds
/// something else than planned (the state then tells the truth).
pub fn state_after_apply(
    planned: &SessionModel,
    cfg: Option<&SessionModel>,
    actual: &SessionSettings,
    domain: &str,
) -> (SessionModel, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut st = planned.clone();
    if !st.id.is_value() {
        st.id = Value::Value(domain.to_string());
    }
    for (i, p) in PAIRS.iter().enumerate() {
        let got = minutes_of(actual, i);
        let pair = planned.pair(i);
        let expected = planned.pair_minutes(i);
        match expected {
            Some(want) if want == got => {
                let h = fill(pair.hours, || lifetimes::canonical_hours(got));
                let m = fill(pair.minutes, || lifetimes::minutes_number(got));
                st.set_pair(i, h, m);
            }
            Some(want) => {
                diags.push(attr_error(
                    configured_attr(cfg.unwrap_or(planned), i),
                    format!("Auth0 stored a different {}", p.hours_attr),
                    format!(
                        "The plan set {} to {want} minutes, but the tenant now holds {got} minutes \
                         (Auth0 may cap values at your plan's system limit). The state records what \
                         the tenant holds.",
                        p.hours_attr
                    ),
                ));
                st.set_pair(
                    i,
                    Value::Value(lifetimes::canonical_hours(got)),
                    Value::Value(lifetimes::minutes_number(got)),
                );
            }
            None => st.set_pair(
                i,
                Value::Value(lifetimes::canonical_hours(got)),
                Value::Value(lifetimes::minutes_number(got)),
            ),
        }
    }
    let got_mode = actual.cookie_mode.as_str().to_string();
    match &planned.session_cookie_mode {
        Value::Value(want) if *want != got_mode => {
            diags.push(attr_error(
                "session_cookie_mode",
                "Auth0 stored a different session_cookie_mode",
                format!("The plan set {want:?}, the tenant holds {got_mode:?}."),
            ));
            st.session_cookie_mode = Value::Value(got_mode);
        }
        Value::Value(_) => {}
        _ => st.session_cookie_mode = Value::Value(got_mode),
    }
    if !st.restore_on_destroy.is_value() {
        st.restore_on_destroy = Value::Value(false);
    }
    (st, diags)
}

/// Unknown becomes the derived value; null and known values stay as planned.
fn fill(v: &Value<Number>, derive: impl FnOnce() -> Number) -> Value<Number> {
    match v {
        Value::Unknown => Value::Value(derive()),
        other => other.clone(),
    }
}

/// ReadResource: the tenant's values, in the spelling already in state where they agree.
pub fn state_after_read(
    prior: &SessionModel,
    actual: &SessionSettings,
    domain: &str,
) -> SessionModel {
    let mut st = prior.clone();
    if !st.id.is_value() {
        st.id = Value::Value(domain.to_string());
    }
    for i in 0..PAIRS.len() {
        let got = minutes_of(actual, i);
        if prior.pair_minutes(i) != Some(got) {
            st.set_pair(
                i,
                Value::Value(lifetimes::canonical_hours(got)),
                Value::Value(lifetimes::minutes_number(got)),
            );
        }
    }
    st.session_cookie_mode = Value::Value(actual.cookie_mode.as_str().to_string());
    if !st.restore_on_destroy.is_value() {
        st.restore_on_destroy = Value::Value(false);
    }
    st
}

/// ImportResourceState: each lifetime in its natural spelling only (whole hours as hours,
/// anything else as minutes), so `-generate-config-out` writes a config that plans clean.
pub fn state_from_import(actual: &SessionSettings, domain: &str) -> SessionModel {
    let mut st = SessionModel {
        id: Value::Value(domain.to_string()),
        session_cookie_mode: Value::Value(actual.cookie_mode.as_str().to_string()),
        restore_on_destroy: Value::Value(false),
        ..SessionModel::default()
    };
    for i in 0..PAIRS.len() {
        let got = minutes_of(actual, i);
        if got % 60 == 0 {
            st.set_pair(
                i,
                Value::Value(lifetimes::canonical_hours(got)),
                Value::Null,
            );
        } else {
            st.set_pair(i, Value::Null, Value::Value(lifetimes::minutes_number(got)));
        }
    }
    st
}

/// UpgradeResourceState: state JSON of any earlier schema version, as the current model.
pub fn upgrade(version: i64, json: &[u8]) -> Result<SessionModel, Diagnostic> {
    match version {
        // Version 0 is the current schema. Future versions add a migration step here and
        // fall through to the newer shape.
        0 => crate::protocol::codec::decode_json::<SessionModel>(json).map_err(|e| {
            error(
                "Unreadable auth0_tenant_session state",
                format!("The stored state could not be read as schema version 0: {e}"),
            )
        }),
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

/// The warning destroy gives when it only forgets the resource.
pub fn forget_warning() -> Diagnostic {
    warning(
        "auth0_tenant_session removed from state only",
        "The tenant keeps its current session settings: destroying this resource does not change Auth0. \
         Set restore_on_destroy = true to put back the settings the tenant had before Terraform managed them.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth0::CookieMode;

    fn n(v: i64) -> Value<Number> {
        Value::Value(Number::Int(v))
    }

    fn settings(m: [u32; 4]) -> SessionSettings {
        SessionSettings {
            session_lifetime: Minutes(m[0]),
            idle_session_lifetime: Minutes(m[1]),
            ephemeral_session_lifetime: Minutes(m[2]),
            idle_ephemeral_session_lifetime: Minutes(m[3]),
            cookie_mode: CookieMode::Persistent,
        }
    }

    fn attrs(d: &[Diagnostic]) -> Vec<String> {
        use crate::protocol::tfplugin6::attribute_path::step::Selector;
        d.iter()
            .filter_map(|d| d.attribute.as_ref())
            .filter_map(|p| match &p.steps[0].selector {
                Some(Selector::AttributeName(n)) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn both_twins_is_an_error_on_the_minutes_attribute() {
        let cfg = SessionModel {
            session_lifetime: n(168),
            session_lifetime_in_minutes: n(10080),
            ..Default::default()
        };
        let d = validate(&cfg, None);
        assert_eq!(attrs(&d), vec!["session_lifetime_in_minutes"]);
    }

    #[test]
    fn unknown_values_are_not_judged_yet() {
        let cfg = SessionModel {
            session_lifetime: Value::Unknown,
            ..Default::default()
        };
        assert!(validate(&cfg, None).is_empty());
    }

    #[test]
    fn idle_longer_than_absolute_warns() {
        let cfg = SessionModel {
            session_lifetime: n(10),
            idle_session_lifetime: n(20),
            ..Default::default()
        };
        let d = validate(&cfg, Some(TenantPlan::Enterprise));
        assert_eq!(attrs(&d), vec!["idle_session_lifetime"]);
        assert!(!crate::protocol::diagnostics::has_errors(&d));
    }

    #[test]
    fn bad_cookie_mode() {
        let cfg = SessionModel {
            session_cookie_mode: Value::Value("sometimes".into()),
            ..Default::default()
        };
        assert_eq!(attrs(&validate(&cfg, None)), vec!["session_cookie_mode"]);
    }

    #[test]
    fn create_plan_derives_twins_and_leaves_unmanaged_unknown() {
        let cfg = SessionModel {
            session_lifetime: Value::Value(Number::Float(1.5)),
            idle_session_lifetime_in_minutes: n(90),
            ..Default::default()
        };
        let (p, d) = plan(None, &cfg, Some("t.example"));
        assert!(d.is_empty());
        assert_eq!(p.session_lifetime_in_minutes, n(90));
        assert_eq!(p.idle_session_lifetime, Value::Value(Number::Float(1.5)));
        assert!(p.ephemeral_session_lifetime.is_unknown());
        assert!(p.session_cookie_mode.is_unknown());
        assert_eq!(p.restore_on_destroy, Value::Value(false));
        assert_eq!(p.id, Value::Value("t.example".into()));
    }

    #[test]
    fn plan_is_a_noop_when_notation_differs_only() {
        // State from an earlier apply of `session_lifetime = 168`.
        let (prior, _) = state_after_apply(
            &plan(
                None,
                &SessionModel {
                    session_lifetime: n(168),
                    ..Default::default()
                },
                Some("t"),
            )
            .0,
            None,
            &settings([10080, 4320, 4320, 1440]),
            "t",
        );
        // The user switches to minutes: nothing changes.
        let cfg = SessionModel {
            session_lifetime_in_minutes: n(10080),
            ..Default::default()
        };
        let (p, _) = plan(Some(&prior), &cfg, Some("t"));
        assert_eq!(p.session_lifetime, prior.session_lifetime);
        assert_eq!(
            p.session_lifetime_in_minutes,
            prior.session_lifetime_in_minutes
        );
        assert!(change_update(&prior, &p).is_empty());
    }

    #[test]
    fn update_sends_only_changed_fields() {
        let prior = state_after_read(
            &SessionModel::default(),
            &settings([10080, 4320, 4320, 1440]),
            "t",
        );
        let cfg = SessionModel {
            session_lifetime: n(168),
            idle_session_lifetime_in_minutes: n(90),
            ..Default::default()
        };
        let (p, _) = plan(Some(&prior), &cfg, Some("t"));
        let u = change_update(&prior, &p);
        assert_eq!(u.session_lifetime, None);
        assert_eq!(u.idle_session_lifetime, Some(Minutes(90)));
        assert_eq!(u.ephemeral_session_lifetime, None);
        assert_eq!(u.cookie_mode, None);
    }

    #[test]
    fn create_sends_every_configured_field() {
        let cfg = SessionModel {
            session_lifetime: n(168),
            session_cookie_mode: Value::Value("non-persistent".into()),
            ..Default::default()
        };
        let u = create_update(&cfg);
        assert_eq!(u.session_lifetime, Some(Minutes(10080)));
        assert_eq!(u.idle_session_lifetime, None);
        assert_eq!(u.cookie_mode, Some(CookieMode::NonPersistent));
    }

    #[test]
    fn apply_reports_a_capped_value_and_records_the_truth() {
        let cfg = SessionModel {
            idle_session_lifetime: n(100),
            ..Default::default()
        };
        let (p, _) = plan(None, &cfg, Some("t"));
        let (st, d) =
            state_after_apply(&p, Some(&cfg), &settings([10080, 72 * 60, 4320, 1440]), "t");
        assert_eq!(attrs(&d), vec!["idle_session_lifetime"]);
        assert_eq!(st.idle_session_lifetime, n(72));
    }

    #[test]
    fn drift_is_read_back() {
        let prior = state_after_read(
            &SessionModel::default(),
            &settings([10080, 4320, 4320, 1440]),
            "t",
        );
        let st = state_after_read(&prior, &settings([181, 4320, 4320, 1440]), "t");
        assert_eq!(
            st.session_lifetime,
            Value::Value(Number::Float(181.0 / 60.0))
        );
        assert_eq!(st.session_lifetime_in_minutes, n(181));
        assert_eq!(st.idle_session_lifetime, prior.idle_session_lifetime);
    }

    #[test]
    fn import_uses_natural_spelling_and_generated_config_plans_clean() {
        let st = state_from_import(&settings([10080, 181, 4320, 15]), "t");
        assert_eq!(st.session_lifetime, n(168));
        assert!(st.session_lifetime_in_minutes.is_null());
        assert!(st.idle_session_lifetime.is_null());
        assert_eq!(st.idle_session_lifetime_in_minutes, n(181));
        // The config Terraform generates holds the non-null optional values.
        let generated = SessionModel {
            session_lifetime: n(168),
            idle_session_lifetime_in_minutes: n(181),
            ephemeral_session_lifetime: n(72),
            idle_ephemeral_session_lifetime_in_minutes: n(15),
            session_cookie_mode: Value::Value("persistent".into()),
            restore_on_destroy: Value::Value(false),
            ..Default::default()
        };
        assert!(validate(&generated, None).is_empty());
        let (p, _) = plan(Some(&st), &generated, Some("t"));
        assert_eq!(p, st);
    }

    #[test]
    fn restore_puts_back_only_what_changed() {
        let before = settings([10080, 4320, 4320, 1440]);
        let o = Originals::from_settings(&before);
        let now = state_after_read(
            &SessionModel::default(),
            &settings([60, 4320, 4320, 1440]),
            "t",
        );
        let u = restore_update(&now, &o);
        assert_eq!(u.session_lifetime, Some(Minutes(10080)));
        assert_eq!(u.idle_session_lifetime, None);
        let p = PrivateState {
            originals: Some(o.clone()),
        };
        assert_eq!(PrivateState::decode(&p.encode()).originals, Some(o));
        assert_eq!(PrivateState::decode(b"junk"), PrivateState::default());
    }

    #[test]
    fn upgrade_paths() {
        let st = upgrade(
            0,
            br#"{"id":"t","session_lifetime":168,"restore_on_destroy":false}"#,
        )
        .unwrap();
        assert_eq!(st.session_lifetime, n(168));
        assert!(upgrade(1, b"{}").is_err());
        assert!(upgrade(0, b"not json").is_err());
    }
}
