//! The state each step leaves: after an apply, a refresh, an import or a failed create,
//! and the configuration `-generate-config-out` writes for a state.

use tf_provider::value::Value;

use super::model::{OriginalSettings, SessionModel};
use crate::auth0::{Minutes, SessionSettings, SessionUpdate};
use crate::protocol::codec::Number;
use crate::protocol::diagnostics::attr_error;
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::attributes::{pair, pairs, COOKIE_MODE_ATTR};
use crate::provider::lifetimes::{Lifetime, Spelling};

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
    for p in pairs() {
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
                    Spelling::Hours.number(got)
                });
                let m = spelled(planned.minutes(l), cfg.map(|c| c.minutes(l)), || {
                    Spelling::Minutes.number(got)
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
                COOKIE_MODE_ATTR,
                format!("Auth0 stored a different {COOKIE_MODE_ATTR}"),
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
        set_one_spelling(&mut st, l, actual.lifetime(l).0);
    }
    st
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
        match (state.hours(l), state.minutes(l), state.pair_minutes(l)) {
            (Value::Value(h), Value::Null, _) => {
                cfg.set_pair(l, Value::Value(h.clone()), Value::Null)
            }
            (Value::Null, Value::Value(m), _) => {
                cfg.set_pair(l, Value::Null, Value::Value(m.clone()))
            }
            (_, _, Some(minutes)) => set_one_spelling(&mut cfg, l, minutes),
            (_, _, None) => cfg.set_pair(l, Value::Null, Value::Null),
        }
    }
    cfg
}

