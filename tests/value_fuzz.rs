//! Properties of the value path, from the bytes Terraform sends to the PATCH Auth0 receives.
//!
//! Inputs are structured: each case is a configuration whose lifetimes are each unset,
//! unknown, valid in one of Terraform's number encodings, set in both spellings, or invalid
//! in a named way, encoded to msgpack by this file's own writer. So every case reaches the
//! rules instead of dying at the first byte, and what a case must lead to comes from the
//! generator, never from the production code under test. The provider is driven over gRPC
//! in-process, as Terraform drives it, against the local tenant. Case counts are bounded so
//! this runs with every `make test`; proptest records failing cases in
//! proptest-regressions/.
#![forbid(unsafe_code)]

mod common;

use std::collections::BTreeMap;

use local_tenant::{LocalTenant, SessionState, TenantConfig};
use proptest::prelude::*;
use tf_provider::value::Value;
use tfauth0::auth0::Lifetime;
use tfauth0::protocol::codec::{self, Number};
use tfauth0::protocol::tfplugin6::{self as pb, attribute_path::step::Selector, DynamicValue};
use tfauth0::provider::lifetimes::Echo;
use tfauth0::provider::provider_config::Env;
use tfauth0::provider::tenant_session::{self, SessionModel};
use tfauth0::provider::Auth0Provider;

const T: &str = "auth0_tenant_session";
const SETTINGS: &str = "/api/v2/tenants/settings";
const MAX_MINUTES: u32 = 8_760 * 60;

/// The four lifetimes as the schema (and Auth0's API) names them: (hours, minutes).
const LIFETIMES: [(&str, &str); 4] = [
    ("session_lifetime", "session_lifetime_in_minutes"),
    ("idle_session_lifetime", "idle_session_lifetime_in_minutes"),
    (
        "ephemeral_session_lifetime",
        "ephemeral_session_lifetime_in_minutes",
    ),
    (
        "idle_ephemeral_session_lifetime",
        "idle_ephemeral_session_lifetime_in_minutes",
    ),
];

// ------------------------------------------------------------------ msgpack, as Terraform writes it

/// One msgpack value of a configuration.
#[derive(Debug, Clone, PartialEq)]
enum Wire {
    Nil,
    /// cty's unknown value: fixext1 of type 0.
    Unknown,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    let b = s.as_bytes();
    match b.len() {
        n if n < 32 => out.push(0xa0 | n as u8),
        n if n < 256 => out.extend([0xd9, n as u8]),
        n => {
            out.push(0xda);
            out.extend((n as u16).to_be_bytes());
        }
    }
    out.extend(b);
}

fn write(w: &Wire, out: &mut Vec<u8>) {
    match w {
        Wire::Nil => out.push(0xc0),
        Wire::Unknown => out.extend([0xd4, 0x00, 0x00]),
        Wire::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Wire::Int(i) => {
            out.push(0xd3);
            out.extend(i.to_be_bytes());
        }
        Wire::UInt(u) => {
            out.push(0xcf);
            out.extend(u.to_be_bytes());
        }
        Wire::Float(f) => {
            out.push(0xcb);
            out.extend(f.to_bits().to_be_bytes());
        }
        Wire::Str(s) => write_str(s, out),
    }
}

/// A msgpack map of (attribute, value): what Terraform sends for an object.
fn object(entries: &[(String, Wire)]) -> DynamicValue {
    assert!(entries.len() < 16, "fixmap");
    let mut out = vec![0x80 | entries.len() as u8];
    for (k, v) in entries {
        write_str(k, &mut out);
        write(v, &mut out);
    }
    DynamicValue {
        msgpack: out,
        json: vec![],
    }
}

// ------------------------------------------------------------------ configurations

#[derive(Debug, Clone, Copy, PartialEq)]
enum Spelling {
    Hours,
    Minutes,
}

/// How Terraform may encode a valid number: int64, float64, or decimal text.
#[derive(Debug, Clone, Copy)]
enum Form {
    Int,
    Float,
    Decimal,
}

/// A value that breaks a rule, and which.
#[derive(Debug, Clone)]
enum Bad {
    Zero,
    Negative(i64),
    NegativeZero,
    NaN,
    Infinity,
    NegativeInfinity,
    /// Beyond int64: Terraform sends it as uint64.
    HugeUnsigned(u64),
    /// Within int64, beyond 8,760 hours.
    BigInt(i64),
    /// `1e400`, as Terraform sends it: its 401 digits.
    BeyondF64,
    NegativeBeyondF64,
    /// `1e-400`: positive, though its f64 is 0.
    BelowF64,
    /// Hours that are not whole minutes: (minutes + tenths) / 60.
    NotWholeMinutes(u32, u32),
    /// Minutes with a fraction: minutes + 0.5.
    FractionOfAMinute(u32),
    /// Minutes under one: hundredths.
    UnderAMinute(u32),
}

