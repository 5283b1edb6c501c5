//! Session lifetimes: the hour/minute attribute pairs' conversion to Auth0's
//! whole minutes, and the rules a value must meet. Pure functions, no I/O.

use crate::auth0::settings::display_minutes;
pub use crate::auth0::Lifetime;
use crate::protocol::codec::Number;

/// Auth0 accepts at most 8,760 hours (one year) for every session lifetime.
pub const MAX_MINUTES: u32 = 8_760 * 60;
/// How far hours times 60 may be from a whole number and still count as one, in units of
/// the result's own rounding error (f64 epsilon times its size). `181/60` arrives as a
/// decimal that f64 holds only to the nearest ulp, and the multiplication adds half an
/// ulp more; a value that is off by anything a person could have typed (`168.0001` is
/// 0.006 minutes off) is far outside this.
const WHOLE_MINUTE_ULPS: f64 = 8.0;

/// Whether an error message may repeat the configured value. Terraform strips its
/// `sensitive` marks before values reach a provider, so the provider cannot tell a value
/// from a sensitive variable from any other. It can tell when the value was written into
/// the configuration itself: those are known at `terraform validate`, before the provider
/// is configured (input variables are unknown then), and Terraform quotes the
/// configuration line under the error anyway. Values that only become known later
/// (from variables or other resources) are described, not repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Echo {
    /// The value is a literal of the configuration: show it.
    Value,
    /// The value may come from a sensitive variable: never show it.
    Hidden,
}

impl Echo {
    /// "`attr` = 1.5 hours" or "the value of `attr`".
    fn subject(self, attr: &str, n: &Number, unit: &str) -> String {
        match self {
            Echo::Value => format!("{attr} = {}{unit}", n.display()),
            Echo::Hidden => format!("The value of {attr}"),
        }
    }
}

/// Whether a lifetime bounds a session's whole length or its time unused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifetimeKind {
    Absolute,
    Idle,
}

/// The absolute lifetime an idle lifetime is bounded by, for idle lifetimes.
pub fn absolute_of(l: Lifetime) -> Option<Lifetime> {
    match l {
        Lifetime::IdleSession => Some(Lifetime::Session),
        Lifetime::IdleEphemeralSession => Some(Lifetime::EphemeralSession),
        Lifetime::Session | Lifetime::EphemeralSession => None,
    }
}

/// Auth0 plan families, which cap lifetimes at different "system limits".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantPlan {
    SelfService,
    Enterprise,
}

impl TenantPlan {
    pub fn parse(s: &str) -> Option<TenantPlan> {
        match s {
            "self-service" => Some(TenantPlan::SelfService),
            "enterprise" => Some(TenantPlan::Enterprise),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            TenantPlan::SelfService => "self-service",
            TenantPlan::Enterprise => "enterprise",
        }
    }
    /// The documented system limit, in minutes.
    pub fn limit_minutes(self, kind: LifetimeKind) -> u32 {
        match (self, kind) {
            (TenantPlan::SelfService, LifetimeKind::Idle) => 72 * 60,
            (TenantPlan::SelfService, LifetimeKind::Absolute) => 720 * 60,
            (TenantPlan::Enterprise, LifetimeKind::Idle) => 2_400 * 60,
            (TenantPlan::Enterprise, LifetimeKind::Absolute) => 8_760 * 60,
        }
    }
}

/// A rule a configured value breaks, worded for the person who wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub summary: String,
    pub detail: String,
}

/// Configured hours as whole minutes, or the rule the value breaks.
fn checked_hours(attr: &str, n: &Number, echo: Echo) -> Result<u32, Invalid> {
    // Described only on the error paths: validation runs on every plan.
    let subject = || echo.subject(attr, n, " hours");
    let h = n.as_f64();
    if !n.is_positive() {
        return Err(Invalid {
            summary: format!("{attr} must be greater than 0"),
            detail: format!(
                "{} is not a positive number of hours. Auth0 needs at least 1 minute (1/60 hour).",
                subject()
            ),
        });
    }
    let m = h * 60.0;
    if m > f64::from(MAX_MINUTES) * (1.0 + WHOLE_MINUTE_ULPS * f64::EPSILON) {
        return Err(above_maximum(attr, &subject()));
    }
    let rounded = m.round();
    if (m - rounded).abs() > rounded.max(1.0) * WHOLE_MINUTE_ULPS * f64::EPSILON {
        let minutes = match echo {
            Echo::Value => format!(" ({m:.4} minutes)"),
            Echo::Hidden => String::new(),
        };
        return Err(Invalid {
            summary: format!("{attr} is not a whole number of minutes"),
            detail: format!(
                "{}{minutes} is not a whole number of minutes, and Auth0 stores session \
                 lifetimes in whole minutes. Write hours that are whole minutes (such as \
                 {}/60 for {} minutes), or set {attr}_in_minutes instead.",
                subject(),
                rounded.max(1.0),
                rounded.max(1.0)
            ),
        });
    }
    if rounded < 1.0 {
        return Err(below_minimum(attr, &subject()));
    }
    Ok(rounded as u32)
}

