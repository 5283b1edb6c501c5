//! In-process micro-benchmarks of the value path: decode a resource configuration,
//! validate it, plan it, encode the plan. A plain timing loop (no criterion) keeps the
//! dependency tree small; each figure is the median of 15 batches.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Instant;

use tf_provider::value::Value;
use tfauth0::auth0::Lifetime;
use tfauth0::protocol::codec::{self, Number};
use tfauth0::provider::lifetimes::Echo;
use tfauth0::provider::tenant_session::{self, SessionModel};

fn median_ns(batches: usize, iters: u32, mut f: impl FnMut()) -> f64 {
    let mut per = Vec::with_capacity(batches);
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        per.push(t.elapsed().as_nanos() as f64 / f64::from(iters));
    }
    per.sort_by(|a, b| a.partial_cmp(b).unwrap());
    per[per.len() / 2]
}

fn main() {
    let cfg = SessionModel {
        session_cookie_mode: Value::Value("persistent".into()),
        ..Default::default()
    }
    .with_hours(Lifetime::Session, Value::Value(Number::Int(168)))
    .with_hours(
        Lifetime::IdleSession,
        Value::Value(Number::Decimal(
            "3.0166666666666666666666666667".into(),
            181.0 / 60.0,
        )),
    )
    .with_minutes(Lifetime::EphemeralSession, Value::Value(Number::Int(720)));
    let dv = codec::encode(&cfg).unwrap();
    let rows = [
        (
            "decode config (msgpack)",
            median_ns(15, 20_000, || {
                black_box(codec::decode_value::<SessionModel>(Some(black_box(&dv))).unwrap());
            }),
        ),
        (
            "validate config",
            median_ns(15, 20_000, || {
                black_box(tenant_session::validate(black_box(&cfg), None, Echo::Value));
            }),
        ),
        (
            "plan create",
            median_ns(15, 20_000, || {
                // A create plans from the configuration alone (an update reads it once
                // as Desired first).
                black_box(tenant_session::plan(
                    None,
                    black_box(&cfg),
                    Some("t.example"),
                    None,
                ));
            }),
        ),
        (
            "encode plan (msgpack)",
            median_ns(15, 20_000, || {
                black_box(codec::encode(black_box(&cfg)).unwrap());
            }),
        ),
    ];
    println!("{:<28} {:>12}", "in-process (median)", "ns/op");
    for (name, ns) in rows {
        println!("{name:<28} {ns:>12.0}");
    }
}
