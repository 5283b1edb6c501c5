//! What a configuration asks for, read once per step: each lifetime and the cookie mode,
//! typed, with the rule a value breaks worded once. Validation reports from it; plan and
//! apply build the PATCH from it.

use tf_provider::value::Value;

use super::model::SessionModel;
use crate::auth0::{CookieMode, Minutes, PerLifetime, SessionUpdate};
use crate::protocol::diagnostics::{attr_error, attr_warning};
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::attributes::{pair, COOKIE_MODE_ATTR};
use crate::provider::lifetimes::{
    self, absolute_of, Echo, Invalid, Lifetime, Spelling, TenantPlan,
};

/// What the configuration asks of one lifetime. Rules are boxed: they are rare, and a
/// small `Wanted` keeps reading a configuration cheap (it runs on every plan).
#[derive(Debug, Clone, PartialEq)]
pub enum Wanted {
    /// Neither spelling is set: the tenant's value is left alone.
    Unmanaged,
    /// A spelling is known only at apply. The other one, if set, is still checked (and
    /// reported) now: `known` is its reading.
    Unknown { known: Option<Box<Wanted>> },
    /// One spelling, valid.
    Minutes { minutes: u32, spelling: Spelling },
    /// Both spellings: an error in a configuration, but a plan's configuration carries
    /// the state's value of a spelling named in `ignore_changes`. `agreed` when both are
    /// valid and stand for the same minutes.
    Both {
        agreed: Option<u32>,
        rule: Box<Invalid>,
    },
    /// One spelling, breaking `rule`.
    Invalid {
        spelling: Spelling,
        rule: Box<Invalid>,
    },
}

impl Wanted {
    fn read(cfg: &SessionModel, l: Lifetime, echo: Echo) -> Wanted {
        let p = pair(l);
        let checked = |s: Spelling, v| s.checked_minutes(p.attr(s), v, echo);
        match (cfg.hours(l), cfg.minutes(l)) {
            (Value::Value(h), Value::Value(m)) => {
                let agreed = match (checked(Spelling::Hours, h), checked(Spelling::Minutes, m)) {
                    (Ok(a), Ok(b)) if a == b => Some(a),
                    _ => None,
                };
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
                let rule = Box::new(Invalid {
                    summary: format!("Set {} or {}, not both", p.hours_attr, p.minutes_attr),
                    detail: format!(
                        "{both} two spellings of one lifetime (hours and minutes). Keep the one you \
                         prefer; the other is computed from it."
                    ),
                });
                Wanted::Both { agreed, rule }
            }
            (Value::Value(v), Value::Null) => {
                Wanted::one(Spelling::Hours, checked(Spelling::Hours, v))
            }
            (Value::Null, Value::Value(v)) => {
                Wanted::one(Spelling::Minutes, checked(Spelling::Minutes, v))
            }
            (Value::Value(v), Value::Unknown) => Wanted::Unknown {
                known: Some(Box::new(Wanted::one(
                    Spelling::Hours,
                    checked(Spelling::Hours, v),
                ))),
            },
            (Value::Unknown, Value::Value(v)) => Wanted::Unknown {
                known: Some(Box::new(Wanted::one(
                    Spelling::Minutes,
                    checked(Spelling::Minutes, v),
                ))),
            },
            (Value::Unknown, _) | (_, Value::Unknown) => Wanted::Unknown { known: None },
            (Value::Null, Value::Null) => Wanted::Unmanaged,
        }
    }

    fn one(spelling: Spelling, checked: Result<u32, Invalid>) -> Wanted {
        match checked {
            Ok(minutes) => Wanted::Minutes { minutes, spelling },
            Err(rule) => Wanted::Invalid {
                spelling,
                rule: Box::new(rule),
            },
        }
    }

    /// The minutes to send, when the configuration gives exactly one.
    pub fn minutes(&self) -> Option<u32> {
        match self {
            Wanted::Minutes { minutes, .. } => Some(*minutes),
            Wanted::Both { agreed, .. } => *agreed,
            Wanted::Unmanaged | Wanted::Unknown { .. } | Wanted::Invalid { .. } => None,
        }
    }

    /// Managed, but what to send is not known (unknown until apply, or invalid).
    fn undecided(&self) -> bool {
        match self {
            Wanted::Unmanaged | Wanted::Minutes { .. } => false,
            Wanted::Both { agreed, .. } => agreed.is_none(),
            Wanted::Unknown { .. } | Wanted::Invalid { .. } => true,
        }
    }

    /// The attribute of lifetime `l` this reading comes from (hours unless minutes is set).
    fn attr(&self, l: Lifetime) -> &'static str {
        let p = pair(l);
        match self {
            Wanted::Minutes { spelling, .. } | Wanted::Invalid { spelling, .. } => {
                p.attr(*spelling)
            }
            Wanted::Both { .. } => p.minutes_attr,
            Wanted::Unmanaged | Wanted::Unknown { .. } => p.hours_attr,
        }
    }

    /// What validation reports on: the known spelling of a half-unknown pair, else this.
    fn reported(&self) -> &Wanted {
        match self {
            Wanted::Unknown { known: Some(w) } => w,
            w => w,
        }
    }
}

