//! The resource driven over gRPC the way Terraform drives it (Configure, Plan, Apply,
//! Read, Import, Stop), served in-process over a duplex stream, against the local tenant.
#![forbid(unsafe_code)]

mod common;

use std::time::{Duration, Instant};

use local_tenant::{Fault, LocalTenant, SessionState, TenantConfig};
use serde_json::json;
use tf_provider::value::Value;
use tfauth0::auth0::Lifetime;
use tfauth0::protocol::codec::{self, Number};
use tfauth0::protocol::generated::tfplugin6::{self as pb, provider_client::ProviderClient};
use tfauth0::provider::tenant_session::SessionModel;
use tfauth0::provider::Auth0Provider;
use tonic::transport::Channel;

const T: &str = "auth0_tenant_session";
const SETTINGS: &str = "/api/v2/tenants/settings";

/// Statuses of the settings PATCHes the tenant received, in order (0: not answered yet).
fn patch_statuses(tenant: &LocalTenant) -> Vec<u16> {
    tenant
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH" && r.path == SETTINGS)
        .map(|r| r.status)
        .collect()
}

async fn configured(tenant: &LocalTenant) -> ProviderClient<Channel> {
    let mut c = common::in_process(Auth0Provider::new()).await;
    let cfg = json!({
        "domain": tenant.url(), "client_id": "local-client-id", "client_secret": "local-client-secret",
        "api_token": null, "client_assertion_private_key": null, "client_assertion_signing_alg": null,
        "audience": null, "tenant_plan": null,
    });
    common::configure(&mut c, cfg).await;
    c
}

fn dv(m: &Value<SessionModel>) -> Option<pb::DynamicValue> {
    Some(codec::encode(m).unwrap())
}