impl Bad {
    fn wire(&self, spelling: Spelling) -> Wire {
        match self {
            Bad::Zero => Wire::Int(0),
            Bad::Negative(n) => Wire::Int(-n),
            Bad::NegativeZero => Wire::Float(-0.0),
            Bad::NaN => Wire::Float(f64::NAN),
            Bad::Infinity => Wire::Float(f64::INFINITY),
            Bad::NegativeInfinity => Wire::Float(f64::NEG_INFINITY),
            Bad::HugeUnsigned(u) => Wire::UInt(*u),
            Bad::BigInt(i) => Wire::Int(*i),
            Bad::BeyondF64 => Wire::Str(format!("1{}", "0".repeat(400))),
            Bad::NegativeBeyondF64 => Wire::Str(format!("-1{}", "0".repeat(400))),
            Bad::BelowF64 => Wire::Str(format!("0.{}1", "0".repeat(399))),
            Bad::NotWholeMinutes(m, tenths) => {
                debug_assert_eq!(spelling, Spelling::Hours);
                Wire::Float((f64::from(*m) + f64::from(*tenths) / 10.0) / 60.0)
            }
            Bad::FractionOfAMinute(m) => Wire::Float(f64::from(*m) + 0.5),
            Bad::UnderAMinute(h) => Wire::Float(f64::from(*h) / 100.0),
        }
    }

    /// The rule it breaks, as the summary words it after the attribute's name.
    fn rule(&self) -> &'static str {
        match self {
            Bad::Zero
            | Bad::Negative(_)
            | Bad::NegativeZero
            | Bad::NaN
            | Bad::NegativeInfinity
            | Bad::NegativeBeyondF64 => "must be greater than 0",
            Bad::Infinity | Bad::HugeUnsigned(_) | Bad::BigInt(_) | Bad::BeyondF64 => {
                "is above Auth0's maximum of 8760 hours"
            }
            Bad::BelowF64 | Bad::UnderAMinute(_) => "is below Auth0's minimum of 1 minute",
            Bad::NotWholeMinutes(..) => "is not a whole number of minutes",
            Bad::FractionOfAMinute(_) => "must be a whole number",
        }
    }
}

/// One lifetime of a configuration.
#[derive(Debug, Clone)]
enum Setting {
    Unset,
    Unknown(Spelling),
    Valid {
        spelling: Spelling,
        minutes: u32,
        form: Form,
    },
    /// Both spellings, each valid on its own.
    Both(u32),
    Invalid(Spelling, Bad),
}

/// `minutes / 60` as exact decimal text, as Terraform sends `181/60` (digits cut at 60).
fn hours_text(minutes: u32) -> String {
    let (whole, mut rest) = (minutes / 60, minutes % 60);
    let mut digits = String::new();
    while rest != 0 && digits.len() < 60 {
        rest *= 10;
        digits.push(char::from(b'0' + (rest / 60) as u8));
        rest %= 60;
    }
    if digits.is_empty() {
        format!("{whole}.0")
    } else {
        format!("{whole}.{digits}")
    }
}

/// A valid value as it goes on the wire, and the number the provider must echo.
fn valid_wire(spelling: Spelling, minutes: u32, form: Form) -> (Wire, Number) {
    let (exact, float) = match spelling {
        Spelling::Minutes => (Some(i64::from(minutes)), f64::from(minutes)),
        Spelling::Hours => (
            minutes.is_multiple_of(60).then(|| i64::from(minutes / 60)),
            f64::from(minutes) / 60.0,
        ),
    };
    match (form, exact) {
        (Form::Int, Some(i)) => (Wire::Int(i), Number::Int(i)),
        (Form::Float, _) | (Form::Int, None) => (Wire::Float(float), Number::Float(float)),
        (Form::Decimal, _) => {
            let text = match spelling {
                Spelling::Minutes => format!("{minutes}.0"),
                Spelling::Hours => hours_text(minutes),
            };
            (Wire::Str(text.clone()), Number::Decimal(text, float))
        }
    }
}

#[derive(Debug, Clone)]
enum Cookie {
    Unset,
    Unknown,
    Valid(&'static str),
    Invalid(String),
}

#[derive(Debug, Clone)]
struct Config {
    lifetimes: [Setting; 4],
    cookie: Cookie,
    restore: Option<bool>,
}

impl Config {
    /// The configuration as Terraform sends it: every attribute, null where unset.
    fn entries(&self) -> Vec<(String, Wire)> {
        let mut out = vec![("id".to_string(), Wire::Nil)];
        for ((h, m), s) in LIFETIMES.iter().zip(&self.lifetimes) {
            let (hw, mw) = match s {
                Setting::Unset => (Wire::Nil, Wire::Nil),
                Setting::Unknown(Spelling::Hours) => (Wire::Unknown, Wire::Nil),
                Setting::Unknown(Spelling::Minutes) => (Wire::Nil, Wire::Unknown),
                Setting::Valid {
                    spelling,
                    minutes,
                    form,
                } => {
                    let w = valid_wire(*spelling, *minutes, *form).0;
                    match spelling {
                        Spelling::Hours => (w, Wire::Nil),
                        Spelling::Minutes => (Wire::Nil, w),
                    }
                }
                Setting::Both(minutes) => (
                    valid_wire(Spelling::Hours, *minutes, Form::Float).0,
                    Wire::Int(i64::from(*minutes)),
                ),
                Setting::Invalid(spelling, bad) => match spelling {
                    Spelling::Hours => (bad.wire(Spelling::Hours), Wire::Nil),
                    Spelling::Minutes => (Wire::Nil, bad.wire(Spelling::Minutes)),
                },
            };
            out.push((h.to_string(), hw));
            out.push((m.to_string(), mw));
        }
        out.push((
            "session_cookie_mode".into(),
            match &self.cookie {
                Cookie::Unset => Wire::Nil,
                Cookie::Unknown => Wire::Unknown,
                Cookie::Valid(v) => Wire::Str(v.to_string()),
                Cookie::Invalid(v) => Wire::Str(v.clone()),
            },
        ));
        out.push((
            "restore_on_destroy".into(),
            self.restore.map_or(Wire::Nil, Wire::Bool),
        ));
        out.push(("original_settings".into(), Wire::Nil));
        out
    }

