//! Session lifetimes: the four hour/minute attribute pairs, their conversion to Auth0's
//! whole minutes, and the rules a value must meet. Pure functions, no I/O.

use crate::protocol::codec::Number;

/// Auth0 accepts at most 8,760 hours (one year) for every session lifetime.
pub const MAX_MINUTES: u32 = 8_760 * 60;
/// Tolerance when deciding whether hours are a whole number of minutes: `181/60` arrives
/// as a decimal that f64 cannot hold exactly.
const WHOLE_MINUTE_EPSILON: f64 = 1e-6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifetimeKind {
    Absolute,
    Idle,
}

/// One lifetime and its two spellings.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    pub hours_attr: &'static str,
    pub minutes_attr: &'static str,
    pub kind: LifetimeKind,
    pub what: &'static str,
}

pub const PAIRS: [Pair; 4] = [
    Pair {
        hours_attr: "session_lifetime",
        minutes_attr: "session_lifetime_in_minutes",
        kind: LifetimeKind::Absolute,
        what: "how long a persistent session may last, however active the user is",
    },
    Pair {
        hours_attr: "idle_session_lifetime",
        minutes_attr: "idle_session_lifetime_in_minutes",
        kind: LifetimeKind::Idle,
        what: "how long a persistent session may stay unused before the user must log in again",
    },
    Pair {
        hours_attr: "ephemeral_session_lifetime",
        minutes_attr: "ephemeral_session_lifetime_in_minutes",
        kind: LifetimeKind::Absolute,
        what: "how long a non-persistent (browser-session cookie) session may last",
    },
    Pair {
        hours_attr: "idle_ephemeral_session_lifetime",
        minutes_attr: "idle_ephemeral_session_lifetime_in_minutes",
        kind: LifetimeKind::Idle,
        what: "how long a non-persistent session may stay unused",
    },
];

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

fn fmt_hours(minutes: u32) -> String {
    if minutes % 60 == 0 {
        format!("{} h", minutes / 60)
    } else {
        format!("{minutes} min")
    }
}

/// Converts configured hours to whole minutes, or says which rule the value breaks.
pub fn hours_to_minutes(attr: &str, n: &Number) -> Result<u32, Invalid> {
    let h = n.as_f64();
    let shown = n.display();
    if !h.is_finite() || h <= 0.0 {
        return Err(Invalid {
            summary: format!("{attr} must be greater than 0"),
            detail: format!(
                "{attr} = {shown} is not a positive number of hours. Auth0 needs at least 1 minute (1/60 hour)."
            ),
        });
    }
    let m = h * 60.0;
    let rounded = m.round();
    if (m - rounded).abs() > WHOLE_MINUTE_EPSILON * rounded.max(1.0) {
        return Err(Invalid {
            summary: format!("{attr} is not a whole number of minutes"),
            detail: format!(
                "{attr} = {shown} hours is {m:.4} minutes, but Auth0 stores session lifetimes in whole \
                 minutes. Use a value such as {}/60 or {}/60, or set {attr}_in_minutes instead.",
                m.floor().max(1.0),
                m.ceil()
            ),
        });
    }
    check_range(attr, &shown, " hours", rounded)
}

/// Validates configured minutes (a whole number).
pub fn minutes_value(attr: &str, n: &Number) -> Result<u32, Invalid> {
    let m = n.as_f64();
    let shown = n.display();
    if !m.is_finite() || m <= 0.0 {
        return Err(Invalid {
            summary: format!("{attr} must be greater than 0"),
            detail: format!(
                "{attr} = {shown} is not a positive number of minutes; the minimum is 1."
            ),
        });
    }
    if m.fract() != 0.0 {
        return Err(Invalid {
            summary: format!("{attr} must be a whole number"),
            detail: format!("{attr} = {shown}: Auth0 stores session lifetimes in whole minutes."),
        });
    }
    check_range(attr, &shown, " minutes", m)
}

fn check_range(attr: &str, shown: &str, unit: &str, minutes: f64) -> Result<u32, Invalid> {
    if minutes < 1.0 {
        return Err(Invalid {
            summary: format!("{attr} is below Auth0's minimum of 1 minute"),
            detail: format!("{attr} = {shown}{unit} is less than 1 minute."),
        });
    }
    if minutes > MAX_MINUTES as f64 {
        return Err(Invalid {
            summary: format!("{attr} is above Auth0's maximum of 8760 hours"),
            detail: format!(
                "{attr} = {shown}{unit} is {} minutes; Auth0 accepts at most 8760 hours ({MAX_MINUTES} minutes) \
                 for any session lifetime.",
                minutes as u64
            ),
        });
    }
    Ok(minutes as u32)
}

