//! What one provider process learns about each tenant during one Terraform command.
//!
//! Terraform starts a provider process per command phase (validate, plan, apply) and sends
//! it every object of every `auth0_tenant_session` in that phase, but never says which
//! resource address a call is for. A tenant has one settings object, so three questions
//! need what the process has seen across calls:
//!
//! - **Is a tenant planned by two resources?** Each non-destroy plan claims its tenant
//!   with a token; a second claim with another token is a second resource. The two plans
//!   of one `-replace` share a token: Terraform hands the first plan's private state to
//!   the second.
//! - **Which originals does a replacement inherit?** A tainted object is upgraded (and
//!   usually refreshed) in the same process, and destroyed before its replacement is
//!   created (or, with `create_before_destroy`, deposed); the originals recorded in its
//!   state are carried to the new object.
//! - **May a destroy restore?** Not once another object has written new values into the
//!   tenant in this process: that is the replacement of a `create_before_destroy`, and a
//!   restore would overwrite what it just applied.
//!
//! The registry belongs to the resource that needs it (`TenantSession`), and keeps per
//! tenant whatever that resource records as its originals (`O`).
//!
//! Two provider configurations on one tenant are two processes: their plans' claims also
//! go to the files of [`super::claims`], shared by the provider processes of one
//! Terraform process. Tenants are compared by [`tenant_key`], so `localhost`,
//! `127.0.0.1` and `[::1]`, case, default ports and trailing dots or slashes do not make
//! one tenant two.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;

pub use super::claims::token;
use super::claims::{self, Claims};
use crate::protocol::diagnostics::error;
use crate::protocol::tfplugin6::Diagnostic;

/// A reason to refuse a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// Two resources would manage the tenant's settings.
    TwoResources,
    /// Two provider configurations (two processes) plan resources for the tenant.
    TwoConfigurations,
    /// One resource is destroyed with `restore_on_destroy` while a new one takes the
    /// tenant over (a rename without a `moved` block): Terraform may run the two in either
    /// order, and the restore could land last.
    RestoreWhileTakenOver,
}

impl Conflict {
    /// The error that refuses the plan, naming the tenant and the way out.
    pub fn diagnostic(&self, tenant: &str) -> Diagnostic {
        match self {
            Conflict::TwoResources => error(
                "One tenant, two auth0_tenant_session resources",
                format!(
                    "The session settings of one tenant can be managed by one resource only, and this \
                     configuration plans two (or more) auth0_tenant_session objects for {tenant} with the \
                     same provider configuration: every apply would flip the tenant between their values. \
                     Keep one resource per tenant. To manage several tenants, give each its own provider \
                     configuration (alias) and one resource. count and for_each over the same provider \
                     create several resources for one tenant."
                ),
            ),
            Conflict::TwoConfigurations => error(
                "One tenant, two auth0_tenant_session resources",
                format!(
                    "The session settings of one tenant can be managed by one resource only, and this \
                     configuration plans auth0_tenant_session objects for {tenant} with two (or more) \
                     provider configurations that point at it (two aliases, or module instances \
                     each given its own provider with the same domain): every apply would flip \
                     the tenant between their values. Keep one resource per tenant: remove the \
                     duplicate tenant from the map or list the configurations come from, or give \
                     each provider configuration its own tenant."
                ),
            ),
            Conflict::RestoreWhileTakenOver => error(
                "One tenant, one resource destroyed and another created",
                format!(
                    "This plan destroys an auth0_tenant_session of {tenant} with restore_on_destroy = true \
                     and creates another one for the same tenant. Terraform may run the two in either \
                     order, so the restore could overwrite the new resource's values. If this is a \
                     rename, add a moved block (moved {{ from = OLD  to = NEW }}) so the resource keeps \
                     its state and its original settings. Otherwise apply the destroy first \
                     (terraform apply -target=OLD_ADDRESS after removing it from the configuration, or \
                     terraform destroy -target=OLD_ADDRESS), then add the new resource."
                ),
            ),
        }
    }
}

#[derive(Debug)]
struct Seen<O> {
    /// Originals recorded in the state of objects of this tenant.
    originals: Option<O>,
    /// Tokens of the plans that would manage the tenant.
    claims: Vec<u64>,
    /// How many of those plans create a new object (not the second plan of a replace).
    creates: usize,
    /// Destroy plans that would put back originals.
    restoring_destroys: usize,
    /// A create or update wrote the tenant's settings in this process.
    written: bool,
}

// Written out: a derive would ask `O: Default`.
impl<O> Default for Seen<O> {
    fn default() -> Self {
        Seen {
            originals: None,
            claims: Vec::new(),
            creates: 0,
            restoring_destroys: 0,
            written: false,
        }
    }
}

