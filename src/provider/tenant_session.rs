//! The `auth0_tenant_session` resource: a tenant's session lifetimes, exactly as the
//! configuration says, one API call per change.
//!
//! Each lifetime has two spellings, hours (`session_lifetime`) and whole minutes
//! (`session_lifetime_in_minutes`). At most one is configured; the other is computed from
//! it. Values are compared at minute precision (168 = 168.0 = 10080 minutes), and the
//! spelling the user wrote is kept in state so a plan never shows a change that is only a
//! matter of notation.
//!
//! The resource's identity is its tenant (`id`, the provider's domain). What the tenant
//! held before Terraform managed it is kept in state (`original_settings`), where every
//! plan and apply path can see it, so that `restore_on_destroy` puts back the right values
//! in the right tenant.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use super::lifetimes::{self, absolute_of, pair, Echo, Lifetime, TenantPlan, PAIRS};
use super::schema::{Attr, BlockSchema, Mode, Ty};
use crate::auth0::{CookieMode, Minutes, SessionSettings, SessionUpdate};
use crate::protocol::codec::Number;
use crate::protocol::diagnostics::{attr_error, attr_warning, error, warning};
use crate::protocol::tfplugin6::Diagnostic;

pub const TYPE_NAME: &str = "auth0_tenant_session";
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

impl SessionModel {
    pub fn hours(&self, l: Lifetime) -> &Value<Number> {
        match l {
            Lifetime::Session => &self.session_lifetime,
            Lifetime::IdleSession => &self.idle_session_lifetime,
            Lifetime::EphemeralSession => &self.ephemeral_session_lifetime,
            Lifetime::IdleEphemeralSession => &self.idle_ephemeral_session_lifetime,
        }
    }

    pub fn minutes(&self, l: Lifetime) -> &Value<Number> {
        match l {
            Lifetime::Session => &self.session_lifetime_in_minutes,
            Lifetime::IdleSession => &self.idle_session_lifetime_in_minutes,
            Lifetime::EphemeralSession => &self.ephemeral_session_lifetime_in_minutes,
            Lifetime::IdleEphemeralSession => &self.idle_ephemeral_session_lifetime_in_minutes,
        }
    }

    pub fn set_pair(&mut self, l: Lifetime, hours: Value<Number>, minutes: Value<Number>) {
        let (h, m) = match l {
            Lifetime::Session => (
                &mut self.session_lifetime,
                &mut self.session_lifetime_in_minutes,
            ),
            Lifetime::IdleSession => (
                &mut self.idle_session_lifetime,
                &mut self.idle_session_lifetime_in_minutes,
            ),
            Lifetime::EphemeralSession => (
                &mut self.ephemeral_session_lifetime,
                &mut self.ephemeral_session_lifetime_in_minutes,
            ),
            Lifetime::IdleEphemeralSession => (
                &mut self.idle_ephemeral_session_lifetime,
                &mut self.idle_ephemeral_session_lifetime_in_minutes,
            ),
        };
        *h = hours;
        *m = minutes;
    }

    /// Both spellings of a lifetime from a number of minutes, in the provider's own
    /// notation (whole hours as integers).
    fn set_minutes(&mut self, l: Lifetime, minutes: u32) {
        self.set_pair(
            l,
            Value::Value(lifetimes::canonical_hours(minutes)),
            Value::Value(lifetimes::minutes_number(minutes)),
        );
    }

    /// The minutes a lifetime stands for, from whichever spelling holds a value.
    pub fn pair_minutes(&self, l: Lifetime) -> Option<u32> {
        match (self.minutes(l), self.hours(l)) {
            (Value::Value(m), _) => lifetimes::stored_minutes(m),
            (_, Value::Value(h)) => lifetimes::stored_hours_minutes(h),
            _ => None,
        }
    }

    /// Neither spelling of the lifetime is configured: the tenant's value is left alone.
    fn unmanaged(&self, l: Lifetime) -> bool {
        self.hours(l).is_null() && self.minutes(l).is_null()
    }