/// What the configuration asks of the cookie mode.
#[derive(Debug, Clone, PartialEq)]
pub enum WantedCookie {
    Unmanaged,
    Unknown,
    Mode(CookieMode),
    Invalid(Box<Invalid>),
}

impl WantedCookie {
    fn read(cfg: &SessionModel, echo: Echo) -> WantedCookie {
        match &cfg.session_cookie_mode {
            Value::Null => WantedCookie::Unmanaged,
            Value::Unknown => WantedCookie::Unknown,
            Value::Value(mode) => match mode.parse() {
                Ok(m) => WantedCookie::Mode(m),
                Err(_) => {
                    let subject = match echo {
                        Echo::Value => format!("{COOKIE_MODE_ATTR} = {mode:?}"),
                        Echo::Hidden => format!("The value of {COOKIE_MODE_ATTR}"),
                    };
                    WantedCookie::Invalid(Box::new(Invalid {
                        summary: format!("Invalid {COOKIE_MODE_ATTR}"),
                        detail: format!(
                            "{subject} is not one of the modes Auth0 knows: expected {}.",
                            CookieMode::expected()
                        ),
                    }))
                }
            },
        }
    }

    pub fn mode(&self) -> Option<CookieMode> {
        match self {
            WantedCookie::Mode(m) => Some(*m),
            WantedCookie::Unmanaged | WantedCookie::Unknown | WantedCookie::Invalid(_) => None,
        }
    }
}

/// The configuration, read once.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    pub lifetimes: PerLifetime<Wanted>,
    pub cookie: WantedCookie,
    /// Whether messages may repeat configured values.
    pub echo: Echo,
}

impl Desired {
    pub fn read(cfg: &SessionModel, echo: Echo) -> Desired {
        // Each reading is written into its place. Built by `PerLifetime::from_fn`, every
        // `Wanted` was returned through a temporary and copied with wide loads over its
        // narrow stores (a store-forwarding stall per lifetime): validate ran 25% slower
        // than before `Desired` for about the same instructions.
        let mut d = Desired {
            lifetimes: PerLifetime::from([const { Wanted::Unmanaged }; Lifetime::COUNT]),
            cookie: WantedCookie::read(cfg, echo),
            echo,
        };
        for l in Lifetime::ALL {
            d.lifetimes[l] = Wanted::read(cfg, l, echo);
        }
        d
    }

