//! The rules a configuration must meet: checked at validate with what is known, and
//! again at apply once every value is.

use tf_provider::value::Value;

use super::desired::Desired;
use super::model::SessionModel;
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::lifetimes::{Echo, Lifetime, Spelling, TenantPlan};

/// Rules a configuration must meet. Unknown values are checked once they are known (at
/// apply). `plan` is the tenant plan for system-limit warnings, if the provider knows it;
/// `echo` says whether messages may repeat configured values.
pub fn validate(cfg: &SessionModel, plan: Option<TenantPlan>, echo: Echo) -> Vec<Diagnostic> {
    Desired::read(cfg, echo).report(plan)
}

/// Why a plan's configuration holding both spellings of a lifetime cannot be planned.
///
/// `ignore_changes` on one spelling makes Terraform send the state's value of that
/// spelling in the configuration PlanResourceChange gets, beside the configured twin
/// (validation saw the twin alone). Where the two stand for the same minutes the plan
/// keeps both; otherwise any plan Terraform accepts keeps both values, and the state
/// would hold twins that disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwinConflict {
    /// The ignored spelling (the state's value) and the configured one differ: the tenant
    /// changed outside Terraform, or the configured value changed.
    Differ { ignored: Spelling },
    /// The configured spelling is known only at apply, the ignored one is pinned to the
    /// state's value: the plan cannot promise they will agree.
    Unknown { ignored: Spelling },
    /// Neither is the state's value: both spellings are configured, from values that were
    /// not known at validate.
    BothConfigured,
}

/// The conflict, if any, between the two spellings of `l` in a plan's configuration;
/// `prior` is the state the plan starts from (ignore_changes copies from it).
pub fn twin_conflict(
    prior: &SessionModel,
    cfg: &SessionModel,
    desired: &Desired,
    l: Lifetime,
) -> Option<TwinConflict> {
    let (h, m) = (cfg.hours(l), cfg.minutes(l));
    // A spelling holding exactly the state's value is the one Terraform copied.
    let copied = |s: Spelling| {
        let v = cfg.lifetimes[l].get(s);
        v.is_value() && v == prior.lifetimes[l].get(s)
    };
    let ignored = [Spelling::Minutes, Spelling::Hours]
        .into_iter()
        .find(|s| copied(*s));
    match (h, m) {
        (Value::Value(_), Value::Value(_)) if desired.lifetimes[l].minutes().is_some() => None,
        (Value::Value(_), Value::Value(_)) => Some(match ignored {
            Some(ignored) => TwinConflict::Differ { ignored },
            None => TwinConflict::BothConfigured,
        }),
        (Value::Unknown, Value::Value(_)) | (Value::Value(_), Value::Unknown) => {
            Some(match ignored {
                Some(ignored) => TwinConflict::Unknown { ignored },
                None => TwinConflict::BothConfigured,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::tenant_session::test_support::{attrs, n};

    #[test]
    fn both_twins_is_an_error_on_the_minutes_attribute() {
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(168))
        .with_minutes(Lifetime::Session, n(10080));
        let d = validate(&cfg, None, Echo::Value);
        assert_eq!(attrs(&d), vec!["session_lifetime_in_minutes"]);
        assert!(d[0].detail.contains("168") && d[0].detail.contains("10080"));
        let d = validate(&cfg, None, Echo::Hidden);
        assert!(!d[0].detail.contains("10080"), "{d:?}");
    }

    /// The state after applying `session_lifetime = 48` (its twin computed).
    fn prior_48h() -> SessionModel {
        crate::provider::tenant_session::test_support::applied(
            &SessionModel {
                ..Default::default()
            }
            .with_hours(Lifetime::Session, n(48)),
            [2880, 4320, 4320, 1440],
        )
    }

    #[test]
    fn twins_in_a_plans_configuration_agree_or_name_the_one_to_drop() {
        let prior = prior_48h();
        let l = Lifetime::Session;
        // ignore_changes = [session_lifetime_in_minutes], no drift: the copy agrees.
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(48))
        .with_minutes(
            Lifetime::Session,
            prior.lifetimes[Lifetime::Session].minutes.clone(),
        );
        assert_eq!(
            twin_conflict(&prior, &cfg, &Desired::read(&cfg, Echo::Hidden), l),
            None
        );
        assert_eq!(
            Desired::read(&cfg, Echo::Hidden).lifetimes[l].minutes(),
            Some(2880)
        );
        // The tenant drifted to 30 h: the copy is the state's 1800 minutes.
        let drifted = SessionModel { ..prior.clone() }
            .with_hours(Lifetime::Session, n(30))
            .with_minutes(Lifetime::Session, n(1800));
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(48))
        .with_minutes(Lifetime::Session, n(1800));
        assert_eq!(
            twin_conflict(&drifted, &cfg, &Desired::read(&cfg, Echo::Hidden), l),
            Some(TwinConflict::Differ {
                ignored: Spelling::Minutes
            })
        );
        assert_eq!(
            Desired::read(&cfg, Echo::Hidden).lifetimes[l].minutes(),
            None
        );
        // The mirror case: minutes configured, hours ignored.
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(30))
        .with_minutes(Lifetime::Session, n(2880));
        assert_eq!(
            twin_conflict(&drifted, &cfg, &Desired::read(&cfg, Echo::Hidden), l),
            Some(TwinConflict::Differ {
                ignored: Spelling::Hours
            })
        );
        // The configured value changed, no drift.
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(72))
        .with_minutes(Lifetime::Session, n(2880));
        assert_eq!(
            twin_conflict(&prior, &cfg, &Desired::read(&cfg, Echo::Hidden), l),
            Some(TwinConflict::Differ {
                ignored: Spelling::Minutes
            })
        );
        // Known only at apply, beside a pinned twin.
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::Session, Value::Unknown)
        .with_minutes(Lifetime::Session, n(2880));
        assert_eq!(
            twin_conflict(&prior, &cfg, &Desired::read(&cfg, Echo::Hidden), l),
            Some(TwinConflict::Unknown {
                ignored: Spelling::Minutes
            })
        );
        // Neither is the state's value: both configured.
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(10))
        .with_minutes(Lifetime::Session, n(20));
        assert_eq!(
            twin_conflict(&prior, &cfg, &Desired::read(&cfg, Echo::Hidden), l),
            Some(TwinConflict::BothConfigured)
        );
        // One spelling, or none: nothing to judge, for every lifetime.
        for l in Lifetime::ALL {
            let mut one = SessionModel::default();
            one.lifetimes[l].hours.clone_from(&n(10));
            assert_eq!(
                twin_conflict(&prior, &one, &Desired::read(&one, Echo::Hidden), l),
                None
            );
            assert_eq!(
                twin_conflict(
                    &prior,
                    &SessionModel::default(),
                    &Desired::read(&SessionModel::default(), Echo::Hidden),
                    l
                ),
                None
            );
        }
    }

    #[test]
    fn unknown_values_are_not_judged_yet() {
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::Session, Value::Unknown);
        assert!(validate(&cfg, None, Echo::Value).is_empty());
    }

    #[test]
    fn idle_longer_than_absolute_warns() {
        let cfg = SessionModel {
            ..Default::default()
        }
        .with_hours(Lifetime::Session, n(10))
        .with_hours(Lifetime::IdleSession, n(20));
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
}