/// Configured minutes (a whole number), or the rule the value breaks.
fn checked_whole_minutes(attr: &str, n: &Number, echo: Echo) -> Result<u32, Invalid> {
    let subject = || echo.subject(attr, n, " minutes");
    let m = n.as_f64();
    if !n.is_positive() {
        return Err(Invalid {
            summary: format!("{attr} must be greater than 0"),
            detail: format!(
                "{} is not a positive number of minutes; the minimum is 1.",
                subject()
            ),
        });
    }
    if m > f64::from(MAX_MINUTES) {
        return Err(above_maximum(attr, &subject()));
    }
    if m < 1.0 {
        return Err(below_minimum(attr, &subject()));
    }
    if m.fract() != 0.0 {
        return Err(Invalid {
            summary: format!("{attr} must be a whole number"),
            detail: format!(
                "{} is not a whole number: Auth0 stores session lifetimes in whole minutes.",
                subject()
            ),
        });
    }
    Ok(m as u32)
}

fn below_minimum(attr: &str, subject: &str) -> Invalid {
    Invalid {
        summary: format!("{attr} is below Auth0's minimum of 1 minute"),
        detail: format!("{subject} is less than 1 minute, the shortest lifetime Auth0 accepts."),
    }
}

fn above_maximum(attr: &str, subject: &str) -> Invalid {
    Invalid {
        summary: format!("{attr} is above Auth0's maximum of 8760 hours"),
        detail: format!(
            "{subject} is more than 8760 hours ({MAX_MINUTES} minutes), the longest lifetime Auth0 \
             accepts for any session lifetime."
        ),
    }
}

/// The warning, if any, for a value above the plan's system limit.
pub fn plan_limit_warning(
    attr: &str,
    kind: LifetimeKind,
    minutes: u32,
    plan: Option<TenantPlan>,
    echo: Echo,
) -> Option<Invalid> {
    let kind_name = match kind {
        LifetimeKind::Idle => "idle",
        LifetimeKind::Absolute => "absolute",
    };
    // Worded only when there is a warning to give.
    let is = || match echo {
        Echo::Value => format!("{attr} is {}", display_minutes(minutes)),
        Echo::Hidden => format!("The value of {attr} is longer than that"),
    };
    match plan {
        Some(plan) => {
            let limit = plan.limit_minutes(kind);
            (minutes > limit).then(|| Invalid {
                summary: format!("{attr} is above the {} plan's system limit", plan.as_str()),
                detail: format!(
                    "On {} plans Auth0 enforces an {kind_name} session limit of {}. {}: sessions \
                     will end at {} whatever this setting says.",
                    plan.as_str(),
                    display_minutes(limit),
                    is(),
                    display_minutes(limit)
                ),
            })
        }
        None => {
            let ss = TenantPlan::SelfService.limit_minutes(kind);
            let ent = TenantPlan::Enterprise.limit_minutes(kind);
            (minutes > ss).then(|| Invalid {
                summary: format!("{attr} may be above your plan's system limit"),
                detail: format!(
                    "Auth0 caps {kind_name} sessions at {} on self-service plans and {} on enterprise \
                     plans. {}. Set tenant_plan in the provider block to say which applies.",
                    display_minutes(ss),
                    display_minutes(ent),
                    is()
                ),
            })
        }
    }
}

/// The two ways a lifetime is written: hours (`session_lifetime`, fractions allowed) or
/// whole minutes (`session_lifetime_in_minutes`). Each way has a strict reading (a
/// configured value: every rule applies), a lenient one (a value already in state), and
/// the provider's own way of writing a number of minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    Hours,
    Minutes,
}