    fn wire(&self) -> DynamicValue {
        object(&self.entries())
    }

    /// The configuration as apply sees it, every value known: what was unknown before is
    /// a valid value now (one hour, the persistent cookie).
    fn known_at_apply(&self) -> Config {
        let mut c = self.clone();
        for s in &mut c.lifetimes {
            if let Setting::Unknown(spelling) = s {
                *s = Setting::Valid {
                    spelling: *spelling,
                    minutes: 60,
                    form: Form::Int,
                };
            }
        }
        if let Cookie::Unknown = c.cookie {
            c.cookie = Cookie::Valid("persistent");
        }
        c
    }

    /// The same configuration with every invalid value unknown: how it looks at plan when
    /// those values come from other resources.
    fn invalid_unknown(&self) -> Config {
        let mut c = self.clone();
        for s in &mut c.lifetimes {
            *s = match &*s {
                Setting::Invalid(sp, _) => Setting::Unknown(*sp),
                Setting::Both(_) => Setting::Unknown(Spelling::Minutes),
                other => other.clone(),
            };
        }
        if let Cookie::Invalid(_) = c.cookie {
            c.cookie = Cookie::Unknown;
        }
        c
    }

    /// The errors it must get: (attribute, summary), in no particular order.
    fn expected_errors(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for ((h, m), s) in LIFETIMES.iter().zip(&self.lifetimes) {
            match s {
                Setting::Invalid(sp, bad) => {
                    let attr = if *sp == Spelling::Hours { h } else { m };
                    out.push((attr.to_string(), format!("{attr} {}", bad.rule())));
                }
                Setting::Both(_) => {
                    out.push((m.to_string(), format!("Set {h} or {m}, not both")));
                }
                _ => {}
            }
        }
        if let Cookie::Invalid(_) = self.cookie {
            out.push((
                "session_cookie_mode".into(),
                "Invalid session_cookie_mode".into(),
            ));
        }
        out.sort();
        out
    }

    /// What an apply must write: lifetime index to minutes, and the cookie mode.
    fn configured(&self) -> (BTreeMap<usize, u32>, Option<&'static str>) {
        let lifetimes = self
            .lifetimes
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s {
                Setting::Valid { minutes, .. } => Some((i, *minutes)),
                _ => None,
            })
            .collect();
        let cookie = match self.cookie {
            Cookie::Valid(v) => Some(v),
            _ => None,
        };
        (lifetimes, cookie)
    }
}

// ------------------------------------------------------------------ strategies

fn spelling() -> impl Strategy<Value = Spelling> {
    prop_oneof![Just(Spelling::Hours), Just(Spelling::Minutes)]
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![Just(Form::Int), Just(Form::Float), Just(Form::Decimal)]
}

/// Minutes Auth0 accepts, with whole hours and the extremes well represented.
fn minutes() -> impl Strategy<Value = u32> {
    prop_oneof![
        1u32..=MAX_MINUTES,
        (1u32..=8_760).prop_map(|h| h * 60),
        Just(1u32),
        Just(MAX_MINUTES),
    ]
}

fn valid_setting() -> impl Strategy<Value = Setting> {
    prop_oneof![
        Just(Setting::Unset),
        (spelling(), minutes(), form()).prop_map(|(spelling, minutes, form)| Setting::Valid {
            spelling,
            minutes,
            form
        }),
    ]
}

/// The numbers beyond everyday values: NaN, -0, infinities, integers beyond int64, decimals
/// beyond f64.
fn special() -> impl Strategy<Value = Bad> {
    prop_oneof![
        Just(Bad::NaN),
        Just(Bad::NegativeZero),
        Just(Bad::Infinity),
        Just(Bad::NegativeInfinity),
        ((1u64 << 63)..=u64::MAX).prop_map(Bad::HugeUnsigned),
        (i64::from(MAX_MINUTES) + 1..=i64::MAX).prop_map(Bad::BigInt),
        Just(Bad::BeyondF64),
        Just(Bad::NegativeBeyondF64),
        Just(Bad::BelowF64),
    ]
}