    fn cookie(&self) -> Option<CookieMode> {
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

/// Whether two tenant ids (`host[:port]`) name the same tenant. Host names are not case
/// sensitive.
pub fn same_tenant(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
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

    /// The values a state records, when it records all of them.
    pub fn from_state(st: &SessionModel) -> Option<OriginalSettings> {
        let cookie: CookieMode = match &st.session_cookie_mode {
            Value::Value(v) => v.parse().ok()?,
            _ => return None,
        };
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
}

/// The originals as schema version 0 kept them in private state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegacyOriginals {
    pub minutes: [u32; 4],
    pub cookie_mode: String,
}

impl LegacyOriginals {
    pub fn upgraded(&self) -> OriginalSettings {
        OriginalSettings {
            session_lifetime_in_minutes: self.minutes[0],
            idle_session_lifetime_in_minutes: self.minutes[1],
            ephemeral_session_lifetime_in_minutes: self.minutes[2],
            idle_ephemeral_session_lifetime_in_minutes: self.minutes[3],
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
pub fn identity_schema() -> crate::protocol::tfplugin6::ResourceIdentitySchema {
    use crate::protocol::tfplugin6::resource_identity_schema::IdentityAttribute;
    crate::protocol::tfplugin6::ResourceIdentitySchema {
        version: 0,
        identity_attributes: vec![IdentityAttribute {
            name: "tenant_domain".into(),
            r#type: Ty::String.json(),
            required_for_import: true,
            optional_for_import: false,
            description: "The tenant's domain as configured in the provider (host[:port]), the \
                          same as the resource's `id`."
                .into(),
        }],
    }
}

pub fn schema() -> BlockSchema {
    let mut attrs = vec![Attr::new(
        "id",
        Ty::String,
        Mode::Computed,
        "The tenant's domain (host[:port]); the tenant has exactly one set of session settings. \
         When the provider is pointed at another tenant, a resource with `restore_on_destroy = true` \
         is refused (its original settings belong to this tenant); one without is replaced: this \
         tenant's object is forgotten and the other tenant's settings are taken over.",
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
         tenant as it is. When `true`, destroy puts back `original_settings`, the session settings the \
         tenant had before this resource first managed it.",
    ));
    attrs.push(Attr::new(
        "original_settings",
        Ty::Object(&OriginalSettings::ATTRIBUTES),
        Mode::Computed,
        "The session settings the tenant had before this resource first managed it, in minutes \
         (`session_lifetime_in_minutes`, `idle_session_lifetime_in_minutes`, \
         `ephemeral_session_lifetime_in_minutes`, `idle_ephemeral_session_lifetime_in_minutes`, \
         `session_cookie_mode`): what a destroy with `restore_on_destroy = true` puts back. Recorded at \
         create when `restore_on_destroy` is true (one extra read), at import, or when \
         `restore_on_destroy` is switched on (the values at that point); kept through taint, \
         `-replace`, failed creates and `moved` blocks. Null when none were recorded.",
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
/// apply). `plan` is the tenant plan for system-limit warnings, if the provider knows it;
/// `echo` says whether messages may repeat configured values.
pub fn validate(cfg: &SessionModel, plan: Option<TenantPlan>, echo: Echo) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut valid: Vec<(Lifetime, u32)> = Vec::new();
    for p in PAIRS {
        let l = p.lifetime;
        let checked = match (cfg.hours(l), cfg.minutes(l)) {
            (Value::Value(h), Value::Value(m)) => {
                let both = match echo {
                    Echo::Value => format!(
                        "{} = {} and {} = {} are",
                        p.hours_attr,
                        h.display(),
                        p.minutes_attr,
                        m.display()
                    ),
                    Echo::Hidden => format!("{} and {} are", p.hours_attr, p.minutes_attr),
                };
                diags.push(attr_error(
                    p.minutes_attr,
                    format!("Set {} or {}, not both", p.hours_attr, p.minutes_attr),
                    format!(
                        "{both} two spellings of one lifetime (hours and minutes). Keep the one you \
                         prefer; the other is computed from it."
                    ),
                ));
                continue;
            }
            (Value::Value(h), _) => Some((
                p.hours_attr,
                lifetimes::hours_to_minutes(p.hours_attr, h, echo),
            )),
            (_, Value::Value(m)) => Some((
                p.minutes_attr,
                lifetimes::minutes_value(p.minutes_attr, m, echo),
            )),
            _ => None,
        };
        match checked {
            Some((attr, Ok(m))) => {
                valid.push((l, m));
                if let Some(w) = lifetimes::plan_limit_warning(attr, p.kind, m, plan, echo) {
                    diags.push(attr_warning(attr, w.summary, w.detail));
                }
            }
            Some((attr, Err(e))) => diags.push(attr_error(attr, e.summary, e.detail)),
            None => {}
        }
    }
    // Idle longer than absolute means the idle limit can never be reached.
    for l in Lifetime::ALL {
        let Some(abs) = absolute_of(l) else { continue };
        let configured = |l: Lifetime| valid.iter().find(|(k, _)| *k == l).map(|(_, m)| *m);
        if let (Some(i), Some(a)) = (configured(l), configured(abs)) {
            if i > a {
                let values = match echo {
                    Echo::Value => format!(" ({i} min, against {a} min)"),
                    Echo::Hidden => String::new(),
                };
                diags.push(attr_warning(
                    configured_attr(cfg, l),
                    "Idle lifetime longer than the absolute lifetime",
                    format!(
                        "{} is longer than {}{values}: sessions end at the absolute lifetime first, \
                         so the idle setting has no effect.",
                        pair(l).hours_attr,
                        pair(abs).hours_attr
                    ),
                ));
            }
        }
    }
    if let Value::Value(mode) = &cfg.session_cookie_mode {
        if mode.parse::<CookieMode>().is_err() {
            let subject = match echo {
                Echo::Value => format!("session_cookie_mode = {mode:?}"),
                Echo::Hidden => "The value of session_cookie_mode".to_string(),
            };
            diags.push(attr_error(
                "session_cookie_mode",
                "Invalid session_cookie_mode",
                format!("{subject} is not one of the modes Auth0 knows: expected \"persistent\" or \"non-persistent\"."),
            ));
        }
    }
    diags
}

/// The spelling of a lifetime the configuration uses (hours unless minutes is set).
fn configured_attr(cfg: &SessionModel, l: Lifetime) -> &'static str {
    if cfg.minutes(l).is_value() {
        pair(l).minutes_attr
    } else {
        pair(l).hours_attr
    }
}

/// Minutes the configuration asks for: Ok(None) when it leaves the lifetime alone, Err
/// when it is unknown or invalid.
fn configured_minutes(cfg: &SessionModel, l: Lifetime) -> Result<Option<u32>, ()> {
    let p = pair(l);
    match (cfg.hours(l), cfg.minutes(l)) {
        (Value::Unknown, _) | (_, Value::Unknown) => Err(()),
        (Value::Value(h), Value::Null) => {
            lifetimes::hours_to_minutes(p.hours_attr, h, Echo::Hidden)
                .map(Some)
                .map_err(|_| ())
        }
        (Value::Null, Value::Value(m)) => lifetimes::minutes_value(p.minutes_attr, m, Echo::Hidden)
            .map(Some)
            .map_err(|_| ()),
        (Value::Null, Value::Null) => Ok(None),
        (Value::Value(_), Value::Value(_)) => Err(()),
    }
}

/// The planned spellings of a lifetime the configuration sets, keeping the prior state's
/// spelling of the computed twin when it stands for the same minutes.
fn planned_pair(
    prior: Option<&SessionModel>,
    cfg: &SessionModel,
    l: Lifetime,
) -> (Value<Number>, Value<Number>) {
    let prior_twin = |want: Option<u32>, twin: fn(&SessionModel, Lifetime) -> &Value<Number>| {
        prior
            .filter(|p| want.is_some() && p.pair_minutes(l) == want)
            .map(|p| twin(p, l).clone())
    };
    match (cfg.hours(l), cfg.minutes(l)) {
        (Value::Value(h), Value::Null) => {
            let want = lifetimes::stored_hours_minutes(h);
            let twin = prior_twin(want, SessionModel::minutes).unwrap_or_else(|| {
                want.map_or(Value::Unknown, |w| {
                    Value::Value(lifetimes::minutes_number(w))
                })
            });
            (Value::Value(h.clone()), twin)
        }
        (Value::Null, Value::Value(m)) => {
            let want = lifetimes::stored_minutes(m);
            let twin = prior_twin(want, SessionModel::hours).unwrap_or_else(|| {
                want.map_or(Value::Unknown, |w| {
                    Value::Value(lifetimes::canonical_hours(w))
                })
            });
            (twin, Value::Value(m.clone()))
        }
        (Value::Null, Value::Null) => match prior {
            // Not managed: whatever the tenant holds stays.
            Some(p) => (p.hours(l).clone(), p.minutes(l).clone()),
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
    }
}

/// PlanResourceChange for create and update (destroy plans are null and handled by the
/// caller). `domain` is the configured tenant, when known; `legacy` the originals a
/// schema version 0 object kept in private state.
pub fn plan(
    prior: Option<&SessionModel>,
    cfg: &SessionModel,
    domain: Option<&str>,
    legacy: Option<&OriginalSettings>,
) -> SessionModel {
    let mut planned = SessionModel {
        id: match prior.and_then(SessionModel::tenant) {
            Some(id) => Value::Value(id.to_string()),
            None => domain.map_or(Value::Unknown, |d| Value::Value(d.to_string())),
        },
        ..SessionModel::default()
    };
    for l in Lifetime::ALL {
        let (h, m) = planned_pair(prior, cfg, l);
        planned.set_pair(l, h, m);
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
    planned.original_settings = match prior {
        // A create learns the originals at apply: from the object it replaces, or one
        // read of the tenant when restore_on_destroy is true.
        None => Value::Unknown,
        Some(p) => match (&p.original_settings, legacy, &planned.restore_on_destroy) {
            (Value::Value(o), _, _) => Value::Value(o.clone()),
            (_, Some(o), _) => Value::Value(o.clone()),
            // Switched on after create: the best record of "before" is the state as it
            // stands before this change.
            (_, None, Value::Value(true)) => {
                OriginalSettings::from_state(p).map_or(Value::Unknown, Value::Value)
            }
            (_, None, Value::Unknown) => Value::Unknown,
            (_, None, _) => Value::Null,
        },
    };
    // An update that writes to the tenant reads every value back from Auth0's answer:
    // what this resource does not manage is whatever the tenant holds then, which the
    // prior state (perhaps not refreshed, `-refresh=false`) cannot promise.
    if let Some(p) = prior {
        if writes(p, &planned, cfg) {
            for l in Lifetime::ALL {
                if cfg.unmanaged(l) {
                    planned.set_pair(l, Value::Unknown, Value::Unknown);
                }
            }
            if cfg.session_cookie_mode.is_null() {
                planned.session_cookie_mode = Value::Unknown;
            }
        }
    }
    planned
}

/// Whether the plan of an update expects a PATCH: it left values to be read back
/// (unknown), or a configured value differs from the prior state.
pub fn planned_write(prior: &SessionModel, planned: &SessionModel) -> bool {
    let unknown = Lifetime::ALL
        .into_iter()
        .any(|l| planned.hours(l).is_unknown() || planned.minutes(l).is_unknown())
        || planned.session_cookie_mode.is_unknown();
    unknown || !change_update(prior, planned).is_empty()
}

/// Whether applying this update sends a PATCH: a configured value differs from the prior
/// state, or is not known yet.
pub fn writes(prior: &SessionModel, planned: &SessionModel, cfg: &SessionModel) -> bool {
    let unknown = Lifetime::ALL
        .into_iter()
        .any(|l| !cfg.unmanaged(l) && configured_minutes(cfg, l).is_err())
        || cfg.session_cookie_mode.is_unknown();
    unknown || !change_update(prior, planned).is_empty()
}

/// The configured values that differ from the prior state.
pub fn change_update(prior: &SessionModel, planned: &SessionModel) -> SessionUpdate {
    let mut u = SessionUpdate::default();
    for l in Lifetime::ALL {
        if let Some(want) = planned.pair_minutes(l) {
            if prior.pair_minutes(l) != Some(want) {
                u.set_lifetime(l, Minutes(want));
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

/// The PATCH of a create or an update: every configured value, so the tenant ends up
/// exactly as configured even when the plan was made from a stale state.
pub fn configured_update(cfg: &SessionModel) -> SessionUpdate {
    let mut u = SessionUpdate::default();
    for l in Lifetime::ALL {
        if let Ok(Some(m)) = configured_minutes(cfg, l) {
            u.set_lifetime(l, Minutes(m));
        }
    }
    u.cookie_mode = cfg.cookie();
    u
}

/// The PATCH that restores the originals: all of them, whatever the state says the tenant
/// holds now (a state not refreshed, `-refresh=false`, may be stale).
pub fn restore_update(originals: &OriginalSettings) -> SessionUpdate {
    let mut u = SessionUpdate::default();
    for l in Lifetime::ALL {
        u.set_lifetime(l, Minutes(originals.minutes(l)));
    }
    u.cookie_mode = originals.session_cookie_mode.parse::<CookieMode>().ok();
    u
}

/// New state after a PATCH (`sent`) or a read (`sent` empty): for what was sent, the
/// planned spelling when the tenant holds it, and an error where it holds something else
/// (the state then tells the truth); for everything else, what the tenant holds.
pub fn state_after_apply(
    planned: &SessionModel,
    cfg: Option<&SessionModel>,
    sent: &SessionUpdate,
    actual: &SessionSettings,
    domain: &str,
) -> (SessionModel, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut st = planned.clone();
    if !st.id.is_value() {
        st.id = Value::Value(domain.to_string());
    }
    for p in PAIRS {
        let l = p.lifetime;
        let got = actual.lifetime(l).0;
        match sent.lifetime(l) {
            Some(Minutes(want)) if want != got => {
                diags.push(attr_error(
                    configured_attr(cfg.unwrap_or(planned), l),
                    format!("Auth0 stored a different {}", p.hours_attr),
                    format!(
                        "The apply set {} to {want} minutes, but the tenant now holds {got} minutes \
                         (Auth0 may cap values at your plan's system limit). The state records what \
                         the tenant holds.",
                        p.hours_attr
                    ),
                ));
                st.set_minutes(l, got);
            }
            // Sent and stored: the spelling planned, or configured when the plan could not
            // know it yet, with the computed twin filled in.
            Some(_) => {
                let h = spelled(planned.hours(l), cfg.map(|c| c.hours(l)), || {
                    lifetimes::canonical_hours(got)
                });
                let m = spelled(planned.minutes(l), cfg.map(|c| c.minutes(l)), || {
                    lifetimes::minutes_number(got)
                });
                st.set_pair(l, h, m);
            }
            // Not sent, and planned as what the tenant holds: keep that spelling.
            None if planned.pair_minutes(l) == Some(got) => {}
            // Not sent and unknown in the plan (or stale): what the tenant holds.
            None => st.set_minutes(l, got),
        }
    }
    let got_mode = actual.cookie_mode.as_str().to_string();
    match (sent.cookie_mode, &planned.session_cookie_mode) {
        (Some(want), _) if want != actual.cookie_mode => {
            diags.push(attr_error(
                "session_cookie_mode",
                "Auth0 stored a different session_cookie_mode",
                format!(
                    "The apply set {:?}, the tenant holds {got_mode:?}.",
                    want.as_str()
                ),
            ));
            st.session_cookie_mode = Value::Value(got_mode);
        }
        (_, Value::Value(p)) if *p == got_mode => {}
        _ => st.session_cookie_mode = Value::Value(got_mode),
    }
    if !st.restore_on_destroy.is_value() {
        st.restore_on_destroy = Value::Value(false);
    }
    (st, diags)
}

/// A planned spelling after apply: as planned when known; else as configured, when the
/// configuration (known at apply) holds it; else derived from what the tenant holds.
fn spelled(
    planned: &Value<Number>,
    configured: Option<&Value<Number>>,
    derive: impl FnOnce() -> Number,
) -> Value<Number> {
    match (planned, configured) {
        (Value::Unknown, Some(Value::Value(c))) => Value::Value(c.clone()),
        (Value::Unknown, _) => Value::Value(derive()),
        (other, _) => other.clone(),
    }
}

/// ReadResource: the tenant's values, in the spelling already in state where they agree.
/// `legacy` originals from a schema version 0 private state move into the state.
pub fn state_after_read(
    prior: &SessionModel,
    actual: &SessionSettings,
    domain: &str,
    legacy: Option<&OriginalSettings>,
) -> SessionModel {
    let mut st = prior.clone();
    if !st.id.is_value() {
        st.id = Value::Value(domain.to_string());
    }
    for l in Lifetime::ALL {
        let got = actual.lifetime(l).0;
        if prior.pair_minutes(l) != Some(got) {
            st.set_minutes(l, got);
        }
    }
    st.session_cookie_mode = Value::Value(actual.cookie_mode.as_str().to_string());
    if !st.restore_on_destroy.is_value() {
        st.restore_on_destroy = Value::Value(false);
    }
    if !st.original_settings.is_value() {
        st.original_settings = legacy.map_or(Value::Null, |o| Value::Value(o.clone()));
    }
    st
}

/// ImportResourceState: each lifetime in its natural spelling only (whole hours as hours,
/// anything else as minutes), so `-generate-config-out` writes a config that plans clean.
/// The tenant's values now are the originals: Terraform has not changed them yet.
pub fn state_from_import(actual: &SessionSettings, domain: &str) -> SessionModel {
    let mut st = SessionModel {
        id: Value::Value(domain.to_string()),
        session_cookie_mode: Value::Value(actual.cookie_mode.as_str().to_string()),
        restore_on_destroy: Value::Value(false),
        original_settings: Value::Value(OriginalSettings::from_settings(actual)),
        ..SessionModel::default()
    };
    for l in Lifetime::ALL {
        let got = actual.lifetime(l).0;
        if got % 60 == 0 {
            st.set_pair(
                l,
                Value::Value(lifetimes::canonical_hours(got)),
                Value::Null,
            );
        } else {
            st.set_pair(l, Value::Null, Value::Value(lifetimes::minutes_number(got)));
        }
    }
    st
}

/// The placeholder import ID for "the tenant this provider is configured for".
pub const CURRENT_TENANT_ID: &str = "current";

/// An import ID must name the provider's tenant: its domain (`host[:port]`, with or
/// without `https://`, any case) or [`CURRENT_TENANT_ID`]. Importing another tenant's ID
/// would record this tenant's settings under that tenant's name.
pub fn check_import_id(id: &str, domain: &str) -> Result<(), Diagnostic> {
    let trimmed = id.trim();
    let bare = match trimmed.find("://") {
        Some(i)
            if ["https", "http"]
                .iter()
                .any(|s| trimmed[..i].eq_ignore_ascii_case(s)) =>
        {
            &trimmed[i + 3..]
        }
        _ => trimmed,
    }
    .trim_end_matches('/');
    if trimmed.eq_ignore_ascii_case(CURRENT_TENANT_ID) || same_tenant(bare, domain) {
        return Ok(());
    }
    let shown = crate::auth0::config::redacted(trimmed);
    Err(error(
        "Import ID names another tenant",
        format!(
            "The import ID {shown:?} is not the tenant this provider is configured for ({domain}). \
             An auth0_tenant_session is imported by its tenant's domain: use the ID {domain:?} (or \
             {CURRENT_TENANT_ID:?} for whichever tenant the provider is configured for), or import \
             with a provider configured for that tenant."
        ),
    ))
}

/// GenerateResourceConfig: the configuration that manages `state` with no change, each
/// lifetime in one spelling only (the one the state holds, or its natural one: whole
/// hours as hours, else minutes). Terraform's own fallback would write both spellings,
/// which validation refuses. Computed-only and default values are left out.
pub fn generated_config(state: &SessionModel) -> SessionModel {
    let mut cfg = SessionModel {
        session_cookie_mode: state.session_cookie_mode.clone(),
        restore_on_destroy: match state.restore_on_destroy {
            Value::Value(true) => Value::Value(true),
            _ => Value::Null,
        },
        ..SessionModel::default()
    };
    for l in Lifetime::ALL {
        let (h, m) = match (state.hours(l), state.minutes(l), state.pair_minutes(l)) {
            (Value::Value(h), Value::Null, _) => (Value::Value(h.clone()), Value::Null),
            (Value::Null, Value::Value(m), _) => (Value::Null, Value::Value(m.clone())),
            (_, _, Some(minutes)) if minutes % 60 == 0 => (
                Value::Value(lifetimes::canonical_hours(minutes)),
                Value::Null,
            ),
            (_, _, Some(minutes)) => (
                Value::Null,
                Value::Value(lifetimes::minutes_number(minutes)),
            ),
            (_, _, None) => (Value::Null, Value::Null),
        };
        cfg.set_pair(l, h, m);
    }
    cfg
}

/// The configuration schema of `list "auth0_tenant_session"` blocks: nothing to set,
/// since a provider configuration has one tenant.
pub fn list_schema() -> BlockSchema {
    BlockSchema {
        version: 0,
        description:
            "Lists the session settings of the tenant the provider is configured for (one \
            result, one `GET /api/v2/tenants/settings`), for `terraform query`: its identity \
            (`tenant_domain`), and with `include_resource` or `-generate-config-out` the whole \
            `auth0_tenant_session` object."
                .into(),
        attrs: vec![],
    }
}

/// The name `terraform query` shows beside a result.
pub fn display_name(domain: &str, s: &SessionSettings) -> String {
    let hours = |m: Minutes| {
        if m.0 % 60 == 0 {
            format!("{} h", m.0 / 60)
        } else {
            format!("{} min", m.0)
        }
    };
    format!(
        "Session settings of {domain} (session {}, idle {}, cookie {})",
        hours(s.session_lifetime),
        hours(s.idle_session_lifetime),
        s.cookie_mode.as_str()
    )
}

/// A create that failed after the tenant may have changed: the object Terraform keeps
/// (tainted) so the originals recorded before the change are not forgotten. Its values
/// are the last ones known to be in the tenant, `before` (read before the change, or the
/// originals themselves when a replaced object restored them); the next refresh reads
/// the truth.
pub fn state_after_failed_create(
    planned: &SessionModel,
    before: &SessionSettings,
    originals: &OriginalSettings,
    domain: &str,
) -> SessionModel {
    let mut st = planned.clone();
    st.id = Value::Value(domain.to_string());
    for l in Lifetime::ALL {
        st.set_minutes(l, before.lifetime(l).0);
    }
    st.session_cookie_mode = Value::Value(before.cookie_mode.as_str().to_string());
    if !st.restore_on_destroy.is_value() {
        st.restore_on_destroy = Value::Value(false);
    }
    st.original_settings = Value::Value(originals.clone());
    st
}

/// The settings the originals describe (for a failed create that has nothing fresher).
pub fn settings_of(o: &OriginalSettings) -> SessionSettings {
    SessionSettings {
        session_lifetime: Minutes(o.session_lifetime_in_minutes),
        idle_session_lifetime: Minutes(o.idle_session_lifetime_in_minutes),
        ephemeral_session_lifetime: Minutes(o.ephemeral_session_lifetime_in_minutes),
        idle_ephemeral_session_lifetime: Minutes(o.idle_ephemeral_session_lifetime_in_minutes),
        cookie_mode: o.session_cookie_mode.parse().unwrap_or_default(),
    }
}

/// UpgradeResourceState: state JSON of any earlier schema version, as the current model.
pub fn upgrade(version: i64, json: &[u8]) -> Result<SessionModel, Diagnostic> {
    let decode = |v: i64| {
        crate::protocol::codec::decode_json::<SessionModel>(json).map_err(|e| {
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

/// The warning destroy gives when it only forgets the resource.
pub fn forget_warning() -> Diagnostic {
    warning(
        "auth0_tenant_session removed from state only",
        "The tenant keeps its current session settings: destroying this resource does not change Auth0. \
         Set restore_on_destroy = true to put back the settings the tenant had before Terraform managed them.",
    )
}

/// The error when an object's tenant is not the one the provider is configured for.
/// `restore` says whether its destroy would put back recorded originals.
pub fn other_tenant_error(state_tenant: &str, configured: &str, restore: bool) -> Diagnostic {
    let restore_note = if restore {
        format!(
            " Its destroy would put back {state_tenant}'s original settings, which must never be \
             written into {configured}: to restore them, point the provider at {state_tenant} and run \
             terraform destroy (or -target this resource) first."
        )
    } else {
        String::new()
    };
    error(
        "auth0_tenant_session belongs to another tenant",
        format!(
            "This resource manages the session settings of tenant {state_tenant}, but the provider is now \
             configured for {configured}. A resource never moves between tenants, so nothing was read \
             from or written to {configured}.{restore_note} To keep managing {state_tenant}, set the \
             provider's domain back to it. To manage {configured} instead, remove this object from the \
             state (terraform state rm ADDRESS; {state_tenant} keeps its current settings) and apply \
             again, or import {configured}'s settings."
        ),
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

    /// The state an apply of `cfg` on a tenant holding `m` leaves.
    fn applied(cfg: &SessionModel, m: [u32; 4]) -> SessionModel {
        let planned = plan(None, cfg, Some("t"), None);
        let sent = configured_update(cfg);
        let mut actual = settings(m);
        for l in Lifetime::ALL {
            if let Some(v) = sent.lifetime(l) {
                *match l {
                    Lifetime::Session => &mut actual.session_lifetime,
                    Lifetime::IdleSession => &mut actual.idle_session_lifetime,
                    Lifetime::EphemeralSession => &mut actual.ephemeral_session_lifetime,
                    Lifetime::IdleEphemeralSession => &mut actual.idle_ephemeral_session_lifetime,
                } = v;
            }
        }
        let (mut st, d) = state_after_apply(&planned, Some(cfg), &sent, &actual, "t");
        assert!(d.is_empty(), "{d:?}");
        st.original_settings = Value::Null;
        st
    }

    #[test]
    fn both_twins_is_an_error_on_the_minutes_attribute() {
        let cfg = SessionModel {
            session_lifetime: n(168),
            session_lifetime_in_minutes: n(10080),
            ..Default::default()
        };
        let d = validate(&cfg, None, Echo::Value);
        assert_eq!(attrs(&d), vec!["session_lifetime_in_minutes"]);
        assert!(d[0].detail.contains("168") && d[0].detail.contains("10080"));
        let d = validate(&cfg, None, Echo::Hidden);
        assert!(!d[0].detail.contains("10080"), "{d:?}");
    }

    #[test]
    fn unknown_values_are_not_judged_yet() {
        let cfg = SessionModel {
            session_lifetime: Value::Unknown,
            ..Default::default()
        };
        assert!(validate(&cfg, None, Echo::Value).is_empty());
    }

    #[test]
    fn idle_longer_than_absolute_warns() {
        let cfg = SessionModel {
            session_lifetime: n(10),
            idle_session_lifetime: n(20),
            ..Default::default()
        };
        let d = validate(&cfg, Some(TenantPlan::Enterprise), Echo::Value);
        assert_eq!(attrs(&d), vec!["idle_session_lifetime"]);
        assert!(!crate::protocol::diagnostics::has_errors(&d));
    }

    #[test]
    fn bad_cookie_mode() {
        let cfg = SessionModel {
            session_cookie_mode: Value::Value("sometimes".into()),
            ..Default::default()
        };
        let d = validate(&cfg, None, Echo::Value);
        assert_eq!(attrs(&d), vec!["session_cookie_mode"]);
        assert!(d[0].detail.contains("\"sometimes\""));
        let d = validate(&cfg, None, Echo::Hidden);
        assert!(!d[0].detail.contains("sometimes"), "{d:?}");
    }

    #[test]
    fn create_plan_derives_twins_and_leaves_unmanaged_unknown() {
        let cfg = SessionModel {
            session_lifetime: Value::Value(Number::Float(1.5)),
            idle_session_lifetime_in_minutes: n(90),
            ..Default::default()
        };
        let p = plan(None, &cfg, Some("t.example"), None);
        assert_eq!(p.session_lifetime_in_minutes, n(90));
        assert_eq!(p.idle_session_lifetime, Value::Value(Number::Float(1.5)));
        assert!(p.ephemeral_session_lifetime.is_unknown());
        assert!(p.session_cookie_mode.is_unknown());
        assert_eq!(p.restore_on_destroy, Value::Value(false));
        assert_eq!(p.id, Value::Value("t.example".into()));
        // Known at apply: from a replaced object, a read, or null.
        assert!(p.original_settings.is_unknown());
    }

    #[test]
    fn plan_is_a_noop_when_notation_differs_only() {
        let prior = applied(
            &SessionModel {
                session_lifetime: n(168),
                ..Default::default()
            },
            [10080, 4320, 4320, 1440],
        );
        // The user switches to minutes: nothing changes.
        let cfg = SessionModel {
            session_lifetime_in_minutes: n(10080),
            ..Default::default()
        };
        let p = plan(Some(&prior), &cfg, Some("t"), None);
        assert_eq!(p, prior);
        assert!(!writes(&prior, &p, &cfg));
        assert!(!planned_write(&prior, &p));
    }

    #[test]
    fn an_update_that_writes_reads_back_what_it_does_not_manage() {
        let prior = state_after_read(
            &SessionModel::default(),
            &settings([10080, 4320, 4320, 1440]),
            "t",
            None,
        );
        let cfg = SessionModel {
            session_lifetime: n(168),
            idle_session_lifetime_in_minutes: n(90),
            ..Default::default()
        };
        let p = plan(Some(&prior), &cfg, Some("t"), None);
        assert!(writes(&prior, &p, &cfg));
        assert!(planned_write(&prior, &p));
        let u = change_update(&prior, &p);
        assert_eq!(u.session_lifetime, None);
        assert_eq!(u.idle_session_lifetime, Some(Minutes(90)));
        // Unmanaged values come from Auth0's answer, not from a state that may be stale.
        assert!(p.ephemeral_session_lifetime.is_unknown());
        assert!(p.idle_ephemeral_session_lifetime_in_minutes.is_unknown());
        assert!(p.session_cookie_mode.is_unknown());
        // The PATCH asserts the whole configuration.
        let body = configured_update(&cfg);
        assert_eq!(body.session_lifetime, Some(Minutes(10080)));
        assert_eq!(body.idle_session_lifetime, Some(Minutes(90)));
        assert_eq!(body.ephemeral_session_lifetime, None);
        // The tenant drifted outside Terraform on what this resource does not manage:
        // recorded as read, no error.
        let now = settings([10080, 90, 100, 200]);
        let (st, d) = state_after_apply(&p, Some(&cfg), &body, &now, "t");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(st.ephemeral_session_lifetime_in_minutes, n(100));
        assert_eq!(st.idle_ephemeral_session_lifetime_in_minutes, n(200));
        assert_eq!(st.session_lifetime, n(168));
    }

    #[test]
    fn create_sends_every_configured_field() {
        let cfg = SessionModel {
            session_lifetime: n(168),
            session_cookie_mode: Value::Value("non-persistent".into()),
            ..Default::default()
        };
        let u = configured_update(&cfg);
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
        let p = plan(None, &cfg, Some("t"), None);
        let (st, d) = state_after_apply(
            &p,
            Some(&cfg),
            &configured_update(&cfg),
            &settings([10080, 72 * 60, 4320, 1440]),
            "t",
        );
        assert_eq!(attrs(&d), vec!["idle_session_lifetime"]);
        assert_eq!(st.idle_session_lifetime, n(72));
    }

    #[test]
    fn drift_is_read_back() {
        let prior = state_after_read(
            &SessionModel::default(),
            &settings([10080, 4320, 4320, 1440]),
            "t",
            None,
        );
        let st = state_after_read(&prior, &settings([181, 4320, 4320, 1440]), "t", None);
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
        assert_eq!(
            st.originals().map(|o| o.idle_session_lifetime_in_minutes),
            Some(181)
        );
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
        assert!(validate(&generated, None, Echo::Value).is_empty());
        let p = plan(Some(&st), &generated, Some("t"), None);
        assert_eq!(p, st);
    }

    #[test]
    fn generated_config_has_one_spelling_per_lifetime_and_plans_clean() {
        let st = state_from_import(&settings([10080, 181, 4320, 15]), "t");
        let cfg = generated_config(&st);
        assert_eq!(cfg.session_lifetime, n(168));
        assert!(cfg.session_lifetime_in_minutes.is_null());
        assert_eq!(cfg.idle_session_lifetime_in_minutes, n(181));
        assert!(cfg.idle_session_lifetime.is_null());
        assert!(cfg.id.is_null() && cfg.original_settings.is_null());
        assert!(cfg.restore_on_destroy.is_null());
        assert!(validate(&cfg, None, Echo::Value).is_empty());
        assert_eq!(plan(Some(&st), &cfg, Some("t"), None), st);
        // A state with both spellings (after an apply) keeps the natural one.
        let applied = state_after_read(
            &SessionModel::default(),
            &settings([10080, 181, 4320, 15]),
            "t",
            None,
        );
        let cfg = generated_config(&applied);
        assert!(validate(&cfg, None, Echo::Value).is_empty());
        assert_eq!(cfg.session_lifetime, n(168));
        assert!(cfg.session_lifetime_in_minutes.is_null());
        assert_eq!(cfg.idle_session_lifetime_in_minutes, n(181));
    }

    #[test]
    fn import_ids_name_the_providers_tenant() {
        for ok in [
            "t.example:8443",
            "T.Example:8443",
            "https://t.example:8443/",
            "HTTPS://t.example:8443",
            "current",
            " CURRENT ",
        ] {
            assert!(check_import_id(ok, "t.example:8443").is_ok(), "{ok}");
        }
        for bad in [
            "other.example",
            "t.example",
            "",
            "https://u:pw@other.example",
        ] {
            let e = check_import_id(bad, "t.example:8443").unwrap_err();
            assert!(e.detail.contains("t.example:8443"), "{e:?}");
            assert!(!e.detail.contains("pw@"), "{e:?}");
        }
    }

    #[test]
    fn display_names_say_which_tenant() {
        let d = display_name("t.example", &settings([10080, 90, 4320, 1440]));
        assert_eq!(
            d,
            "Session settings of t.example (session 168 h, idle 90 min, cookie persistent)"
        );
    }

    #[test]
    fn restore_puts_back_every_original() {
        let o = OriginalSettings::from_settings(&settings([10080, 4320, 4320, 15]));
        let u = restore_update(&o);
        assert_eq!(u.session_lifetime, Some(Minutes(10080)));
        assert_eq!(u.idle_ephemeral_session_lifetime, Some(Minutes(15)));
        assert_eq!(u.cookie_mode, Some(CookieMode::Persistent));
    }

    #[test]
    fn originals_are_kept_or_recorded_when_restore_is_switched_on() {
        let prior = applied(
            &SessionModel {
                session_lifetime: n(100),
                ..Default::default()
            },
            [10080, 4320, 4320, 1440],
        );
        assert!(prior.original_settings.is_null());
        let on = SessionModel {
            session_lifetime: n(100),
            restore_on_destroy: Value::Value(true),
            ..Default::default()
        };
        // Switched on: the values at that point.
        let p = plan(Some(&prior), &on, Some("t"), None);
        assert_eq!(
            p.originals().map(|o| o.session_lifetime_in_minutes),
            Some(6000)
        );
        assert!(
            !writes(&prior, &p, &on),
            "recording originals sends nothing"
        );
        // Recorded ones are kept whatever restore_on_destroy says now.
        let off = SessionModel {
            restore_on_destroy: Value::Value(false),
            ..on.clone()
        };
        let p2 = plan(Some(&p), &off, Some("t"), None);
        assert_eq!(p2.original_settings, p.original_settings);
        // A version 0 object's private originals move into the plan.
        let legacy = OriginalSettings::from_settings(&settings([1, 2, 3, 4]));
        let p3 = plan(Some(&prior), &off, Some("t"), Some(&legacy));
        assert_eq!(p3.originals(), Some(&legacy));
    }

    #[test]
    fn private_state_roundtrip_and_legacy_form() {
        let p = PrivateState {
            originals: None,
            plan_claim: Some(7),
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
    fn failed_create_keeps_originals() {
        let cfg = SessionModel {
            session_lifetime: n(100),
            restore_on_destroy: Value::Value(true),
            ..Default::default()
        };
        let planned = plan(None, &cfg, Some("t"), None);
        let before = settings([10080, 4320, 4320, 1440]);
        let o = OriginalSettings::from_settings(&before);
        let st = state_after_failed_create(&planned, &before, &o, "t");
        assert_eq!(st.originals(), Some(&o));
        assert_eq!(st.session_lifetime, n(168));
        assert_eq!(st.session_lifetime_in_minutes, n(10080));
        assert_eq!(st.id, Value::Value("t".into()));
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
    fn other_tenant_error_names_both_and_the_way_out() {
        let d = other_tenant_error("a.example", "b.example", true);
        assert!(d.detail.contains("a.example") && d.detail.contains("b.example"));
        assert!(d.detail.contains("terraform state rm"));
        assert!(d.detail.contains("original settings"));
        assert!(same_tenant("A.Example:443", "a.example:443"));
        assert!(!same_tenant("a.example", "b.example"));
    }
}