impl Spelling {
    /// The minutes a configured value stands for, or the rule it breaks.
    pub fn checked_minutes(self, attr: &str, n: &Number, echo: Echo) -> Result<u32, Invalid> {
        match self {
            Spelling::Hours => checked_hours(attr, n, echo),
            Spelling::Minutes => checked_whole_minutes(attr, n, echo),
        }
    }

    /// The minutes a value in state stands for, if it is a valid one. Hours round to the
    /// nearest minute, as the client rounds the hours Auth0 reports.
    pub fn minutes_in(self, n: &Number) -> Option<u32> {
        match self {
            Spelling::Hours => crate::auth0::Minutes::from_hours(n.as_f64()).map(|m| m.0),
            Spelling::Minutes => {
                let m = n.as_f64();
                (m.is_finite() && m >= 0.5).then(|| m.round() as u32)
            }
        }
    }

    /// `minutes` written in this spelling when nothing in the configuration says how:
    /// whole hours as integers, other hours as the closest float.
    pub fn number(self, minutes: u32) -> Number {
        match self {
            Spelling::Minutes => Number::Int(i64::from(minutes)),
            Spelling::Hours if minutes.is_multiple_of(60) => Number::Int(i64::from(minutes / 60)),
            Spelling::Hours => Number::Float(f64::from(minutes) / 60.0),
        }
    }