/// Any invalid value, in a spelling it is invalid in.
fn invalid() -> impl Strategy<Value = (Spelling, Bad)> {
    prop_oneof![
        (spelling(), special()),
        (spelling(), Just(Bad::Zero)),
        (spelling(), (1i64..1_000_000).prop_map(Bad::Negative)),
        ((1u32..500_000), (1u32..=9))
            .prop_map(|(m, t)| (Spelling::Hours, Bad::NotWholeMinutes(m, t))),
        (1u32..500_000).prop_map(|m| (Spelling::Minutes, Bad::FractionOfAMinute(m))),
        (1u32..=99).prop_map(|h| (Spelling::Minutes, Bad::UnderAMinute(h))),
    ]
}

fn any_setting() -> impl Strategy<Value = Setting> {
    prop_oneof![
        3 => valid_setting(),
        1 => spelling().prop_map(Setting::Unknown),
        1 => minutes().prop_map(Setting::Both),
        2 => invalid().prop_map(|(s, b)| Setting::Invalid(s, b)),
    ]
}

fn valid_cookie() -> impl Strategy<Value = Cookie> {
    prop_oneof![
        Just(Cookie::Unset),
        Just(Cookie::Valid("persistent")),
        Just(Cookie::Valid("non-persistent")),
    ]
}

fn any_cookie() -> impl Strategy<Value = Cookie> {
    prop_oneof![
        3 => valid_cookie(),
        1 => Just(Cookie::Unknown),
        1 => "[a-z-]{0,14}"
            .prop_filter("a mode Auth0 knows", |s| s != "persistent" && s != "non-persistent")
            .prop_map(Cookie::Invalid),
    ]
}

fn restore() -> impl Strategy<Value = Option<bool>> {
    prop_oneof![Just(None), Just(Some(false)), Just(Some(true))]
}

fn valid_config() -> impl Strategy<Value = Config> {
    (
        [
            valid_setting(),
            valid_setting(),
            valid_setting(),
            valid_setting(),
        ],
        valid_cookie(),
        restore(),
    )
        .prop_map(|(lifetimes, cookie, restore)| Config {
            lifetimes,
            cookie,
            restore,
        })
}

/// A configuration with at least one error in it.
fn invalid_config() -> impl Strategy<Value = Config> {
    (
        [any_setting(), any_setting(), any_setting(), any_setting()],
        any_cookie(),
        restore(),
    )
        .prop_map(|(lifetimes, cookie, restore)| Config {
            lifetimes,
            cookie,
            restore,
        })
        .prop_filter("has an error", |c| !c.expected_errors().is_empty())
}

/// What the tenant holds before a case: any valid settings.
fn tenant_state() -> impl Strategy<Value = SessionState> {
    (
        [minutes(), minutes(), minutes(), minutes()],
        prop_oneof![
            Just(None),
            Just(Some("persistent".to_string())),
            Just(Some("non-persistent".to_string()))
        ],
    )
        .prop_map(|(m, cookie_mode)| SessionState {
            session_lifetime: m[0],
            idle_session_lifetime: m[1],
            ephemeral_session_lifetime: m[2],
            idle_ephemeral_session_lifetime: m[3],
            cookie_mode,
        })
}

fn held(s: &SessionState) -> [u32; 4] {
    [
        s.session_lifetime,
        s.idle_session_lifetime,
        s.ephemeral_session_lifetime,
        s.idle_ephemeral_session_lifetime,
    ]
}

// ------------------------------------------------------------------ the provider, driven as Terraform does

/// No environment: the developer's AUTH0_* variables must not change a case.
struct NoEnv;

impl Env for NoEnv {
    fn get(&self, _: &str) -> Option<String> {
        None
    }
}

type Client = pb::provider_client::ProviderClient<tonic::transport::Channel>;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A fresh provider process, as Terraform starts one per phase (the provider remembers
/// what it saw of each tenant within a phase).
async fn provider() -> Client {
    common::in_process(Auth0Provider::with_env(Box::new(NoEnv))).await
}

async fn configure(c: &mut Client, tenant: &LocalTenant) {
    let cfg = serde_json::json!({ "domain": tenant.url(), "api_token": "local-api-token" });
    common::configure(c, cfg).await;
}

async fn validate(c: &mut Client, config: &DynamicValue) -> Vec<pb::Diagnostic> {
    c.validate_resource_config(pb::validate_resource_config::Request {
        type_name: T.into(),
        config: Some(config.clone()),
        client_capabilities: None,
    })
    .await
    .unwrap()
    .into_inner()
    .diagnostics
}

async fn plan(c: &mut Client, config: &DynamicValue) -> pb::plan_resource_change::Response {
    c.plan_resource_change(pb::plan_resource_change::Request {
        type_name: T.into(),
        prior_state: Some(codec::null()),
        proposed_new_state: Some(config.clone()),
        config: Some(config.clone()),
        ..Default::default()
    })
    .await
    .unwrap()
    .into_inner()
}

async fn apply(
    c: &mut Client,
    config: &DynamicValue,
    planned: &pb::plan_resource_change::Response,
) -> pb::apply_resource_change::Response {
    c.apply_resource_change(pb::apply_resource_change::Request {
        type_name: T.into(),
        prior_state: Some(codec::null()),
        planned_state: planned.planned_state.clone(),
        config: Some(config.clone()),
        planned_private: planned.planned_private.clone(),
        ..Default::default()
    })
    .await
    .unwrap()
    .into_inner()
}

/// The errors among `diags`: (attribute of its path, summary), sorted. An error without
/// an attribute path shows as an empty attribute, which no expectation holds.
fn errors(diags: &[pb::Diagnostic]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| {
            let attr = match d.attribute.as_ref().map(|a| &a.steps[..]) {
                Some(
                    [pb::attribute_path::Step {
                        selector: Some(Selector::AttributeName(name)),
                    }],
                ) => name.clone(),
                _ => String::new(),
            };
            (attr, d.summary.clone())
        })
        .collect();
    out.sort();
    out
}

