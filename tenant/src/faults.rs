//! Injected faults: queued, matched against incoming requests, consumed per use.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// A fault applied to the next matching request(s). A request matches when its method
/// equals `method` (case-insensitive; `None`: any method) and its path starts with
/// `path_prefix` (`None`: any path). `times` is how many requests it applies to. JSON form
/// (control API): `{"kind":"status","code":429,"times":3,"method":"PATCH","retry_after":1}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Delay, then answer normally.
    Latency {
        millis: u64,
        #[serde(default = "one")]
        times: u32,
        #[serde(default)]
        method: Option<String>,
        #[serde(default)]
        path_prefix: Option<String>,
    },
    /// Answer with Auth0's error JSON for `code`, optionally with `Retry-After` and
    /// `x-ratelimit-reset = now + reset_in_secs`.
    Status {
        code: u16,
        #[serde(default = "one")]
        times: u32,
        #[serde(default)]
        method: Option<String>,
        #[serde(default)]
        path_prefix: Option<String>,
        #[serde(default)]
        retry_after: Option<u64>,
        #[serde(default)]
        reset_in_secs: Option<u64>,
    },
    /// An HTML error page, as a proxy in front of the API would send.
    HtmlError {
        code: u16,
        #[serde(default = "one")]
        times: u32,
        #[serde(default)]
        method: Option<String>,
        #[serde(default)]
        path_prefix: Option<String>,
    },
    /// Close the connection without any response; the request is not applied.
    DropConnection {
        #[serde(default = "one")]
        times: u32,
        #[serde(default)]
        method: Option<String>,
        #[serde(default)]
        path_prefix: Option<String>,
    },
    /// 200 with truncated JSON; the request is not applied.
    MalformedBody {
        #[serde(default = "one")]
        times: u32,
        #[serde(default)]
        method: Option<String>,
        #[serde(default)]
        path_prefix: Option<String>,
    },
    /// A valid PATCH is applied, then the connection is closed with no response.
    ApplyThenDrop {
        #[serde(default = "one")]
        times: u32,
    },
}

fn one() -> u32 {
    1
}

pub(crate) const SETTINGS_PATH: &str = "/api/v2/tenants/settings";

impl Fault {
    fn times_mut(&mut self) -> &mut u32 {
        match self {
            Fault::Latency { times, .. }
            | Fault::Status { times, .. }
            | Fault::HtmlError { times, .. }
            | Fault::DropConnection { times, .. }
            | Fault::MalformedBody { times, .. }
            | Fault::ApplyThenDrop { times } => times,
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let (want_method, want_prefix) = match self {
            Fault::Latency {
                method: m,
                path_prefix: p,
                ..
            }
            | Fault::Status {
                method: m,
                path_prefix: p,
                ..
            }
            | Fault::HtmlError {
                method: m,
                path_prefix: p,
                ..
            }
            | Fault::DropConnection {
                method: m,
                path_prefix: p,
                ..
            }
            | Fault::MalformedBody {
                method: m,
                path_prefix: p,
                ..
            } => (m, p),
            // Only a settings write can be "applied".
            Fault::ApplyThenDrop { .. } => return method == "PATCH" && path == SETTINGS_PATH,
        };
        want_method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && want_prefix.as_deref().is_none_or(|p| path.starts_with(p))
    }
}

/// What to do to one request: an optional delay plus at most one other fault.
#[derive(Debug, Default)]
pub(crate) struct Planned {
    pub latency_ms: Option<u64>,
    pub action: Option<Fault>,
}

#[derive(Default)]
pub(crate) struct FaultQueue {
    queue: VecDeque<Fault>,
}

impl FaultQueue {
    pub fn push(&mut self, f: Fault) {
        self.queue.push_back(f);
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }

    /// Consume the first matching latency fault and the first other matching fault, so
    /// a long-running latency fault can be combined with e.g. a burst of 503s.
    pub fn plan(&mut self, method: &str, path: &str) -> Planned {
        let mut planned = Planned::default();
        for f in self.queue.iter_mut() {
            if *f.times_mut() == 0 || !f.matches(method, path) {
                continue;
            }
            let is_latency = matches!(f, Fault::Latency { .. });
            if is_latency && planned.latency_ms.is_none() {
                if let Fault::Latency { millis, .. } = f {
                    planned.latency_ms = Some(*millis);
                }
            } else if !is_latency && planned.action.is_none() {
                planned.action = Some(f.clone());
            } else {
                continue;
            }
            *f.times_mut() -= 1;
        }
        self.queue.retain_mut(|f| *f.times_mut() > 0);
        planned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_and_defaults() {
        let f: Fault =
            serde_json::from_str(r#"{"kind":"status","code":429,"times":3,"retry_after":1}"#)
                .unwrap();
        assert!(matches!(
            f,
            Fault::Status {
                code: 429,
                times: 3,
                retry_after: Some(1),
                reset_in_secs: None,
                ..
            }
        ));
        let f: Fault = serde_json::from_str(r#"{"kind":"drop_connection"}"#).unwrap();
        assert!(matches!(
            f,
            Fault::DropConnection {
                times: 1,
                method: None,
                path_prefix: None
            }
        ));
        let f: Fault = serde_json::from_str(
            r#"{"kind":"html_error","code":502,"method":"PATCH","path_prefix":"/api"}"#,
        )
        .unwrap();
        assert!(
            matches!(&f, Fault::HtmlError { code: 502, times: 1, method: Some(m), path_prefix: Some(p) }
                if m == "PATCH" && p == "/api")
        );
        let f: Fault = serde_json::from_str(r#"{"kind":"apply_then_drop","times":2}"#).unwrap();
        assert!(matches!(f, Fault::ApplyThenDrop { times: 2 }));
    }

    #[test]
    fn consumed_in_order_and_by_path() {
        let mut q = FaultQueue::default();
        q.push(Fault::Latency {
            millis: 5,
            times: 10,
            method: None,
            path_prefix: None,
        });
        q.push(Fault::Status {
            code: 503,
            times: 1,
            method: None,
            path_prefix: Some("/api".into()),
            retry_after: None,
            reset_in_secs: None,
        });
        q.push(Fault::ApplyThenDrop { times: 1 });
        let p = q.plan("POST", "/oauth/token");
        assert_eq!(p.latency_ms, Some(5));
        assert!(p.action.is_none());
        let p = q.plan("PATCH", SETTINGS_PATH);
        assert!(matches!(p.action, Some(Fault::Status { code: 503, .. })));
        let p = q.plan("PATCH", SETTINGS_PATH);
        assert!(matches!(p.action, Some(Fault::ApplyThenDrop { .. })));
        assert!(q.plan("PATCH", SETTINGS_PATH).action.is_none());
        assert_eq!(q.queue.len(), 1);
    }

    #[test]
    fn method_and_path_must_both_match() {
        let mut q = FaultQueue::default();
        q.push(Fault::Status {
            code: 503,
            times: 1,
            method: Some("patch".into()),
            path_prefix: Some(SETTINGS_PATH.into()),
            retry_after: None,
            reset_in_secs: None,
        });
        assert!(
            q.plan("GET", SETTINGS_PATH).action.is_none(),
            "GET: wrong method"
        );
        assert!(
            q.plan("PATCH", "/oauth/token").action.is_none(),
            "wrong path"
        );
        assert!(matches!(
            q.plan("PATCH", SETTINGS_PATH).action,
            Some(Fault::Status { code: 503, .. })
        ));
        assert!(q.queue.is_empty(), "used up");
    }
}
