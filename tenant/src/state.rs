//! The stored tenant settings and how they are rendered in API responses.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::disagree::{Disagreement, Lifetime};

/// The four lifetime fields, in the order used by every `[_; 4]` array in this crate.
pub(crate) const SESSION_FIELDS: [&str; 4] = [
    "session_lifetime",
    "idle_session_lifetime",
    "ephemeral_session_lifetime",
    "idle_ephemeral_session_lifetime",
];

/// Documented Auth0 defaults (168 h, 72 h, 72 h, 24 h) in minutes.
pub(crate) const DEFAULT_MINUTES: [u32; 4] = [168 * 60, 72 * 60, 72 * 60, 24 * 60];

/// Session settings as stored by the tenant; all lifetimes in minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    pub session_lifetime: u32,
    pub idle_session_lifetime: u32,
    pub ephemeral_session_lifetime: u32,
    pub idle_ephemeral_session_lifetime: u32,
    /// `None` = never set, so `session_cookie` is left out of responses.
    #[serde(default)]
    pub cookie_mode: Option<String>,
}

impl Default for SessionState {
    fn default() -> Self {
        let [a, b, c, d] = DEFAULT_MINUTES;
        SessionState {
            session_lifetime: a,
            idle_session_lifetime: b,
            ephemeral_session_lifetime: c,
            idle_ephemeral_session_lifetime: d,
            cookie_mode: None,
        }
    }
}

impl SessionState {
    pub(crate) fn minutes(&self) -> [u32; 4] {
        [
            self.session_lifetime,
            self.idle_session_lifetime,
            self.ephemeral_session_lifetime,
            self.idle_ephemeral_session_lifetime,
        ]
    }

    /// `i` indexes [`SESSION_FIELDS`]; one out of range is a bug and panics rather than
    /// writing to another lifetime.
    fn set_minutes(&mut self, i: usize, v: u32) {
        let slots = [
            &mut self.session_lifetime,
            &mut self.idle_session_lifetime,
            &mut self.ephemeral_session_lifetime,
            &mut self.idle_ephemeral_session_lifetime,
        ];
        *slots[i] = v;
    }
}

/// A validated PATCH body (see `validation`).
#[derive(Debug, Default)]
pub(crate) struct Patch {
    pub minutes: [Option<u32>; 4],
    pub cookie_mode: Option<String>,
    /// Non-session settings, applied as-is (`null` clears the key).
    pub others: Vec<(String, Value)>,
}

/// Everything the tenant stores.
pub(crate) struct Store {
    session: SessionState,
    /// Whether a lifetime was ever written. The real API leaves out lifetimes a tenant
    /// never set (readers must apply the defaults) but returns them once written, even
    /// when the written value equals the default (see the recordings).
    explicit: [bool; 4],
    others: Map<String, Value>,
}

impl Store {
    pub fn new() -> Self {
        Store {
            session: SessionState::default(),
            explicit: [false; 4],
            others: default_other_settings(),
        }
    }

    pub fn session(&self) -> SessionState {
        self.session.clone()
    }

    /// Dashboard-style overwrite: values equal to the defaults read back as absent.
    pub fn set_session(&mut self, s: SessionState) {
        let m = s.minutes();
        for (i, explicit) in self.explicit.iter_mut().enumerate() {
            *explicit = m[i] != DEFAULT_MINUTES[i];
        }
        self.session = s;
    }

    /// Stores a validated PATCH, values above a system limit of `rules` as the limit.
    pub fn apply(&mut self, patch: Patch, rules: &Disagreement) {
        for lifetime in Lifetime::ALL {
            let i = lifetime.index();
            if let Some(sent) = patch.minutes[i] {
                self.session.set_minutes(i, rules.stored(lifetime, sent));
                self.explicit[i] = true;
            }
        }
        if let Some(mode) = patch.cookie_mode {
            self.session.cookie_mode = Some(mode);
        }
        for (key, value) in patch.others {
            match (value, self.others.get_mut(&key)) {
                (Value::Null, _) => {
                    self.others.remove(&key);
                }
                // Nested objects such as `flags` are merged one level deep, like Auth0 does.
                (Value::Object(new), Some(Value::Object(old))) => {
                    for (k, v) in new {
                        old.insert(k, v);
                    }
                }
                (value, _) => {
                    self.others.insert(key, value);
                }
            }
        }
    }

    /// The body of a PATCH's 200: the settings as stored, but for the lifetimes `rules` says
    /// to misreport.
    pub fn patch_answer(&self, rules: &Disagreement) -> Map<String, Value> {
        let mut out = self.render(false);
        for lifetime in Lifetime::ALL {
            let stored = self.session.minutes()[lifetime.index()];
            let answered = rules.answered(lifetime, stored);
            if answered != stored {
                out.insert(lifetime.hours_field().to_string(), hours_value(answered));
            }
        }
        out
    }

    /// The full settings object. GET responses also carry read-only keys that PATCH
    /// responses lack (as in the recordings).
    pub fn render(&self, for_get: bool) -> Map<String, Value> {
        let mut out = self.others.clone();
        let minutes = self.session.minutes();
        for i in 0..4 {
            if self.explicit[i] {
                out.insert(SESSION_FIELDS[i].to_string(), hours_value(minutes[i]));
            }
        }
        if let Some(mode) = &self.session.cookie_mode {
            out.insert("session_cookie".into(), json!({ "mode": mode }));
        }
        if for_get {
            out.insert("sandbox_versions_available".into(), json!(["22", "18"]));
        }
        out
    }
}