fn model(v: &Option<DynamicValue>) -> SessionModel {
    let v: Value<SessionModel> = codec::decode(v.as_ref()).unwrap();
    v.as_option().expect("a known object").clone()
}

fn value<'a>(m: &'a SessionModel, attr: &str) -> &'a Value<Number> {
    match attr {
        "session_lifetime" => &m.lifetimes[Lifetime::Session].hours,
        "session_lifetime_in_minutes" => &m.lifetimes[Lifetime::Session].minutes,
        "idle_session_lifetime" => &m.lifetimes[Lifetime::IdleSession].hours,
        "idle_session_lifetime_in_minutes" => &m.lifetimes[Lifetime::IdleSession].minutes,
        "ephemeral_session_lifetime" => &m.lifetimes[Lifetime::EphemeralSession].hours,
        "ephemeral_session_lifetime_in_minutes" => &m.lifetimes[Lifetime::EphemeralSession].minutes,
        "idle_ephemeral_session_lifetime" => &m.lifetimes[Lifetime::IdleEphemeralSession].hours,
        "idle_ephemeral_session_lifetime_in_minutes" => {
            &m.lifetimes[Lifetime::IdleEphemeralSession].minutes
        }
        other => panic!("not a lifetime attribute: {other}"),
    }
}

/// The twins of lifetime `i` in `m` when both are known: hours x 60 = minutes, and the
/// minutes they stand for.
fn agreeing_twins(m: &SessionModel, i: usize) -> Result<u32, String> {
    let (h, mm) = LIFETIMES[i];
    match (value(m, h), value(m, mm)) {
        (Value::Value(hv), Value::Value(mv)) => {
            let minutes = mv.as_f64();
            let whole = minutes.fract() == 0.0 && (1.0..=f64::from(MAX_MINUTES)).contains(&minutes);
            if whole && (hv.as_f64() * 60.0 - minutes).abs() < 1e-6 {
                Ok(minutes as u32)
            } else {
                Err(format!("{h} = {hv:?} and {mm} = {mv:?} disagree"))
            }
        }
        other => Err(format!("{h}/{mm} not both known: {other:?}")),
    }
}

/// A PATCH body read as lifetime index to minutes, and the cookie mode: every key must be
/// a lifetime (in hours or minutes) or `session_cookie`.
fn patched(body: &serde_json::Value) -> Result<(BTreeMap<usize, u32>, Option<String>), String> {
    let mut lifetimes = BTreeMap::new();
    let mut cookie = None;
    for (k, v) in body.as_object().ok_or("not an object")? {
        if k == "session_cookie" {
            cookie = v["mode"].as_str().map(str::to_string);
            continue;
        }
        let (i, minutes) = LIFETIMES
            .iter()
            .enumerate()
            .find_map(|(i, (h, m))| {
                if k == h {
                    Some((i, v.as_f64()? * 60.0))
                } else if k == m {
                    Some((i, v.as_f64()?))
                } else {
                    None
                }
            })
            .ok_or_else(|| format!("unexpected key {k} = {v}"))?;
        if lifetimes.insert(i, minutes.round() as u32).is_some() {
            return Err(format!("lifetime {i} twice in {body}"));
        }
    }
    Ok((lifetimes, cookie))
}