fn errors(d: &[pb::Diagnostic]) -> Vec<String> {
    d.iter()
        .filter(|d| d.severity == 1)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

async fn plan(
    c: &mut ProviderClient<Channel>,
    prior: &Value<SessionModel>,
    cfg: &SessionModel,
) -> pb::plan_resource_change::Response {
    c.plan_resource_change(pb::plan_resource_change::Request {
        type_name: T.into(),
        prior_state: dv(prior),
        proposed_new_state: dv(&Value::Value(cfg.clone())),
        config: dv(&Value::Value(cfg.clone())),
        ..Default::default()
    })
    .await
    .unwrap()
    .into_inner()
}

async fn apply(
    c: &mut ProviderClient<Channel>,
    prior: &Value<SessionModel>,
    planned: Option<pb::DynamicValue>,
    cfg: &Value<SessionModel>,
    private: Vec<u8>,
) -> pb::apply_resource_change::Response {
    c.apply_resource_change(pb::apply_resource_change::Request {
        type_name: T.into(),
        prior_state: dv(prior),
        planned_state: planned,
        config: dv(cfg),
        planned_private: private,
        ..Default::default()
    })
    .await
    .unwrap()
    .into_inner()
}

fn decode(v: &Option<pb::DynamicValue>) -> Value<SessionModel> {
    codec::decode(v.as_ref()).unwrap()
}

/// README "Failure behaviour": Bad input.
#[tokio::test]
async fn unknown_at_plan_then_bad_at_apply_makes_no_call() {
    let tenant = LocalTenant::start(TenantConfig::default()).await.unwrap();
    let mut c = configured(&tenant).await;
    let at_plan = SessionModel::default().with_hours(Lifetime::Session, Value::Unknown);
    let p = plan(&mut c, &Value::Null, &at_plan).await;
    assert!(errors(&p.diagnostics).is_empty());
    assert!(decode(&p.planned_state)
        .as_option()
        .unwrap()
        .hours(Lifetime::Session)
        .is_unknown());
    // At apply the value turns out to be 0.3333 hours.
    let bad =
        SessionModel::default().with_hours(Lifetime::Session, Value::Value(Number::Float(0.3333)));
    let planned = tfauth0::provider::tenant_session::plan(None, &bad, Some("t"), None);
    let r = apply(
        &mut c,
        &Value::Null,
        dv(&Value::Value(planned)),
        &Value::Value(bad),
        vec![],
    )
    .await;
    let e = errors(&r.diagnostics);
    assert_eq!(e.len(), 1, "{e:?}");
    // Known only at apply, the value may come from a sensitive variable: described, not
    // repeated.
    assert!(
        e[0].contains("not a whole number of minutes")
            && e[0].contains("The value of session_lifetime")
            && !e[0].contains("0.3333"),
        "{e:?}"
    );
    assert!(decode(&r.new_state).is_null(), "nothing created");
    assert!(tenant.requests().is_empty(), "no API call for a bad value");
}

/// README "Failure behaviour": Ctrl-C.
#[tokio::test]
async fn stop_provider_cancels_a_slow_apply_promptly() {
    let tenant = LocalTenant::start(TenantConfig::default()).await.unwrap();
    let mut c = configured(&tenant).await;
    // Far longer than the bound below: an apply that returns within it was cancelled, not
    // answered.
    tenant.inject(Fault::Latency {
        millis: 600_000,
        times: 1,
        method: Some("PATCH".into()),
        path_prefix: Some(SETTINGS.into()),
    });
    let cfg = SessionModel {
        ..Default::default()
    }
    .with_hours(Lifetime::Session, Value::Value(Number::Int(24)));
    let p = plan(&mut c, &Value::Null, &cfg).await;
    let mut stopper = c.clone();
    let started = Instant::now();
    let apply_task = tokio::spawn({
        let mut c = c.clone();
        let cfg = cfg.clone();
        async move {
            apply(
                &mut c,
                &Value::Null,
                p.planned_state,
                &Value::Value(cfg),
                p.planned_private,
            )
            .await
        }
    });
    // The tenant logs a request on arrival (status 0 until answered): once the PATCH is
    // there, the call is in flight, held by the latency fault.
    while patch_statuses(&tenant) != [0] {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the PATCH never reached the tenant: {:?}",
            tenant.requests()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stopper
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();
    // Only "it does not hang" is bounded (a busy machine may be slow); that the call was
    // cancelled shows in the tenant's log below: the PATCH never got an answer.
    let r = tokio::time::timeout(Duration::from_secs(120), apply_task)
        .await
        .expect("apply returns once stopped")
        .unwrap();
    let e = errors(&r.diagnostics);
    assert!(e.iter().any(|e| e.contains("Interrupted")), "{e:?}");
    assert!(
        decode(&r.new_state).is_null(),
        "the state claims nothing the tenant may not hold"
    );
    assert_eq!(patch_statuses(&tenant), [0], "cancelled before any answer");
    assert_eq!(
        tenant.stored_minutes(),
        SessionState::default(),
        "not applied"
    );
}

/// README "Failure behaviour": Original settings.
#[tokio::test]
async fn create_and_read_record_originals_in_state() {
    let tenant = LocalTenant::start(TenantConfig::default()).await.unwrap();
    let mut c = configured(&tenant).await;
    let cfg = SessionModel {
        restore_on_destroy: Value::Value(true),
        ..Default::default()
    }
    .with_hours(Lifetime::IdleSession, Value::Value(Number::Float(0.5)));
    let p = plan(&mut c, &Value::Null, &cfg).await;
    assert!(errors(&p.diagnostics).is_empty(), "{:?}", p.diagnostics);
    assert!(p.planned_identity.is_some());
    let r = apply(
        &mut c,
        &Value::Null,
        p.planned_state,
        &Value::Value(cfg.clone()),
        p.planned_private,
    )
    .await;
    assert!(errors(&r.diagnostics).is_empty(), "{:?}", r.diagnostics);
    let st = decode(&r.new_state);
    let s = st.as_ref_option().unwrap();
    // The originals are in the state, where a tainted object's destroy still sees them.
    let o = s
        .originals()
        .expect("originals recorded for restore_on_destroy");
    assert_eq!(
        (
            o.minutes[Lifetime::Session],
            o.minutes[Lifetime::IdleSession]
        ),
        (10080, 4320)
    );
    assert!(r.private.is_empty(), "{:?}", r.private);
    assert_eq!(
        s.lifetimes[Lifetime::IdleSession].minutes,
        Value::Value(Number::Int(30))
    );
    assert_eq!(
        s.lifetimes[Lifetime::Session].hours,
        Value::Value(Number::Int(168))
    );
    // One GET (originals) and one PATCH.
    assert_eq!(tenant.count("GET", SETTINGS), 1);
    assert_eq!(tenant.count("PATCH", SETTINGS), 1);

    // Read keeps the originals and the spelling.
    let read = c
        .read_resource(pb::read_resource::Request {
            type_name: T.into(),
            current_state: r.new_state.clone(),
            private: r.private.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.private, r.private);
    assert_eq!(decode(&read.new_state), st);
    assert!(read.new_identity.is_some());
}

/// README "Failure behaviour": A resource belongs to its tenant.
#[tokio::test]
async fn import_by_identity_of_another_tenant_is_refused() {
    let tenant = LocalTenant::start(TenantConfig::default()).await.unwrap();
    let mut c = configured(&tenant).await;
    let identity = codec::encode(&json!({"tenant_domain": "other.example.invalid"})).unwrap();
    let r = c
        .import_resource_state(pb::import_resource_state::Request {
            type_name: T.into(),
            id: String::new(),
            client_capabilities: None,
            identity: Some(pb::ResourceIdentityData {
                identity_data: Some(identity),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&r.diagnostics)[0].contains("other.example.invalid"));
    assert!(r.imported_resources.is_empty());
    assert!(tenant.requests().is_empty());
}

#[tokio::test]
async fn malformed_values_are_diagnostics_not_panics() {
    let tenant = LocalTenant::start(TenantConfig::default()).await.unwrap();
    let mut c = configured(&tenant).await;
    let junk = pb::DynamicValue {
        msgpack: vec![0x81, 0xa1, 0x78, 0xc1],
        json: vec![],
    };
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: T.into(),
            config: Some(junk.clone()),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&r.diagnostics)[0].contains("Malformed"));
    let r = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: T.into(),
            proposed_new_state: Some(junk.clone()),
            config: Some(junk),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!errors(&r.diagnostics).is_empty());
    let r = c
        .upgrade_resource_state(pb::upgrade_resource_state::Request {
            type_name: T.into(),
            version: 7,
            raw_state: Some(pb::RawState {
                json: b"{}".to_vec(),
                flatmap: Default::default(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&r.diagnostics)[0].contains("newer provider"));
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "auth0_nope".into(),
            config: None,
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&r.diagnostics)[0].contains("auth0_nope"));
}

/// Terraform 1.16+ sends the first plan's private state in the plan it makes again
/// during apply (`planned_private`). A plan saved for tenant A and applied with the
/// provider configured for tenant B is then refused by the provider itself, naming both
/// tenants, for a create and for an update alike; the same tenant plans as before.
#[tokio::test]
async fn the_replan_of_a_saved_plan_for_another_tenant_names_both() {
    let a = LocalTenant::start(TenantConfig::default()).await.unwrap();
    let b = LocalTenant::start(TenantConfig::default()).await.unwrap();
    let cfg = SessionModel {
        ..Default::default()
    }
    .with_hours(Lifetime::Session, Value::Value(Number::Int(24)));
    let replan =
        |prior: &Value<SessionModel>, planned_private: Vec<u8>| pb::plan_resource_change::Request {
            type_name: T.into(),
            prior_state: dv(prior),
            proposed_new_state: dv(&Value::Value(cfg.clone())),
            config: dv(&Value::Value(cfg.clone())),
            planned_private,
            ..Default::default()
        };
    // The first plan, against A.
    let mut on_a = configured(&a).await;
    let first = plan(&mut on_a, &Value::Null, &cfg).await;
    assert!(errors(&first.diagnostics).is_empty());
    // An update's prior: A's object.
    let a_object = decode(&first.planned_state).as_option().map(|p| {
        SessionModel { ..p.clone() }
            .with_minutes(Lifetime::Session, Value::Value(Number::Int(1440)))
    });
    for prior in [Value::Null, Value::Value(a_object.clone().unwrap())] {
        // Applied on B: the re-plan is refused.
        let mut on_b = configured(&b).await;
        let r = on_b
            .plan_resource_change(replan(&prior, first.planned_private.clone()))
            .await
            .unwrap()
            .into_inner();
        let e = errors(&r.diagnostics);
        let (a_id, b_id) = (
            a.url().trim_start_matches("http://").to_string(),
            b.url().trim_start_matches("http://").to_string(),
        );
        assert!(
            e.len() == 1
                && e[0].contains("Saved plan made for another tenant")
                && e[0].contains(&a_id)
                && e[0].contains(&b_id),
            "{e:?}"
        );
        assert!(r.planned_state.is_none());
        // Positive control: on A, the same re-plan plans.
        let mut again_on_a = configured(&a).await;
        let r = again_on_a
            .plan_resource_change(replan(&prior, first.planned_private.clone()))
            .await
            .unwrap()
            .into_inner();
        assert!(errors(&r.diagnostics).is_empty(), "{:?}", r.diagnostics);
        assert!(r.planned_state.is_some());
    }
    assert!(
        a.requests().is_empty() && b.requests().is_empty(),
        "plans call nothing"
    );
}
