//! `/__control/*`: lets other processes (e2e scripts, benchmarks) drive the tenant.
//! Exempt from auth, rate limiting, faults and the request log.

use axum::body::Body;
use axum::http::{Response, StatusCode};
use serde_json::{json, Value};

use crate::disagree::Disagreement;
use crate::faults::Fault;
use crate::server::{json_response, Shared};
use crate::state::SessionState;

fn no_content() -> Response<Body> {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    resp
}

fn bad_request(message: String) -> Response<Body> {
    json_response(
        400,
        &json!({ "statusCode": 400, "error": "Bad Request", "message": message }),
    )
}

pub(crate) fn handle(shared: &Shared, method: &str, path: &str, body: &[u8]) -> Response<Body> {
    match (method, path) {
        // A single fault or an array of them.
        ("POST", "/__control/faults") => {
            let faults = serde_json::from_slice::<Vec<Fault>>(body)
                .or_else(|_| serde_json::from_slice::<Fault>(body).map(|f| vec![f]));
            match faults {
                Ok(list) => {
                    let mut q = shared.faults.lock().unwrap();
                    list.into_iter().for_each(|f| q.push(f));
                    no_content()
                }
                Err(e) => bad_request(format!("invalid fault: {e}")),
            }
        }
        ("DELETE", "/__control/faults") => {
            shared.faults.lock().unwrap().clear();
            no_content()
        }
        ("GET", "/__control/requests") => {
            let all = shared.log.lock().unwrap().all();
            json_response(200, &serde_json::to_value(all).unwrap_or(Value::Null))
        }
        ("DELETE", "/__control/requests") => {
            shared.log.lock().unwrap().clear();
            no_content()
        }
        ("GET", "/__control/state") => {
            let s = shared.store.lock().unwrap().session();
            json_response(200, &serde_json::to_value(s).unwrap_or(Value::Null))
        }
        ("PUT", "/__control/state") => match serde_json::from_slice::<SessionState>(body) {
            Ok(s) => {
                shared.store.lock().unwrap().set_session(s);
                no_content()
            }
            Err(e) => bad_request(format!("invalid state: {e}")),
        },
        ("GET", "/__control/disagreement") => {
            let d = shared.disagreement.lock().unwrap().clone();
            json_response(200, &serde_json::to_value(d).unwrap_or(Value::Null))
        }
        // e.g. {"system_limits": {"idle_session_lifetime": 4320}}; {} switches it off.
        ("PUT", "/__control/disagreement") => match serde_json::from_slice::<Disagreement>(body) {
            Ok(d) => {
                *shared.disagreement.lock().unwrap() = d;
                no_content()
            }
            Err(e) => bad_request(format!("invalid disagreement: {e}")),
        },
        ("POST", "/__control/expire-tokens") => {
            shared.tokens.lock().unwrap().expire_all();
            no_content()
        }
        _ => json_response(
            404,
            &json!({ "statusCode": 404, "error": "Not Found", "message": "Not Found" }),
        ),
    }
}
