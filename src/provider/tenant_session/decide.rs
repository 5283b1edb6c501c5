//! The lifecycle's decisions as pure functions: what a create, an update or a delete does
//! (keep, forget, restore these originals, patch, refuse), decided from the states, the
//! configuration and what the process has seen of the tenant. The lifecycle methods in
//! `mod.rs` only carry them out.

use tf_provider::value::Value;

use super::desired::Desired;
use super::model::{same_tenant, OriginalSettings, SessionModel};
use super::plan::{has_unknown, writes};
use crate::protocol::tfplugin6::Diagnostic;

/// Where a create takes the tenant's originals from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOriginals {
    /// From the object this one replaces, seen earlier in this process.
    Inherited(OriginalSettings),
    /// From one read of the tenant before the PATCH: `restore_on_destroy` may be true.
    ReadFirst,
    /// None recorded: `restore_on_destroy` is false.
    None,
}

pub fn create_originals(
    inherited: Option<OriginalSettings>,
    restore_on_destroy: &Value<bool>,
) -> CreateOriginals {
    match inherited {
        Some(o) => CreateOriginals::Inherited(o),
        None if *restore_on_destroy != Value::Value(false) => CreateOriginals::ReadFirst,
        None => CreateOriginals::None,
    }
}

/// What an update does.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// The object belongs to another tenant than the provider's: keep it, refuse.
    RefuseOtherTenant { tenant: String, restores: bool },
    /// The configuration breaks a rule (now that every value is known): keep, refuse.
    Invalid(Vec<Diagnostic>),
    /// Nothing to write: this is the new state.
    Keep(Box<SessionModel>),
    /// One PATCH of the configuration, the new state carrying `originals`.
    Patch { originals: Option<OriginalSettings> },
}

/// The update of `prior` to `planned` on `domain` for a configuration read into
/// `desired`; `legacy` are originals a schema version 0
/// private state kept.
pub fn update(
    prior: &SessionModel,
    planned: &SessionModel,
    cfg: &SessionModel,
    desired: &Desired,
    domain: &str,
    legacy: Option<OriginalSettings>,
) -> Update {
    if let Some(t) = prior.tenant().filter(|t| !same_tenant(t, domain)) {
        return Update::RefuseOtherTenant {
            tenant: t.to_string(),
            restores: prior.restores_on_destroy(),
        };
    }
    let errors = desired.errors();
    if !errors.is_empty() {
        return Update::Invalid(errors);
    }
    let restore = cfg.restore_on_destroy == Value::Value(true);
    let originals = match &planned.original_settings {
        Value::Value(o) => Some(o.clone()),
        Value::Null => None,
        // restore_on_destroy was unknown at plan: decide now.
        Value::Unknown => prior.originals().cloned().or(legacy).or_else(|| {
            restore
                .then(|| OriginalSettings::from_state(prior))
                .flatten()
        }),
    };
    if writes(prior, desired, has_unknown(planned)) {
        return Update::Patch { originals };
    }
    let mut st = planned.clone();
    st.id = prior.id.clone();
    st.restore_on_destroy = Value::Value(restore);
    st.original_settings = originals.map_or(Value::Null, Value::Value);
    Update::Keep(Box::new(st))
}

/// What a destroy does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delete {
    /// `restore_on_destroy` is false: forget the object, leave the tenant as it is.
    Forget,
    /// The object belongs to another tenant: keep it, refuse (its originals are not
    /// this tenant's).
    RefuseOtherTenant { tenant: String },
    /// Nothing was recorded to put back: forget.
    NothingToRestore,
    /// A replacement wrote to the tenant in this run: forget without restoring over it.
    WrittenSince(OriginalSettings),
    /// Put these back, then forget.
    Restore(OriginalSettings),
}