    /// The attribute a lifetime is configured in (hours unless minutes is set).
    pub fn attr(&self, l: Lifetime) -> &'static str {
        self.lifetimes[l].reported().attr(l)
    }

    /// The PATCH of a create or an update: every configured value, so the tenant ends
    /// up exactly as configured even when the plan was made from a stale state.
    pub fn update(&self) -> SessionUpdate {
        SessionUpdate {
            lifetimes: self.lifetimes.map(|_, w| w.minutes().map(Minutes)),
            cookie_mode: self.cookie.mode(),
        }
    }

    /// The configured values that differ from `prior`.
    pub fn changes(&self, prior: &SessionModel) -> SessionUpdate {
        let mut u = self.update();
        for l in Lifetime::ALL {
            if u.lifetime(l).map(|m| m.0) == prior.pair_minutes(l) {
                u.lifetimes[l] = None;
            }
        }
        if u.cookie_mode.is_some() && u.cookie_mode == prior.cookie() {
            u.cookie_mode = None;
        }
        u
    }

    /// A managed value whose minutes are not decided: unknown until apply, or invalid.
    pub fn undecided(&self) -> bool {
        self.lifetimes.values().iter().any(Wanted::undecided)
            || matches!(
                self.cookie,
                WantedCookie::Unknown | WantedCookie::Invalid(_)
            )
    }

    /// Everything to tell the person: the rules broken (errors), and values above the
    /// plan's system limit or idle lifetimes longer than their absolute one (warnings).
    pub fn report(&self, plan: Option<TenantPlan>) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        for l in Lifetime::ALL {
            let w = self.lifetimes[l].reported();
            match w {
                Wanted::Both { rule, .. } | Wanted::Invalid { rule, .. } => diags.push(attr_error(
                    w.attr(l),
                    rule.summary.clone(),
                    rule.detail.clone(),
                )),
                Wanted::Minutes { minutes, .. } => {
                    let (attr, kind) = (w.attr(l), pair(l).kind);
                    if let Some(w) =
                        lifetimes::plan_limit_warning(attr, kind, *minutes, plan, self.echo)
                    {
                        diags.push(attr_warning(attr, w.summary, w.detail));
                    }
                }
                Wanted::Unmanaged | Wanted::Unknown { .. } => {}
            }
        }
        self.idle_longer_than_absolute(&mut diags);
        if let WantedCookie::Invalid(rule) = &self.cookie {
            diags.push(attr_error(
                COOKIE_MODE_ATTR,
                rule.summary.clone(),
                rule.detail.clone(),
            ));
        }
        diags
    }

    /// The errors only: checked again at apply, once every value is known.
    pub fn errors(&self) -> Vec<Diagnostic> {
        let mut diags = self.report(None);
        diags.retain(|d| {
            d.severity == crate::protocol::tfplugin6::diagnostic::Severity::Error as i32
        });
        diags
    }

    /// Idle longer than absolute means the idle limit can never be reached.
    fn idle_longer_than_absolute(&self, diags: &mut Vec<Diagnostic>) {
        let single = |l: Lifetime| match self.lifetimes[l].reported() {
            Wanted::Minutes { minutes, .. } => Some(*minutes),
            _ => None,
        };
        for l in Lifetime::ALL {
            let Some(abs) = absolute_of(l) else { continue };
            let (Some(i), Some(a)) = (single(l), single(abs)) else {
                continue;
            };
            if i <= a {
                continue;
            }
            let values = match self.echo {
                Echo::Value => format!(" ({i} min, against {a} min)"),
                Echo::Hidden => String::new(),
            };
            diags.push(attr_warning(
                self.attr(l),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::codec::Number;
    use crate::provider::tenant_session::test_support::{applied, n};

    fn read(cfg: &SessionModel) -> Desired {
        Desired::read(cfg, Echo::Value)
    }

    #[test]
    fn each_lifetime_is_read_once_into_what_it_asks() {
        let cfg = SessionModel {
            session_cookie_mode: Value::Value("non-persistent".into()),
            ..SessionModel::default()
        }
        .with_hours(Lifetime::Session, n(2))
        .with_minutes(Lifetime::IdleSession, Value::Value(Number::Float(1.5)))
        .with_hours(Lifetime::EphemeralSession, Value::Unknown);
        let d = read(&cfg);
        assert_eq!(
            d.lifetimes[Lifetime::Session],
            Wanted::Minutes {
                minutes: 120,
                spelling: Spelling::Hours
            }
        );
        assert!(matches!(
            d.lifetimes[Lifetime::IdleSession],
            Wanted::Invalid {
                spelling: Spelling::Minutes,
                ..
            }
        ));
        assert_eq!(
            d.lifetimes[Lifetime::EphemeralSession],
            Wanted::Unknown { known: None }
        );
        assert_eq!(
            d.lifetimes[Lifetime::IdleEphemeralSession],
            Wanted::Unmanaged
        );
        assert_eq!(d.cookie, WantedCookie::Mode(CookieMode::NonPersistent));
        assert!(d.undecided());
        assert_eq!(
            d.attr(Lifetime::IdleSession),
            "idle_session_lifetime_in_minutes"
        );
        // The PATCH holds what is decided, nothing else.
        let u = d.update();
        assert_eq!(u.lifetime(Lifetime::Session), Some(Minutes(120)));
        assert_eq!(u.lifetime(Lifetime::IdleSession), None);
        assert_eq!(u.cookie_mode, Some(CookieMode::NonPersistent));
    }

    #[test]
    fn twins_count_only_where_they_agree_and_a_half_unknown_pair_is_still_checked() {
        let agree = SessionModel::default()
            .with_hours(Lifetime::Session, n(1))
            .with_minutes(Lifetime::Session, n(60));
        let d = read(&agree);
        assert_eq!(d.lifetimes[Lifetime::Session].minutes(), Some(60));
        assert!(!d.undecided());
        // Still an error in a configuration.
        assert_eq!(d.errors().len(), 1);
        let differ = agree.clone().with_minutes(Lifetime::Session, n(61));
        assert_eq!(read(&differ).lifetimes[Lifetime::Session].minutes(), None);
        assert!(read(&differ).undecided());
        let half = SessionModel::default()
            .with_hours(Lifetime::Session, n(0))
            .with_minutes(Lifetime::Session, Value::Unknown);
        let d = read(&half);
        assert!(d.undecided());
        assert_eq!(d.errors().len(), 1, "the known spelling is checked");
        assert_eq!(d.attr(Lifetime::Session), "session_lifetime");
    }

    #[test]
    fn changes_are_what_differs_from_the_prior_state() {
        let cfg = SessionModel::default().with_hours(Lifetime::Session, n(48));
        let prior = applied(&cfg, [2880, 4320, 4320, 1440]);
        assert!(read(&cfg).changes(&prior).is_empty());
        let more = cfg.with_minutes(Lifetime::IdleSession, n(90));
        let u = read(&more).changes(&prior);
        assert_eq!(u.lifetime(Lifetime::Session), None);
        assert_eq!(u.lifetime(Lifetime::IdleSession), Some(Minutes(90)));
        let bad_cookie = SessionModel {
            session_cookie_mode: Value::Value("sometimes".into()),
            ..SessionModel::default()
        };
        let d = read(&bad_cookie);
        assert!(d.undecided());
        assert!(
            d.errors()[0].detail.contains("\"sometimes\""),
            "{:?}",
            d.errors()
        );
    }
}
