//! Planning: what an apply will leave in state, and the PATCH bodies of create, update
//! and restore.

use tf_provider::value::Value;

use super::desired::Desired;
use super::model::{OriginalSettings, SessionModel};
use crate::auth0::{CookieMode, Minutes, SessionUpdate};
use crate::protocol::codec::Number;
use crate::provider::lifetimes::{Lifetime, Spelling};

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
            let want = Spelling::Hours.minutes_in(h);
            let twin = prior_twin(want, SessionModel::minutes).unwrap_or_else(|| {
                want.map_or(Value::Unknown, |w| {
                    Value::Value(Spelling::Minutes.number(w))
                })
            });
            (Value::Value(h.clone()), twin)
        }
        (Value::Null, Value::Value(m)) => {
            let want = Spelling::Minutes.minutes_in(m);
            let twin = prior_twin(want, SessionModel::hours).unwrap_or_else(|| {
                want.map_or(Value::Unknown, |w| Value::Value(Spelling::Hours.number(w)))
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
/// caller). An update gets the prior state with the configuration read once (a create
/// plans from `cfg` alone, so it never pays for reading it). `domain` is the configured
/// tenant, when known; `legacy` the originals a schema version 0 object kept in private
/// state.
pub fn plan(
    update: Option<(&SessionModel, &Desired)>,
    cfg: &SessionModel,
    domain: Option<&str>,
    legacy: Option<&OriginalSettings>,
) -> SessionModel {
    let prior = update.map(|(prior, _)| prior);
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
    if let Some((p, desired)) = update {
        if writes(p, desired, false) {
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

/// Whether an update writes to the tenant: the plan left values to be read back
/// (`planned_unknown`, at apply), a configured value is not decided yet (unknown at
/// plan), or a configured value differs from the prior state.
pub fn writes(prior: &SessionModel, desired: &Desired, planned_unknown: bool) -> bool {
    planned_unknown || desired.undecided() || !desired.changes(prior).is_empty()
}

/// Whether a planned state leaves values to be read back from the tenant.
pub fn has_unknown(planned: &SessionModel) -> bool {
    Lifetime::ALL
        .into_iter()
        .any(|l| planned.hours(l).is_unknown() || planned.minutes(l).is_unknown())
        || planned.session_cookie_mode.is_unknown()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::lifetimes::Echo;

    fn desired(cfg: &SessionModel) -> Desired {
        Desired::read(cfg, Echo::Hidden)
    }
    use crate::auth0::CookieMode;
    use crate::provider::tenant_session::state::{state_after_apply, state_after_read};
    use crate::provider::tenant_session::test_support::{applied, n, settings};

    #[test]
    fn create_plan_derives_twins_and_leaves_unmanaged_unknown() {
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::Session, Value::Value(Number::Float(1.5)))
        .with_minutes(Lifetime::IdleSession, n(90));
        let p = plan(None, &cfg, Some("t.example"), None);
        assert_eq!(p.lifetimes[Lifetime::Session].minutes, n(90));
        assert_eq!(
            p.lifetimes[Lifetime::IdleSession].hours,
            Value::Value(Number::Float(1.5))
        );
        assert!(p.lifetimes[Lifetime::EphemeralSession].hours.is_unknown());
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
                ..Default::default()
            }
            .with_hours(Lifetime::Session, n(168)),
            [10080, 4320, 4320, 1440],
        );
        // The user switches to minutes: nothing changes.
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_minutes(Lifetime::Session, n(10080));
        let p = plan(Some((&prior, &desired(&cfg))), &cfg, Some("t"), None);
        assert_eq!(p, prior);
        assert!(!writes(&prior, &desired(&cfg), false));
        assert!(!writes(&prior, &desired(&cfg), has_unknown(&p)));
    }

    #[test]
    fn a_twin_copied_by_ignore_changes_that_agrees_plans_no_change() {
        for l in Lifetime::ALL {
            let mut cfg = SessionModel::default();
            cfg.lifetimes[l].hours.clone_from(&n(48));
            let prior = applied(&cfg, [10080, 4320, 4320, 1440]);
            // ignore_changes = [<the minutes twin>]: Terraform sends the state's value.
            cfg.lifetimes[l].minutes.clone_from(prior.minutes(l));
            let p = plan(Some((&prior, &desired(&cfg))), &cfg, Some("t"), None);
            assert_eq!(p, prior, "{l:?}");
            assert!(!writes(&prior, &desired(&cfg), false), "{l:?}");
            assert!(!writes(&prior, &desired(&cfg), has_unknown(&p)), "{l:?}");
        }
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
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(168))
        .with_minutes(Lifetime::IdleSession, n(90));
        let p = plan(Some((&prior, &desired(&cfg))), &cfg, Some("t"), None);
        assert!(writes(&prior, &desired(&cfg), false));
        assert!(writes(&prior, &desired(&cfg), has_unknown(&p)));
        let u = desired(&cfg).changes(&prior);
        assert_eq!(u.lifetimes[Lifetime::Session], None);
        assert_eq!(u.lifetimes[Lifetime::IdleSession], Some(Minutes(90)));
        // Unmanaged values come from Auth0's answer, not from a state that may be stale.
        assert!(p.lifetimes[Lifetime::EphemeralSession].hours.is_unknown());
        assert!(p.lifetimes[Lifetime::IdleEphemeralSession]
            .minutes
            .is_unknown());
        assert!(p.session_cookie_mode.is_unknown());
        // The PATCH asserts the whole configuration.
        let body = desired(&cfg).update();
        assert_eq!(body.lifetimes[Lifetime::Session], Some(Minutes(10080)));
        assert_eq!(body.lifetimes[Lifetime::IdleSession], Some(Minutes(90)));
        assert_eq!(body.lifetimes[Lifetime::EphemeralSession], None);
        // The tenant drifted outside Terraform on what this resource does not manage:
        // recorded as read, no error.
        let now = settings([10080, 90, 100, 200]);
        let (st, d) = state_after_apply(&p, Some(&cfg), &body, &now, "t");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(st.lifetimes[Lifetime::EphemeralSession].minutes, n(100));
        assert_eq!(st.lifetimes[Lifetime::IdleEphemeralSession].minutes, n(200));
        assert_eq!(st.lifetimes[Lifetime::Session].hours, n(168));
    }

    #[test]
    fn create_sends_every_configured_field() {
        let cfg = SessionModel {
            session_cookie_mode: Value::Value("non-persistent".into()),
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(168));
        let u = desired(&cfg).update();
        assert_eq!(u.lifetimes[Lifetime::Session], Some(Minutes(10080)));
        assert_eq!(u.lifetimes[Lifetime::IdleSession], None);
        assert_eq!(u.cookie_mode, Some(CookieMode::NonPersistent));
    }

    #[test]
    fn restore_puts_back_every_original() {
        let o = OriginalSettings::from_settings(&settings([10080, 4320, 4320, 15]));
        let u = restore_update(&o);
        assert_eq!(u.lifetimes[Lifetime::Session], Some(Minutes(10080)));
        assert_eq!(
            u.lifetimes[Lifetime::IdleEphemeralSession],
            Some(Minutes(15))
        );
        assert_eq!(u.cookie_mode, Some(CookieMode::Persistent));
    }

    #[test]
    fn originals_are_kept_or_recorded_when_restore_is_switched_on() {
        let prior = applied(
            &SessionModel {
                ..Default::default()
            }
            .with_hours(Lifetime::Session, n(100)),
            [10080, 4320, 4320, 1440],
        );
        assert!(prior.original_settings.is_null());
        let on = SessionModel {
            restore_on_destroy: Value::Value(true),
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(100));
        // Switched on: the values at that point.
        let p = plan(Some((&prior, &desired(&on))), &on, Some("t"), None);
        assert_eq!(
            p.originals().map(|o| o.minutes[Lifetime::Session]),
            Some(6000)
        );
        assert!(
            !writes(&prior, &desired(&on), false),
            "recording originals sends nothing"
        );
        // Recorded ones are kept whatever restore_on_destroy says now.
        let off = SessionModel {
            restore_on_destroy: Value::Value(false),
            ..on.clone()
        };
        let p2 = plan(Some((&p, &desired(&off))), &off, Some("t"), None);
        assert_eq!(p2.original_settings, p.original_settings);
        // A version 0 object's private originals move into the plan.
        let legacy = OriginalSettings::from_settings(&settings([1, 2, 3, 4]));
        let p3 = plan(
            Some((&prior, &desired(&off))),
            &off,
            Some("t"),
            Some(&legacy),
        );
        assert_eq!(p3.originals(), Some(&legacy));
    }
}