// ------------------------------------------------------------------ properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// README "Failure behaviour", bad input: NaN, -0, infinities, integers beyond int64 and
    /// decimals beyond f64, in either spelling of any lifetime, each get their rule as one
    /// error on that attribute.
    #[test]
    fn special_numbers_each_get_their_rule(
        at in 0usize..4,
        spelling in spelling(),
        bad in special(),
        others in [valid_setting(), valid_setting(), valid_setting(), valid_setting()],
    ) {
        let mut lifetimes = others;
        lifetimes[at] = Setting::Invalid(spelling, bad.clone());
        let config = Config { lifetimes, cookie: Cookie::Unset, restore: None };
        let attr = if spelling == Spelling::Hours { LIFETIMES[at].0 } else { LIFETIMES[at].1 };
        let diags = runtime().block_on(async {
            validate(&mut provider().await, &config.wire()).await
        });
        prop_assert_eq!(
            errors(&diags),
            vec![(attr.to_string(), format!("{attr} {}", bad.rule()))],
            "{:?}", diags
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// README "Failure behaviour", bad input: every invalid configuration gets an error on
    /// each attribute it breaks a rule with, at validate (values written in the
    /// configuration) and again at apply (values only known then), and no request reaches
    /// Auth0.
    #[test]
    fn invalid_configurations_get_an_error_on_their_attribute_and_no_request(config in invalid_config()) {
        let rt = runtime();
        let expected = config.expected_errors();
        let (at_validate, at_plan, at_apply, requests) = rt.block_on(async {
            let tenant = LocalTenant::start(TenantConfig::default()).await.unwrap();
            let mut c = provider().await;
            let at_validate = validate(&mut c, &config.wire()).await;
            configure(&mut c, &tenant).await;
            let planned = plan(&mut c, &config.invalid_unknown().wire()).await;
            let applied = apply(&mut c, &config.known_at_apply().wire(), &planned).await;
            (at_validate, planned.diagnostics, applied, tenant.requests())
        });
        prop_assert_eq!(errors(&at_validate), expected.clone(), "validate: {:?}", at_validate);
        prop_assert_eq!(errors(&at_plan), vec![], "plan: {:?}", at_plan);
        prop_assert_eq!(errors(&at_apply.diagnostics), expected, "apply: {:?}", at_apply.diagnostics);
        prop_assert!(
            codec::decode::<Value<SessionModel>>(at_apply.new_state.as_ref()).unwrap().is_null(),
            "nothing created"
        );
        prop_assert!(requests.is_empty(), "requests reached Auth0: {:?}", requests);
    }

    /// README "Failure behaviour", exact state: for every valid configuration, the plan
    /// echoes each configured value and plans its twin to agree (hours x 60 = minutes); the
    /// apply sends exactly the configured attributes in one PATCH (nothing when nothing is
    /// configured), and the state holds what the tenant holds, twins agreeing.
    #[test]
    fn valid_configurations_plan_agreeing_twins_and_patch_exactly_what_is_configured(
        config in valid_config(),
        before in tenant_state(),
    ) {
        let rt = runtime();
        let (validated, planned, applied, requests) = rt.block_on(async {
            let tenant = LocalTenant::start(TenantConfig::default()).await.unwrap();
            tenant.set_state(before.clone());
            let mut c = provider().await;
            let validated = validate(&mut c, &config.wire()).await;
            configure(&mut c, &tenant).await;
            let planned = plan(&mut c, &config.wire()).await;
            let applied = apply(&mut c, &config.wire(), &planned).await;
            (validated, planned, applied, tenant.requests())
        });
        prop_assert_eq!(errors(&validated), vec![]);
        prop_assert_eq!(errors(&planned.diagnostics), vec![]);
        prop_assert_eq!(errors(&applied.diagnostics), vec![]);
        let (want, want_cookie) = config.configured();

        let p = model(&planned.planned_state);
        for (i, s) in config.lifetimes.iter().enumerate() {
            match s {
                Setting::Valid { spelling, minutes, form } => {
                    let (h, m) = LIFETIMES[i];
                    let attr = if *spelling == Spelling::Hours { h } else { m };
                    let echoed = valid_wire(*spelling, *minutes, *form).1;
                    prop_assert_eq!(value(&p, attr), &Value::Value(echoed), "{} echoed", attr);
                    prop_assert_eq!(agreeing_twins(&p, i), Ok(*minutes));
                }
                _ => {
                    let (h, m) = LIFETIMES[i];
                    prop_assert!(value(&p, h).is_unknown() && value(&p, m).is_unknown(), "{} read back", h);
                }
            }
        }

        let patches: Vec<_> = requests.iter().filter(|r| r.method == "PATCH" && r.path == SETTINGS).collect();
        if want.is_empty() && want_cookie.is_none() {
            prop_assert!(patches.is_empty(), "nothing configured, nothing sent: {:?}", patches);
        } else {
            prop_assert_eq!(patches.len(), 1, "{:?}", requests);
            let body: serde_json::Value = serde_json::from_str(&patches[0].body).unwrap();
            prop_assert_eq!(
                patched(&body),
                Ok((want.clone(), want_cookie.map(str::to_string))),
                "{}", body
            );
        }

        let st = model(&applied.new_state);
        let tenant_had = held(&before);
        for (i, had) in tenant_had.into_iter().enumerate() {
            let expected = want.get(&i).copied().unwrap_or(had);
            prop_assert_eq!(agreeing_twins(&st, i), Ok(expected));
        }
        let cookie = want_cookie
            .map(str::to_string)
            .or(before.cookie_mode.clone())
            .unwrap_or_else(|| "persistent".into());
        prop_assert_eq!(&st.session_cookie_mode, &Value::Value(cookie));
    }
}

/// A wire value and whether an attribute of each type accepts it.
fn any_wire() -> impl Strategy<Value = Wire> {
    prop_oneof![
        Just(Wire::Nil),
        Just(Wire::Unknown),
        any::<bool>().prop_map(Wire::Bool),
        any::<i64>().prop_map(Wire::Int),
        any::<u64>().prop_map(Wire::UInt),
        any::<f64>().prop_map(Wire::Float),
        "[0-9]{1,5}(\\.[0-9]{1,5})?".prop_map(Wire::Str),
        "[a-zA-Z -]{0,12}".prop_map(Wire::Str),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Type {
    Number,
    String,
    Bool,
}

fn accepts(t: Type, w: &Wire) -> bool {
    let decimal = |s: &str| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && s.starts_with(|c: char| c.is_ascii_digit())
    };
    match (t, w) {
        (_, Wire::Nil | Wire::Unknown) => true,
        (Type::Number, Wire::Int(_) | Wire::UInt(_) | Wire::Float(_)) => true,
        (Type::Number, Wire::Str(s)) => decimal(s),
        (Type::String, Wire::Str(_)) => true,
        (Type::Bool, Wire::Bool(_)) => true,
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// An object of the resource's attributes with a value of any type in each is read
    /// when every value has its attribute's type (nothing else need hold) and is otherwise
    /// one "Malformed" error, never a panic or a value of the wrong type.
    #[test]
    fn any_object_is_read_or_refused_by_its_types(values in proptest::collection::vec(any_wire(), 11)) {
        let mut types = vec![("id", Type::String)];
        for (h, m) in LIFETIMES {
            types.push((h, Type::Number));
            types.push((m, Type::Number));
        }
        types.push(("session_cookie_mode", Type::String));
        types.push(("restore_on_destroy", Type::Bool));
        let entries: Vec<(String, Wire)> = types
            .iter()
            .zip(&values)
            .map(|((k, _), v)| (k.to_string(), v.clone()))
            .collect();
        let readable = types.iter().zip(&values).all(|((_, t), v)| accepts(*t, v));
        let diags = runtime().block_on(async {
            validate(&mut provider().await, &object(&entries)).await
        });
        let malformed = diags.iter().filter(|d| d.summary == "Malformed resource configuration").count();
        prop_assert_eq!(malformed, usize::from(!readable), "{:?}", diags);
        if !readable {
            prop_assert_eq!(diags.len(), 1, "{:?}", diags);
        }
    }

    /// Any model survives encoding and decoding unchanged (NaN included, compared by its
    /// encoding), as a planned state must reach Terraform as it was planned.
    #[test]
    fn models_roundtrip_through_msgpack(values in proptest::collection::vec(any_wire(), 11)) {
        let mut keys = vec!["id"];
        for (h, m) in LIFETIMES {
            keys.push(h);
            keys.push(m);
        }
        keys.push("session_cookie_mode");
        keys.push("restore_on_destroy");
        let entries: Vec<(String, Wire)> = keys.iter().zip(values).map(|(k, v)| (k.to_string(), v)).collect();
        if let Ok(Value::Value(m)) = codec::decode::<Value<SessionModel>>(Some(&object(&entries))) {
            let again: SessionModel = codec::decode(Some(&codec::encode(&m).unwrap())).unwrap();
            prop_assert_eq!(codec::encode(&again).unwrap(), codec::encode(&m).unwrap());
        }
    }
}

// ------------------------------------------------------------------ plans of updates

/// A state as a previous apply left it: every lifetime known in both spellings (whole
/// hours as integers, other hours as the closest f64), the cookie known.
fn prior_state(m: [u32; 4], cookie: &str) -> SessionModel {
    let mut entries = vec![("id".to_string(), Wire::Str("t".into()))];
    for ((h, mm), minutes) in LIFETIMES.iter().zip(m) {
        let hours = if minutes.is_multiple_of(60) {
            Wire::Int(i64::from(minutes / 60))
        } else {
            Wire::Float(f64::from(minutes) / 60.0)
        };
        entries.push((h.to_string(), hours));
        entries.push((mm.to_string(), Wire::Int(i64::from(minutes))));
    }
    entries.push(("session_cookie_mode".into(), Wire::Str(cookie.into())));
    entries.push(("restore_on_destroy".into(), Wire::Bool(false)));
    entries.push(("original_settings".into(), Wire::Nil));
    codec::decode(Some(&object(&entries))).unwrap()
}

fn known_or_unknown_setting() -> impl Strategy<Value = Setting> {
    prop_oneof![4 => valid_setting(), 1 => spelling().prop_map(Setting::Unknown)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// The plan of an update keeps Terraform's consistency rules: a configured value is
    /// planned exactly as configured (unknown stays unknown) with its twin agreeing; what
    /// the configuration leaves alone is kept as the state has it when the apply writes
    /// nothing, and left to be read back (unknown) when it writes; planning twice gives the
    /// same plan. Whether the apply writes is decided here from the case, not by the
    /// provider's own function.
    #[test]
    fn plans_keep_terraforms_consistency_rules(
        lifetimes in [known_or_unknown_setting(), known_or_unknown_setting(), known_or_unknown_setting(), known_or_unknown_setting()],
        cookie in prop_oneof![4 => valid_cookie(), 1 => Just(Cookie::Unknown)],
        prior_minutes in [minutes(), minutes(), minutes(), minutes()],
        prior_cookie in prop_oneof![Just("persistent"), Just("non-persistent")],
    ) {
        let config = Config { lifetimes, cookie, restore: Some(false) };
        let cfg: SessionModel = codec::decode(Some(&config.wire())).unwrap();
        let prior = prior_state(prior_minutes, prior_cookie);
        let planned = tenant_session::plan(Some((&prior, &tenant_session::Desired::read(&cfg, Echo::Hidden))), &cfg, Some("t"), None);

        let writes = config.lifetimes.iter().zip(prior_minutes).any(|(s, before)| match s {
            Setting::Unknown(_) => true,
            Setting::Valid { minutes, .. } => *minutes != before,
            _ => false,
        }) || match config.cookie {
            Cookie::Unknown => true,
            Cookie::Valid(v) => v != prior_cookie,
            _ => false,
        };
        for (i, s) in config.lifetimes.iter().enumerate() {
            let (h, m) = LIFETIMES[i];
            match s {
                Setting::Valid { spelling, minutes, form } => {
                    let attr = if *spelling == Spelling::Hours { h } else { m };
                    prop_assert_eq!(value(&planned, attr), &Value::Value(valid_wire(*spelling, *minutes, *form).1));
                    prop_assert_eq!(agreeing_twins(&planned, i), Ok(*minutes));
                }
                Setting::Unknown(spelling) => {
                    let attr = if *spelling == Spelling::Hours { h } else { m };
                    prop_assert!(value(&planned, attr).is_unknown(), "{} stays unknown", attr);
                }
                _ if writes => {
                    prop_assert!(value(&planned, h).is_unknown() && value(&planned, m).is_unknown(), "{} read back", h);
                }
                _ => {
                    prop_assert_eq!(value(&planned, h), value(&prior, h));
                    prop_assert_eq!(value(&planned, m), value(&prior, m));
                }
            }
        }
        match config.cookie {
            Cookie::Valid(v) => prop_assert_eq!(&planned.session_cookie_mode, &Value::Value(v.to_string())),
            Cookie::Unknown => prop_assert!(planned.session_cookie_mode.is_unknown()),
            _ if writes => prop_assert!(planned.session_cookie_mode.is_unknown()),
            _ => prop_assert_eq!(&planned.session_cookie_mode, &prior.session_cookie_mode),
        }
        let again = tenant_session::plan(Some((&prior, &tenant_session::Desired::read(&cfg, Echo::Hidden))), &cfg, Some("t"), None);
        prop_assert_eq!(codec::encode(&again).unwrap(), codec::encode(&planned).unwrap());
    }
}

// ------------------------------------------------------------------ the seed corpus

/// What ValidateResourceConfig must answer for a corpus file.
#[derive(Debug)]
enum Outcome {
    /// No diagnostics (null, or values left unknown).
    Clean,
    /// One "Malformed resource configuration" error.
    Malformed,
    /// One error on this attribute with this summary.
    Rule(&'static str, &'static str),
}

/// README "Failure behaviour", bad input: each file of tests/fuzz-corpus/ (hand-made
/// msgpack: wrong types, truncation, nesting, special numbers) gets its recorded result,
/// and the corpus holds exactly these files.
#[test]
fn seed_corpus_gives_the_recorded_results() {
    use Outcome::*;
    let expected: BTreeMap<&str, Outcome> = [
        ("array-not-map.bin", Malformed),
        ("bool-for-string.bin", Malformed),
        ("deep-nesting.bin", Malformed),
        ("empty.bin", Clean),
        (
            "float-inf.bin",
            Rule(
                "session_lifetime",
                "session_lifetime is above Auth0's maximum of 8760 hours",
            ),
        ),
        (
            "huge-int.bin",
            Rule(
                "session_lifetime",
                "session_lifetime is above Auth0's maximum of 8760 hours",
            ),
        ),
        ("nan-string.bin", Malformed),
        (
            "negative-zero.bin",
            Rule(
                "session_lifetime",
                "session_lifetime must be greater than 0",
            ),
        ),
        ("nil.bin", Clean),
        ("str-for-number.bin", Malformed),
        ("truncated-map.bin", Malformed),
        ("unknown-ext12.bin", Clean),
    ]
    .into_iter()
    .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        expected.keys().map(|k| k.to_string()).collect::<Vec<_>>(),
        "a corpus file without a recorded result, or a result without its file"
    );
    let rt = runtime();
    for (file, outcome) in &expected {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let config = DynamicValue {
            msgpack: bytes,
            json: vec![],
        };
        let diags = rt.block_on(async { validate(&mut provider().await, &config).await });
        let got = errors(&diags);
        match outcome {
            Clean => assert!(diags.is_empty(), "{file}: {diags:?}"),
            Malformed => assert_eq!(
                got,
                [(
                    String::new(),
                    "Malformed resource configuration".to_string()
                )],
                "{file}: {diags:?}"
            ),
            Rule(attr, summary) => assert_eq!(
                got,
                [(attr.to_string(), summary.to_string())],
                "{file}: {diags:?}"
            ),
        }
    }
}