/// The warning, if any, for a value above the plan's system limit.
pub fn plan_limit_warning(
    attr: &str,
    kind: LifetimeKind,
    minutes: u32,
    plan: Option<TenantPlan>,
) -> Option<Invalid> {
    let kind_name = match kind {
        LifetimeKind::Idle => "idle",
        LifetimeKind::Absolute => "absolute",
    };
    match plan {
        Some(plan) => {
            let limit = plan.limit_minutes(kind);
            (minutes > limit).then(|| Invalid {
                summary: format!("{attr} is above the {} plan's system limit", plan.as_str()),
                detail: format!(
                    "{attr} is {}, but on {} plans Auth0 enforces an {kind_name} session limit of {}: sessions \
                     will end at {} whatever this setting says.",
                    fmt_hours(minutes),
                    plan.as_str(),
                    fmt_hours(limit),
                    fmt_hours(limit)
                ),
            })
        }
        None => {
            let ss = TenantPlan::SelfService.limit_minutes(kind);
            let ent = TenantPlan::Enterprise.limit_minutes(kind);
            (minutes > ss).then(|| Invalid {
                summary: format!("{attr} may be above your plan's system limit"),
                detail: format!(
                    "{attr} is {}. Auth0 caps {kind_name} sessions at {} on self-service plans and {} on \
                     enterprise plans. Set tenant_plan in the provider block to say which applies.",
                    fmt_hours(minutes),
                    fmt_hours(ss),
                    fmt_hours(ent)
                ),
            })
        }
    }
}

/// Hours as the provider writes them when nothing in the configuration says otherwise:
/// an integer for whole hours, else the closest float.
pub fn canonical_hours(minutes: u32) -> Number {
    if minutes % 60 == 0 {
        Number::Int(i64::from(minutes / 60))
    } else {
        Number::Float(f64::from(minutes) / 60.0)
    }
}

pub fn minutes_number(minutes: u32) -> Number {
    Number::Int(i64::from(minutes))
}

/// Minutes a stored hours value stands for, if it is a valid one: the same rounding the
/// client applies to the hours Auth0 reports.
pub fn stored_hours_minutes(n: &Number) -> Option<u32> {
    crate::auth0::Minutes::from_hours(n.as_f64()).map(|m| m.0)
}

pub fn stored_minutes(n: &Number) -> Option<u32> {
    let m = n.as_f64();
    (m.is_finite() && m >= 0.5).then(|| m.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Number {
        Number::Decimal(s.into(), s.parse().unwrap())
    }

    #[test]
    fn whole_minutes_pass() {
        assert_eq!(hours_to_minutes("a", &Number::Float(0.5)), Ok(30));
        assert_eq!(hours_to_minutes("a", &Number::Int(168)), Ok(10080));
        assert_eq!(
            hours_to_minutes("a", &dec("3.0166666666666666666666666666666666666667")),
            Ok(181)
        );
        assert_eq!(hours_to_minutes("a", &Number::Float(181.0 / 60.0)), Ok(181));
        assert_eq!(hours_to_minutes("a", &Number::Float(1.0 / 60.0)), Ok(1));
        assert_eq!(hours_to_minutes("a", &Number::Int(8760)), Ok(MAX_MINUTES));
    }

    #[test]
    fn rules_are_named() {
        let e = hours_to_minutes("session_lifetime", &Number::Float(0.3333)).unwrap_err();
        assert!(e.summary.contains("whole number of minutes"), "{e:?}");
        assert!(e.detail.contains("0.3333") && e.detail.contains("session_lifetime_in_minutes"));
        let e = hours_to_minutes("session_lifetime", &Number::Int(0)).unwrap_err();
        assert!(e.summary.contains("greater than 0"));
        let e = hours_to_minutes("session_lifetime", &Number::Int(-5)).unwrap_err();
        assert!(e.summary.contains("greater than 0"));
        let e = hours_to_minutes("session_lifetime", &Number::Int(8761)).unwrap_err();
        assert!(e.summary.contains("8760"), "{e:?}");
        let e = hours_to_minutes("session_lifetime", &Number::Float(1e300)).unwrap_err();
        assert!(e.summary.contains("maximum"));
        let e = minutes_value("x_in_minutes", &Number::Float(1.5)).unwrap_err();
        assert!(e.summary.contains("whole number"));
        let e = minutes_value("x_in_minutes", &Number::Int(525_601)).unwrap_err();
        assert!(e.summary.contains("maximum"));
        assert_eq!(minutes_value("x", &Number::Int(1)), Ok(1));
    }

    #[test]
    fn plan_limits() {
        assert!(plan_limit_warning("idle", LifetimeKind::Idle, 72 * 60, None).is_none());
        let w = plan_limit_warning("idle", LifetimeKind::Idle, 100 * 60, None).unwrap();
        assert!(
            w.detail.contains("72 h") && w.detail.contains("2400 h"),
            "{w:?}"
        );
        let w = plan_limit_warning(
            "s",
            LifetimeKind::Absolute,
            800 * 60,
            Some(TenantPlan::SelfService),
        )
        .unwrap();
        assert!(w.detail.contains("720 h"), "{w:?}");
        assert!(plan_limit_warning(
            "s",
            LifetimeKind::Absolute,
            800 * 60,
            Some(TenantPlan::Enterprise)
        )
        .is_none());
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical_hours(10080), Number::Int(168));
        assert_eq!(canonical_hours(15), Number::Float(0.25));
        assert_eq!(
            stored_hours_minutes(&Number::Float(181.0 / 60.0)),
            Some(181)
        );
    }
}
