//! Helpers the resource's unit tests share.

use tf_provider::value::Value;

use super::desired::Desired;
use super::model::SessionModel;
use super::plan::plan;
use super::state::state_after_apply;
use crate::auth0::{CookieMode, Minutes, PerLifetime, SessionSettings};
use crate::protocol::codec::Number;
use crate::protocol::tfplugin6::{attribute_path::step::Selector, Diagnostic};
use crate::provider::lifetimes::{Echo, Lifetime};

pub fn n(v: i64) -> Value<Number> {
    Value::Value(Number::Int(v))
}

/// A tenant's settings, lifetimes in minutes in the order of [`Lifetime::ALL`].
pub fn settings(m: [u32; Lifetime::COUNT]) -> SessionSettings {
    SessionSettings {
        lifetimes: PerLifetime::from(m.map(Minutes)),
        cookie_mode: CookieMode::Persistent,
    }
}

/// The attributes the diagnostics point at.
pub fn attrs(d: &[Diagnostic]) -> Vec<String> {
    d.iter()
        .filter_map(|d| d.attribute.as_ref())
        .filter_map(|p| match &p.steps[0].selector {
            Some(Selector::AttributeName(n)) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// The state an apply of `cfg` on a tenant holding `m` leaves.
pub fn applied(cfg: &SessionModel, m: [u32; Lifetime::COUNT]) -> SessionModel {
    let desired = Desired::read(cfg, Echo::Hidden);
    let planned = plan(None, cfg, Some("t"), None);
    let sent = desired.update();
    let before = settings(m);
    let minutes = |l: Lifetime| sent.lifetime(l).unwrap_or(before.lifetime(l)).0;
    let actual = settings(Lifetime::ALL.map(minutes));
    let (mut st, d) = state_after_apply(&planned, Some(cfg), &sent, &actual, "t");
    assert!(d.is_empty(), "{d:?}");
    st.original_settings = Value::Null;
    st
}