/// Hours as a JSON number: an integer when whole (`168`), else a float (`0.25`).
pub(crate) fn hours_value(minutes: u32) -> Value {
    if minutes.is_multiple_of(60) {
        json!(minutes / 60)
    } else {
        json!(f64::from(minutes) / 60.0)
    }
}

/// Apply `fields=a,b&include_fields=true|false` to a rendered settings object.
pub(crate) fn narrow(
    obj: Map<String, Value>,
    fields: &[String],
    include: bool,
) -> Map<String, Value> {
    if fields.is_empty() {
        return obj;
    }
    obj.into_iter()
        .filter(|(k, _)| fields.iter().any(|f| f == k) == include)
        .collect()
}

/// A plausible fresh tenant, shaped after the recorded responses.
fn default_other_settings() -> Map<String, Value> {
    let v = json!({
        "allowed_logout_urls": [],
        "acr_values_supported": [],
        "change_password": { "enabled": false },
        "default_audience": "",
        "default_directory": "",
        "enabled_locales": ["en"],
        "flags": {
            "allow_changing_enable_sso": false,
            "allow_legacy_delegation_grant_types": true,
            "allow_legacy_ro_grant_types": true,
            "allow_other_legacy_grant_types": true,
            "disable_impersonation": true,
            "enable_dynamic_client_registration": false,
            "enable_sso": true,
            "universal_login": true,
            "use_scope_descriptions_for_consent": false,
            "revoke_refresh_token_grant": false,
            "disable_clickjack_protection_headers": false
        },
        "friendly_name": "Local Tenant",
        "guardian_mfa_page": { "enabled": false },
        "picture_url": "",
        "sandbox_version": "18",
        "support_email": "",
        "support_url": "",
        "sessions": { "oidc_logout_prompt_enabled": true },
        "oidc_logout": { "rp_logout_end_session_endpoint_discovery": false },
        "allow_organization_name_in_authentication_api": false,
        "customize_mfa_in_postlogin_action": false,
        "pushed_authorization_requests_supported": false,
        "universal_login": { "colors": { "page_background": "#000000", "primary": "#0059d6" } },
        "resource_parameter_profile": "audience"
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!("literal is an object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_render_as_integers_when_whole() {
        assert_eq!(hours_value(168 * 60).to_string(), "168");
        assert_eq!(hours_value(181).to_string(), "3.0166666666666666");
        assert_eq!(hours_value(15).to_string(), "0.25");
        assert_eq!(hours_value(5).to_string(), "0.08333333333333333");
    }

    #[test]
    fn fresh_tenant_omits_session_fields() {
        let r = Store::new().render(true);
        for f in SESSION_FIELDS {
            assert!(!r.contains_key(f), "{f}");
        }
        assert!(!r.contains_key("session_cookie"));
    }

    #[test]
    fn written_defaults_are_returned_and_set_state_defaults_are_not() {
        let mut s = Store::new();
        s.apply(
            Patch {
                minutes: [Some(168 * 60), None, None, None],
                ..Patch::default()
            },
            &Disagreement::default(),
        );
        assert_eq!(s.render(false)["session_lifetime"], json!(168));
        s.set_session(SessionState {
            idle_session_lifetime: 90,
            ..SessionState::default()
        });
        let r = s.render(false);
        assert!(!r.contains_key("session_lifetime"));
        assert_eq!(r["idle_session_lifetime"], json!(1.5));
    }

    #[test]
    fn limits_store_less_and_misreports_answer_other_than_stored() {
        let rules: Disagreement = serde_json::from_str(
            r#"{"system_limits": {"session_lifetime": 43200},
                "patch_answers": {"idle_session_lifetime": 90}}"#,
        )
        .unwrap();
        let mut s = Store::new();
        s.apply(
            Patch {
                minutes: [Some(50_000), Some(60), None, None],
                ..Patch::default()
            },
            &rules,
        );
        assert_eq!(s.session().session_lifetime, 43_200);
        assert_eq!(s.session().idle_session_lifetime, 60);
        let answer = s.patch_answer(&rules);
        assert_eq!(answer["session_lifetime"], json!(720));
        assert_eq!(answer["idle_session_lifetime"], json!(1.5));
        assert_eq!(s.render(true)["idle_session_lifetime"], json!(1));
    }

    #[test]
    fn nulls_clear_and_objects_merge() {
        let mut s = Store::new();
        let rules = Disagreement::default();
        s.apply(
            Patch {
                others: vec![
                    ("mtls".into(), json!({"enable_endpoint_aliases": true})),
                    ("flags".into(), json!({"enable_sso": false})),
                ],
                ..Patch::default()
            },
            &rules,
        );
        s.apply(
            Patch {
                others: vec![("mtls".into(), Value::Null)],
                ..Patch::default()
            },
            &rules,
        );
        let r = s.render(false);
        assert!(!r.contains_key("mtls"));
        assert_eq!(r["flags"]["enable_sso"], json!(false));
        assert_eq!(r["flags"]["disable_impersonation"], json!(true));
    }

    #[test]
    fn narrowing() {
        let r = Store::new().render(false);
        let only = narrow(r.clone(), &["friendly_name".into()], true);
        assert_eq!(only.len(), 1);
        let without = narrow(r.clone(), &["friendly_name".into()], false);
        assert_eq!(without.len(), r.len() - 1);
    }
}