/// The destroy of `prior` on `domain`; `written` says whether this process wrote to the
/// tenant in this run, `legacy` are originals a schema version 0 private state kept.
pub fn delete(
    prior: &SessionModel,
    domain: &str,
    legacy: Option<OriginalSettings>,
    written: bool,
) -> Delete {
    if !prior.restores_on_destroy() {
        return Delete::Forget;
    }
    if let Some(t) = prior.tenant().filter(|t| !same_tenant(t, domain)) {
        return Delete::RefuseOtherTenant {
            tenant: t.to_string(),
        };
    }
    match prior.originals().cloned().or(legacy) {
        None => Delete::NothingToRestore,
        Some(o) if written => Delete::WrittenSince(o),
        Some(o) => Delete::Restore(o),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::lifetimes::{Echo, Lifetime};
    use crate::provider::tenant_session::test_support::{applied, n, settings};

    fn originals(m: u32) -> OriginalSettings {
        OriginalSettings::from_settings(&settings([m, 4320, 4320, 1440]))
    }

    fn restoring(t: &str, o: Option<OriginalSettings>) -> SessionModel {
        SessionModel {
            id: Value::Value(t.into()),
            restore_on_destroy: Value::Value(true),
            original_settings: o.map_or(Value::Null, Value::Value),
            ..SessionModel::default()
        }
    }

    #[test]
    fn a_create_inherits_reads_or_records_nothing() {
        let o = originals(60);
        assert_eq!(
            create_originals(Some(o.clone()), &Value::Value(false)),
            CreateOriginals::Inherited(o)
        );
        for r in [Value::Value(true), Value::Unknown] {
            assert_eq!(create_originals(None, &r), CreateOriginals::ReadFirst);
        }
        assert_eq!(
            create_originals(None, &Value::Value(false)),
            CreateOriginals::None
        );
    }

    #[test]
    fn a_delete_forgets_refuses_or_restores() {
        let o = originals(60);
        let off = SessionModel {
            id: Value::Value("t".into()),
            ..SessionModel::default()
        };
        assert_eq!(delete(&off, "t", None, false), Delete::Forget);
        // Not even into another tenant's name does a forget write anything.
        assert_eq!(delete(&off, "other", None, false), Delete::Forget);
        let on = restoring("t", Some(o.clone()));
        assert_eq!(
            delete(&on, "other", None, false),
            Delete::RefuseOtherTenant { tenant: "t".into() }
        );
        assert_eq!(delete(&on, "T", None, false), Delete::Restore(o.clone()));
        assert_eq!(
            delete(&on, "t", None, true),
            Delete::WrittenSince(o.clone())
        );
        let none = restoring("t", None);
        assert_eq!(delete(&none, "t", None, false), Delete::NothingToRestore);
        assert_eq!(
            delete(&none, "t", Some(o.clone()), false),
            Delete::Restore(o)
        );
    }

    #[test]
    fn an_update_keeps_the_plan_or_patches_and_never_another_tenant() {
        let cfg = SessionModel::default().with_hours(Lifetime::Session, n(48));
        let mut prior = applied(&cfg, [2880, 4320, 4320, 1440]);
        prior.id = Value::Value("t".into());
        let desired = Desired::read(&cfg, Echo::Hidden);
        let planned = super::super::plan::plan(Some((&prior, &desired)), &cfg, Some("t"), None);
        match update(&prior, &planned, &cfg, &desired, "t", None) {
            Update::Keep(st) => assert_eq!(st.restore_on_destroy, Value::Value(false)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            update(&prior, &planned, &cfg, &desired, "u", None),
            Update::RefuseOtherTenant {
                tenant: "t".into(),
                restores: false
            }
        );
        let more = cfg.clone().with_minutes(Lifetime::IdleSession, n(90));
        let desired = Desired::read(&more, Echo::Hidden);
        let planned = super::super::plan::plan(Some((&prior, &desired)), &more, Some("t"), None);
        assert_eq!(
            update(&prior, &planned, &more, &desired, "t", None),
            Update::Patch { originals: None }
        );
        // restore_on_destroy unknown at plan and true at apply: the state's values now.
        let mut unknown = planned.clone();
        unknown.original_settings = Value::Unknown;
        let on = SessionModel {
            restore_on_destroy: Value::Value(true),
            ..more
        };
        match update(&prior, &unknown, &on, &desired, "t", None) {
            Update::Patch { originals: Some(o) } => {
                assert_eq!(o.minutes(Lifetime::Session), 2880)
            }
            other => panic!("{other:?}"),
        }
        let bad = SessionModel::default().with_hours(Lifetime::Session, n(0));
        let d = Desired::read(&bad, Echo::Hidden);
        assert!(matches!(
            update(&prior, &planned, &bad, &d, "t", None),
            Update::Invalid(e) if e.len() == 1
        ));
    }
}