#[derive(Debug)]
pub struct Tenancy<O> {
    tenants: Mutex<HashMap<String, Seen<O>>>,
    /// Whether any apply ran in this process (so it is the apply phase: its destroys of
    /// deposed objects are planned after their replacements were created).
    applied: Mutex<bool>,
    /// The claims this process shares with the other provider processes of its
    /// Terraform process; `None` in unit tests and where the platform has none.
    shared: Option<Claims>,
}

impl<O: Clone> Default for Tenancy<O> {
    fn default() -> Self {
        Tenancy::with_shared_claims(None)
    }
}

impl<O: Clone> Tenancy<O> {
    /// The registry of a provider process, sharing its claims with its siblings.
    pub fn with_shared_claims(shared: Option<Claims>) -> Tenancy<O> {
        Tenancy {
            tenants: Mutex::new(HashMap::new()),
            applied: Mutex::new(false),
            shared,
        }
    }

    fn with<T>(&self, tenant: &str, f: impl FnOnce(&mut Seen<O>) -> T) -> T {
        let mut map = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        f(map.entry(tenant_key(tenant)).or_default())
    }

    fn applied(&self) -> bool {
        *self.applied.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An object of `tenant` seen in state, with the originals it records.
    pub fn saw_state(&self, tenant: &str, originals: Option<&O>) {
        if let Some(o) = originals {
            self.with(tenant, |s| s.originals = Some(o.clone()));
        }
    }

    /// The originals recorded by an object of `tenant` seen in this process, for the
    /// object that replaces it.
    pub fn inherited(&self, tenant: &str) -> Option<O> {
        self.with(tenant, |s| s.originals.clone())
    }

    /// A plan that would manage `tenant`, identified by `token`; `creates` when it
    /// creates a new object rather than updating or replacing one already planned.
    pub fn claim(&self, tenant: &str, token: u64, creates: bool) -> Result<(), Conflict> {
        self.claim_here(tenant, token, creates)?;
        #[cfg(unix)]
        if let Some(shared) = &self.shared {
            if shared.claim(&tenant_key(tenant), claims::now()) {
                return Err(Conflict::TwoConfigurations);
            }
        }
        Ok(())
    }

    /// [`Self::claim`] among this process's plans.
    fn claim_here(&self, tenant: &str, token: u64, creates: bool) -> Result<(), Conflict> {
        let applied = self.applied();
        self.with(tenant, |s| {
            if s.claims.iter().any(|t| *t != token) {
                return Err(Conflict::TwoResources);
            }
            if creates {
                s.creates += 1;
            }
            if !s.claims.contains(&token) {
                s.claims.push(token);
            }
            if s.restoring_destroys > 0 && s.creates > 0 && !applied {
                return Err(Conflict::RestoreWhileTakenOver);
            }
            Ok(())
        })
    }

    /// A destroy plan that would put back originals into `tenant`.
    pub fn plan_restoring_destroy(&self, tenant: &str) -> Result<(), Conflict> {
        let applied = self.applied();
        self.with(tenant, |s| {
            s.restoring_destroys += 1;
            if s.creates > 0 && !applied {
                return Err(Conflict::RestoreWhileTakenOver);
            }
            Ok(())
        })
    }

    /// An apply is about to run in this process.
    pub fn applying(&self) {
        *self.applied.lock().unwrap_or_else(|p| p.into_inner()) = true;
    }

    /// A create or update wrote `tenant`'s settings, recording `originals`.
    pub fn wrote(&self, tenant: &str, originals: Option<&O>) {
        self.with(tenant, |s| {
            s.written = true;
            if let Some(o) = originals {
                s.originals = Some(o.clone());
            }
        });
    }

    /// Whether a create or update wrote `tenant`'s settings earlier in this process.
    pub fn written(&self, tenant: &str) -> bool {
        self.with(tenant, |s| s.written)
    }
}

/// What identifies a tenant whatever the spelling of its domain (`host[:port]`, as the
/// provider's `domain` and a state's `id` hold it, or a URL): host names are not case
/// sensitive and may end in a dot; a scheme, a trailing slash and the ports 443 and 80
/// change nothing; `localhost`, `127.0.0.1` and `::1` (also as `::ffff:127.0.0.1`) are
/// one host, `loopback`. Other addresses of 127.0.0.0/8 stay apart: a server listening on
/// 127.0.0.1 is not reachable at 127.0.0.2.
pub fn tenant_key(domain: &str) -> String {
    let d = domain.trim().to_ascii_lowercase();
    let d = match d.find("://") {
        Some(i) => &d[i + 3..],
        None => &d[..],
    };
    let d = d.trim_end_matches('/');
    let (host, port) = match d.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((host, rest)) => (host, rest.strip_prefix(':')),
        // An IPv6 address without brackets has no port.
        None if d.parse::<IpAddr>().is_ok() => (d, None),
        None => match d.rsplit_once(':') {
            Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
            _ => (d, None),
        },
    };
    let host = host.trim_end_matches('.');
    let loopback = match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Ok(IpAddr::V6(ip)) => ip.is_loopback() || ip.to_ipv4_mapped() == Some(Ipv4Addr::LOCALHOST),
        Err(_) => host == "localhost",
    };
    let host = match host.parse::<IpAddr>() {
        _ if loopback => "loopback".to_string(),
        Ok(ip) => ip.to_string(),
        Err(_) => host.to_string(),
    };
    match port.map(|p| p.trim_start_matches('0')) {
        None | Some("443") | Some("80") => host,
        Some(p) => format!("{host}:{p}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the tests record as a tenant's originals.
    type T = Tenancy<&'static str>;

    #[test]
    fn two_resources_on_one_tenant_conflict_in_either_order() {
        let t = T::default();
        assert_eq!(t.claim("a.example", 1, false), Ok(()));
        assert_eq!(t.claim("b.example", 2, true), Ok(()), "another tenant");
        assert_eq!(t.claim("A.example", 3, true), Err(Conflict::TwoResources));
        let t = T::default();
        assert_eq!(t.claim("a", 1, true), Ok(()));
        assert_eq!(t.claim("a", 2, true), Err(Conflict::TwoResources));
    }

    #[test]
    fn one_tenant_has_one_key_whatever_the_spelling() {
        for (a, b) in [
            ("127.0.0.1:8443", "localhost:8443"),
            ("[::1]:8443", "LOCALHOST:8443"),
            ("http://127.0.0.1:8443/", "127.0.0.1:8443"),
            ("[::ffff:127.0.0.1]:8443", "127.0.0.1:8443"),
            ("::1", "localhost"),
            ("127.0.0.1:8443", "localhost.:8443"),
            ("Tenant.EU.Auth0.com", "tenant.eu.auth0.com."),
            ("tenant.eu.auth0.com:443", "https://tenant.eu.auth0.com/"),
            ("[2001:DB8::1]:8443", "[2001:db8:0::1]:8443"),
        ] {
            assert_eq!(tenant_key(a), tenant_key(b), "{a} and {b}");
        }
        for (a, b) in [
            ("127.0.0.1:8443", "127.0.0.1:8444"),
            ("localhost:8443", "localhost"),
            ("a.example", "b.example"),
            ("a.example:8443", "a.example"),
            ("10.0.0.1:80", "127.0.0.1:80"),
            ("127.0.0.2:8443", "127.0.0.1:8443"),
        ] {
            assert_ne!(tenant_key(a), tenant_key(b), "{a} and {b}");
        }
        // The in-process check compares keys.
        let t = T::default();
        assert_eq!(t.claim("127.0.0.1:9", 1, true), Ok(()));
        assert_eq!(t.claim("localhost:9", 2, true), Err(Conflict::TwoResources));
    }

    #[test]
    fn the_two_plans_of_a_replace_share_a_token() {
        let t = T::default();
        assert_eq!(t.claim("a", 1, false), Ok(()));
        assert_eq!(t.claim("a", 1, false), Ok(()));
    }

    #[test]
    fn restoring_destroy_beside_a_new_claim_conflicts_before_any_apply() {
        let t = T::default();
        assert_eq!(t.plan_restoring_destroy("a"), Ok(()));
        assert_eq!(t.claim("a", 1, true), Err(Conflict::RestoreWhileTakenOver));
        let t = T::default();
        assert_eq!(t.claim("a", 1, true), Ok(()));
        assert_eq!(
            t.plan_restoring_destroy("a"),
            Err(Conflict::RestoreWhileTakenOver)
        );
        // An object that stays (updated or unchanged) beside a leftover being destroyed.
        let t = T::default();
        assert_eq!(t.claim("a", 1, false), Ok(()));
        assert_eq!(t.plan_restoring_destroy("a"), Ok(()));
        // In the apply phase, a deposed object's destroy is planned after its replacement.
        let t = T::default();
        assert_eq!(t.claim("a", 1, true), Ok(()));
        t.applying();
        assert_eq!(t.plan_restoring_destroy("a"), Ok(()));
    }

    #[test]
    fn originals_and_writes_are_per_tenant() {
        let t = T::default();
        assert!(t.inherited("a").is_none());
        let o = "the originals";
        t.saw_state("a", Some(&o));
        t.saw_state("a", None);
        assert_eq!(t.inherited("A"), Some(o));
        assert!(t.inherited("b").is_none());
        assert!(!t.written("a"));
        t.wrote("a", None);
        assert!(t.written("a") && !t.written("b"));
        assert_ne!(token(), token());
    }
}