/// The name `terraform query` shows beside a result.
pub fn display_name(domain: &str, s: &SessionSettings) -> String {
    let lifetimes: Vec<String> = s
        .lifetimes
        .iter()
        .map(|(l, m)| format!("{} {m}", pair(l).hours_attr))
        .collect();
    format!(
        "Session settings of {domain} ({}, cookie {})",
        lifetimes.join(", "),
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

/// The spelling of a lifetime a model holds (hours unless minutes is set).
fn configured_attr(m: &SessionModel, l: Lifetime) -> &'static str {
    if m.minutes(l).is_value() {
        pair(l).minutes_attr
    } else {
        pair(l).hours_attr
    }
}

/// A lifetime in its natural spelling only (whole hours as hours, anything else as
/// minutes), the other left null: what a configuration written by hand would hold.
fn set_one_spelling(m: &mut SessionModel, l: Lifetime, minutes: u32) {
    let n = Value::Value(Spelling::natural(minutes).number(minutes));
    match Spelling::natural(minutes) {
        Spelling::Hours => m.set_pair(l, n, Value::Null),
        Spelling::Minutes => m.set_pair(l, Value::Null, n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::lifetimes::Echo;
    use crate::provider::tenant_session::desired::Desired;
    use crate::provider::tenant_session::plan::plan;
    use crate::provider::tenant_session::test_support::{attrs, n, settings};
    use crate::provider::tenant_session::validate::validate;

    /// README "Failure behaviour": Exact state.
    #[test]
    fn apply_reports_a_capped_value_and_records_the_truth() {
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::IdleSession, n(100));
        let p = plan(None, &cfg, Some("t"), None);
        let (st, d) = state_after_apply(
            &p,
            Some(&cfg),
            &Desired::read(&cfg, Echo::Hidden).update(),
            &settings([10080, 72 * 60, 4320, 1440]),
            "t",
        );
        assert_eq!(attrs(&d), vec!["idle_session_lifetime"]);
        assert_eq!(st.lifetimes[Lifetime::IdleSession].hours, n(72));
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
            st.lifetimes[Lifetime::Session].hours,
            Value::Value(Number::Float(181.0 / 60.0))
        );
        assert_eq!(st.lifetimes[Lifetime::Session].minutes, n(181));
        assert_eq!(
            st.lifetimes[Lifetime::IdleSession].hours,
            prior.lifetimes[Lifetime::IdleSession].hours
        );
    }

    #[test]
    fn import_uses_natural_spelling_and_generated_config_plans_clean() {
        let st = state_from_import(&settings([10080, 181, 4320, 15]), "t");
        assert_eq!(st.lifetimes[Lifetime::Session].hours, n(168));
        assert!(st.lifetimes[Lifetime::Session].minutes.is_null());
        assert!(st.lifetimes[Lifetime::IdleSession].hours.is_null());
        assert_eq!(st.lifetimes[Lifetime::IdleSession].minutes, n(181));
        assert_eq!(
            st.originals().map(|o| o.minutes[Lifetime::IdleSession]),
            Some(181)
        );
        // The config Terraform generates holds the non-null optional values.
        let generated = SessionModel {
            session_cookie_mode: Value::Value("persistent".into()),
            restore_on_destroy: Value::Value(false),
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(168))
        .with_minutes(Lifetime::IdleSession, n(181))
        .with_hours(Lifetime::EphemeralSession, n(72))
        .with_minutes(Lifetime::IdleEphemeralSession, n(15));
        assert!(validate(&generated, None, Echo::Value).is_empty());
        let p = plan(
            Some((&st, &Desired::read(&generated, Echo::Hidden))),
            &generated,
            Some("t"),
            None,
        );
        assert_eq!(p, st);
    }

    #[test]
    fn generated_config_has_one_spelling_per_lifetime_and_plans_clean() {
        let st = state_from_import(&settings([10080, 181, 4320, 15]), "t");
        let cfg = generated_config(&st);
        assert_eq!(cfg.lifetimes[Lifetime::Session].hours, n(168));
        assert!(cfg.lifetimes[Lifetime::Session].minutes.is_null());
        assert_eq!(cfg.lifetimes[Lifetime::IdleSession].minutes, n(181));
        assert!(cfg.lifetimes[Lifetime::IdleSession].hours.is_null());
        assert!(cfg.id.is_null() && cfg.original_settings.is_null());
        assert!(cfg.restore_on_destroy.is_null());
        assert!(validate(&cfg, None, Echo::Value).is_empty());
        assert_eq!(
            plan(
                Some((&st, &Desired::read(&cfg, Echo::Hidden))),
                &cfg,
                Some("t"),
                None
            ),
            st
        );
        // A state with both spellings (after an apply) keeps the natural one.
        let applied = state_after_read(
            &SessionModel::default(),
            &settings([10080, 181, 4320, 15]),
            "t",
            None,
        );
        let cfg = generated_config(&applied);
        assert!(validate(&cfg, None, Echo::Value).is_empty());
        assert_eq!(cfg.lifetimes[Lifetime::Session].hours, n(168));
        assert!(cfg.lifetimes[Lifetime::Session].minutes.is_null());
        assert_eq!(cfg.lifetimes[Lifetime::IdleSession].minutes, n(181));
    }

    #[test]
    fn display_names_say_which_tenant() {
        let d = display_name("t.example", &settings([10080, 90, 4320, 1440]));
        assert_eq!(
            d,
            "Session settings of t.example (session_lifetime 168 h, idle_session_lifetime 90 min, \
             ephemeral_session_lifetime 72 h, idle_ephemeral_session_lifetime 24 h, cookie persistent)"
        );
    }

    #[test]
    fn failed_create_keeps_originals() {
        let cfg = SessionModel {
            restore_on_destroy: Value::Value(true),
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(100));
        let planned = plan(None, &cfg, Some("t"), None);
        let before = settings([10080, 4320, 4320, 1440]);
        let o = OriginalSettings::from_settings(&before);
        let st = state_after_failed_create(&planned, &before, &o, "t");
        assert_eq!(st.originals(), Some(&o));
        assert_eq!(st.lifetimes[Lifetime::Session].hours, n(168));
        assert_eq!(st.lifetimes[Lifetime::Session].minutes, n(10080));
        assert_eq!(st.id, Value::Value("t".into()));
    }
}
