//! Fuzzing the value path: arbitrary bytes and arbitrary well-formed values through the
//! DynamicValue decoder, validation and planning. Nothing may panic, and every plan must
//! keep Terraform's consistency rules. Bounded (a few hundred cases each) so it runs in
//! the normal test command; proptest records failing cases in proptest-regressions/.
#![forbid(unsafe_code)]

use proptest::prelude::*;
use tf_provider::value::Value;
use tfauth0::protocol::codec::{self, Number};
use tfauth0::protocol::tfplugin6::DynamicValue;
use tfauth0::provider::lifetimes::{Echo, Lifetime};
use tfauth0::provider::tenant_session::{self, SessionModel};
use tfauth0::provider::ProviderModel;

fn dv(bytes: Vec<u8>) -> DynamicValue {
    DynamicValue {
        msgpack: bytes,
        json: vec![],
    }
}

#[test]
fn seed_corpus_never_panics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let _ = codec::decode::<Value<SessionModel>>(Some(&dv(bytes.clone())));
        let _ = codec::decode::<Value<ProviderModel>>(Some(&dv(bytes.clone())));
        let _ = codec::decode::<Value<SessionModel>>(Some(&DynamicValue {
            msgpack: vec![],
            json: bytes,
        }));
        n += 1;
    }
    assert!(n >= 10, "the corpus is there");
    // Spot checks: wrong types are errors, not values.
    let bad = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz-corpus/str-for-number.bin"),
    )
    .unwrap();
    assert!(codec::decode::<Value<SessionModel>>(Some(&dv(bad))).is_err());
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        (-100_000i64..1_000_000).prop_map(Number::Int),
        any::<f64>().prop_map(Number::Float),
        (1u32..600_000).prop_map(|m| Number::Float(f64::from(m) / 60.0)),
        (1u32..600_000).prop_map(|m| Number::Decimal(
            format!("{:.30}", f64::from(m) / 60.0),
            f64::from(m) / 60.0
        )),
    ]
}

fn value<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Value<T>> {
    prop_oneof![
        Just(Value::Null),
        Just(Value::Unknown),
        s.prop_map(Value::Value)
    ]
}

prop_compose! {
    fn model()(
        n in proptest::collection::vec(value(number()), 8),
        cookie in value(prop_oneof![Just("persistent".to_string()), Just("non-persistent".to_string()), "[a-z-]{0,12}"]),
        restore in value(any::<bool>()),
    ) -> SessionModel {
        SessionModel {
            id: Value::Null,
            session_lifetime: n[0].clone(),
            session_lifetime_in_minutes: n[1].clone(),
            idle_session_lifetime: n[2].clone(),
            idle_session_lifetime_in_minutes: n[3].clone(),
            ephemeral_session_lifetime: n[4].clone(),
            ephemeral_session_lifetime_in_minutes: n[5].clone(),
            idle_ephemeral_session_lifetime: n[6].clone(),
            idle_ephemeral_session_lifetime_in_minutes: n[7].clone(),
            session_cookie_mode: cookie,
            restore_on_destroy: restore,
            original_settings: Value::Null,
        }
    }
}

fn known_prior(m: &SessionModel) -> SessionModel {
    // A state is wholly known.
    let mut p = m.clone();
    for l in Lifetime::ALL {
        let h = if p.hours(l).is_unknown() {
            Value::Null
        } else {
            p.hours(l).clone()
        };
        let mm = if p.minutes(l).is_unknown() {
            Value::Value(Number::Int(60))
        } else {
            p.minutes(l).clone()
        };
        p.set_pair(l, h, mm);
    }
    if p.session_cookie_mode.is_unknown() {
        p.session_cookie_mode = Value::Value("persistent".into());
    }
    if !p.restore_on_destroy.is_value() {
        p.restore_on_destroy = Value::Value(false);
    }
    p.id = Value::Value("t".into());
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = codec::decode::<Value<SessionModel>>(Some(&dv(bytes.clone())));
        let _ = codec::decode::<Value<ProviderModel>>(Some(&dv(bytes.clone())));
        let _ = codec::decode::<Value<SessionModel>>(Some(&DynamicValue { msgpack: vec![], json: bytes }));
    }

    #[test]
    fn models_roundtrip_through_msgpack(m in model()) {
        let back: SessionModel = codec::decode(Some(&codec::encode(&m).unwrap())).unwrap();
        // NaN never equals itself; compare the encodings instead.
        prop_assert_eq!(codec::encode(&back).unwrap(), codec::encode(&m).unwrap());
    }

    #[test]
    fn plans_keep_terraforms_consistency_rules(cfg in model(), prior in model(), has_prior in any::<bool>()) {
        let _ = tenant_session::validate(&cfg, None, Echo::Value);
        let prior = known_prior(&prior);
        let prior = has_prior.then_some(&prior);
        let planned = tenant_session::plan(prior, &cfg, Some("t"), None);
        let writes = prior.is_some_and(|p| tenant_session::writes(p, &planned, &cfg));
        // A configured (non-null) value is planned exactly as configured; an unknown
        // configured value stays unknown.
        for l in Lifetime::ALL {
            let (c, p) = (&cfg, &planned);
            if !c.hours(l).is_null() { prop_assert_eq!(c.hours(l), p.hours(l)); }
            if !c.minutes(l).is_null() { prop_assert_eq!(c.minutes(l), p.minutes(l)); }
            // With no configuration, an existing state is kept as it is, unless the apply
            // writes: then the tenant's answer is read back.
            if let (true, true, Some(pr)) = (c.hours(l).is_null(), c.minutes(l).is_null(), prior) {
                if writes {
                    prop_assert!(p.hours(l).is_unknown() && p.minutes(l).is_unknown());
                } else {
                    prop_assert_eq!(pr.hours(l), p.hours(l));
                    prop_assert_eq!(pr.minutes(l), p.minutes(l));
                }
            }
        }
        if !cfg.session_cookie_mode.is_null() {
            prop_assert_eq!(&cfg.session_cookie_mode, &planned.session_cookie_mode);
        }
        // Planning twice gives the same plan (the final plan at apply must not move).
        let again = tenant_session::plan(prior, &cfg, Some("t"), None);
        prop_assert_eq!(codec::encode(&again).unwrap(), codec::encode(&planned).unwrap());
    }
}