    /// How a lifetime is written when only its minutes are known: whole hours as hours,
    /// anything else as minutes.
    pub fn natural(minutes: u32) -> Spelling {
        if minutes.is_multiple_of(60) {
            Spelling::Hours
        } else {
            Spelling::Minutes
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Number {
        Number::Decimal(s.into(), s.parse().unwrap())
    }

    fn h(n: &Number) -> Result<u32, Invalid> {
        Spelling::Hours.checked_minutes("session_lifetime", n, Echo::Value)
    }

    #[test]
    fn whole_minutes_pass() {
        assert_eq!(h(&Number::Float(0.5)), Ok(30));
        assert_eq!(h(&Number::Int(168)), Ok(10080));
        // 181/60 as Terraform computes and sends it, and as the closest f64.
        assert_eq!(h(&dec(&format!("3.01{}67", "6".repeat(150)))), Ok(181));
        assert_eq!(h(&Number::Float(181.0 / 60.0)), Ok(181));
        assert_eq!(h(&Number::Float(1.0 / 60.0)), Ok(1));
        assert_eq!(h(&Number::Int(8760)), Ok(MAX_MINUTES));
        // Every whole minute up to the maximum, written as m/60 hours, passes.
        for m in (1..=MAX_MINUTES).step_by(7) {
            assert_eq!(h(&Number::Float(f64::from(m) / 60.0)), Ok(m), "{m}");
        }
        assert_eq!(
            h(&Number::Float(f64::from(MAX_MINUTES) / 60.0)),
            Ok(MAX_MINUTES)
        );
    }

    #[test]
    fn hours_a_hair_off_a_whole_minute_are_refused() {
        // 10080.006 minutes: sent as 168 h it would leave the state claiming 168.0001.
        let e = h(&Number::Float(168.0001)).unwrap_err();
        assert!(e.summary.contains("whole number of minutes"), "{e:?}");
        assert!(
            e.detail.contains("168.0001") && e.detail.contains("10080.0060"),
            "{e:?}"
        );
        // Above the maximum, however close to a whole minute.
        let e = h(&Number::Float(8760.005)).unwrap_err();
        assert!(e.summary.contains("maximum of 8760 hours"), "{e:?}");
        let e = h(&Number::Float(8760.0000001)).unwrap_err();
        assert!(e.summary.contains("maximum of 8760 hours"), "{e:?}");
        let e = h(&dec("3.0166667")).unwrap_err();
        assert!(e.summary.contains("whole number of minutes"), "{e:?}");
    }

    #[test]
    fn rules_are_named() {
        let e = h(&Number::Float(0.3333)).unwrap_err();
        assert!(e.summary.contains("whole number of minutes"), "{e:?}");
        assert!(e.detail.contains("0.3333") && e.detail.contains("session_lifetime_in_minutes"));
        let e = h(&Number::Int(0)).unwrap_err();
        assert!(e.summary.contains("greater than 0"));
        let e = h(&Number::Int(-5)).unwrap_err();
        assert!(e.summary.contains("greater than 0"));
        let e = h(&Number::Int(8761)).unwrap_err();
        assert!(e.summary.contains("8760"), "{e:?}");
        let e = Spelling::Minutes
            .checked_minutes("x_in_minutes", &Number::Float(1.5), Echo::Value)
            .unwrap_err();
        assert!(e.summary.contains("whole number"));
        let e = Spelling::Minutes
            .checked_minutes("x_in_minutes", &Number::Int(525_601), Echo::Value)
            .unwrap_err();
        assert!(e.summary.contains("maximum"));
        assert_eq!(
            Spelling::Minutes.checked_minutes("x", &Number::Int(1), Echo::Value),
            Ok(1)
        );
    }

    #[test]
    fn every_number_terraform_can_send_gets_a_rule() {
        let huge = Number::from_decimal_text(&format!("1{}", "0".repeat(400))).unwrap();
        let tiny = Number::from_decimal_text(&format!("0.{}1", "0".repeat(399))).unwrap();
        let neg_huge = Number::from_decimal_text(&format!("-1{}", "0".repeat(400))).unwrap();
        for (n, rule, shown) in [
            (&huge, "maximum of 8760 hours", "1e400"),
            (&Number::Float(1e300), "maximum of 8760 hours", "1e300"),
            (&tiny, "minimum of 1 minute", "1e-400"),
            (&neg_huge, "greater than 0", "-1e400"),
            (&Number::Float(1e-300), "minimum of 1 minute", "1e-300"),
        ] {
            for e in [
                h(n).unwrap_err(),
                Spelling::Minutes
                    .checked_minutes("session_lifetime_in_minutes", n, Echo::Value)
                    .unwrap_err(),
            ] {
                assert!(e.summary.contains(rule), "{n:?}: {e:?}");
                assert!(e.detail.contains(shown), "{n:?}: {e:?}");
                assert!(!e.detail.contains("18446744073709551615"), "{e:?}");
            }
        }
    }

    #[test]
    fn hidden_values_are_described_not_repeated() {
        for e in [
            h(&Number::Float(0.3333)).map(|_| ()),
            h(&Number::Float(1e300)).map(|_| ()),
            Spelling::Minutes
                .checked_minutes("m", &Number::Float(2.5), Echo::Value)
                .map(|_| ()),
        ] {
            assert!(e.is_err());
        }
        for (n, f) in [
            (Number::Float(0.3333), Spelling::Hours),
            (Number::Float(1e300), Spelling::Hours),
            (Number::Float(-2.0), Spelling::Hours),
            (Number::Float(2.5), Spelling::Minutes),
        ] {
            let e = f
                .checked_minutes("session_lifetime", &n, Echo::Hidden)
                .unwrap_err();
            let text = format!("{} {}", e.summary, e.detail);
            assert!(text.contains("The value of session_lifetime"), "{text}");
            let v = n.display();
            assert!(!text.contains(&v), "{v} echoed: {text}");
        }
        let w =
            plan_limit_warning("idle", LifetimeKind::Idle, 100 * 60, None, Echo::Hidden).unwrap();
        assert!(!w.detail.contains("100 h"), "{w:?}");
    }

    #[test]
    fn plan_limits() {
        assert!(
            plan_limit_warning("idle", LifetimeKind::Idle, 72 * 60, None, Echo::Value).is_none()
        );
        let w =
            plan_limit_warning("idle", LifetimeKind::Idle, 100 * 60, None, Echo::Value).unwrap();
        assert!(
            w.detail.contains("72 h") && w.detail.contains("2400 h"),
            "{w:?}"
        );
        let w = plan_limit_warning(
            "s",
            LifetimeKind::Absolute,
            800 * 60,
            Some(TenantPlan::SelfService),
            Echo::Value,
        )
        .unwrap();
        assert!(w.detail.contains("720 h"), "{w:?}");
        assert!(plan_limit_warning(
            "s",
            LifetimeKind::Absolute,
            800 * 60,
            Some(TenantPlan::Enterprise),
            Echo::Value,
        )
        .is_none());
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(Spelling::Hours.number(10080), Number::Int(168));
        assert_eq!(Spelling::Hours.number(15), Number::Float(0.25));
        assert_eq!(Spelling::Minutes.number(15), Number::Int(15));
        assert_eq!(
            Spelling::Hours.minutes_in(&Number::Float(181.0 / 60.0)),
            Some(181)
        );
        assert_eq!(Spelling::Minutes.minutes_in(&Number::Float(0.4)), None);
        assert_eq!(Spelling::natural(120), Spelling::Hours);
        assert_eq!(Spelling::natural(90), Spelling::Minutes);
    }
}
