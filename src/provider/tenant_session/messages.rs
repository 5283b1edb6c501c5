//! What the resource tells a person: the warnings and errors of its lifecycle, each
//! naming the tenant and the way out.

use super::model::{same_tenant, OriginalSettings};
use super::validate::TwinConflict;
use crate::protocol::diagnostics::{attr_error, error, warning};
use crate::protocol::tfplugin6::Diagnostic;
use crate::provider::attributes::pair;
use crate::provider::lifetimes::{Lifetime, Spelling};

/// The placeholder import ID for "the tenant this provider is configured for".
pub const CURRENT_TENANT_ID: &str = "current";

/// An import ID must name the provider's tenant: its domain (`host[:port]`, with or
/// without `https://`, any case) or [`CURRENT_TENANT_ID`]. Importing another tenant's ID
/// would record this tenant's settings under that tenant's name.
pub fn check_import_id(id: &str, domain: &str) -> Result<(), Diagnostic> {
    let trimmed = id.trim();
    let bare = match trimmed.find("://") {
        Some(i)
            if ["https", "http"]
                .iter()
                .any(|s| trimmed[..i].eq_ignore_ascii_case(s)) =>
        {
            &trimmed[i + 3..]
        }
        _ => trimmed,
    }
    .trim_end_matches('/');
    if trimmed.eq_ignore_ascii_case(CURRENT_TENANT_ID) || same_tenant(bare, domain) {
        return Ok(());
    }
    let shown = crate::auth0::config::redacted(trimmed);
    Err(error(
        "Import ID names another tenant",
        format!(
            "The import ID {shown:?} is not the tenant this provider is configured for ({domain}). \
             An auth0_tenant_session is imported by its tenant's domain: use the ID {domain:?} (or \
             {CURRENT_TENANT_ID:?} for whichever tenant the provider is configured for), or import \
             with a provider configured for that tenant."
        ),
    ))
}

/// The error of a plan whose configuration holds both spellings of `l` (see
/// [`TwinConflict`]), on the attribute to drop from `ignore_changes`. Values are not
/// repeated: at plan they may come from sensitive variables.
pub fn twin_conflict_error(l: Lifetime, conflict: TwinConflict) -> Diagnostic {
    let p = pair(l);
    let (ignored, why) = match conflict {
        TwinConflict::Differ { ignored } => (
            ignored,
            "and the two now stand for different values: the tenant's value changed outside \
             Terraform, or the configured value changed",
        ),
        TwinConflict::Unknown { ignored } => (
            ignored,
            "and the configured one is known only at apply, so nothing promises the two will \
             stand for the same value",
        ),
        TwinConflict::BothConfigured => {
            return attr_error(
                p.minutes_attr,
                format!("Set {} or {}, not both", p.hours_attr, p.minutes_attr),
                format!(
                    "{} and {} are two spellings of one lifetime (hours and minutes), and both \
                     are set once their values are known. Keep the one you prefer; the other is \
                     computed from it.",
                    p.hours_attr, p.minutes_attr
                ),
            )
        }
    };
    let drop = p.attr(ignored);
    let configured = p.attr(match ignored {
        Spelling::Hours => Spelling::Minutes,
        Spelling::Minutes => Spelling::Hours,
    });
    attr_error(
        drop,
        format!("ignore_changes lists {drop}, the other spelling of {configured}"),
        format!(
            "{configured} is set in the configuration and lifecycle.ignore_changes lists {drop}, the \
             same lifetime in other units. For an ignored attribute Terraform sends the provider \
             the value in state, so this plan gets both spellings, {why}. One lifetime cannot \
             hold two values and a plan must keep every value Terraform sends, so no plan can \
             keep the state true; nothing was sent to Auth0. Remove {drop} from ignore_changes: \
             {configured} alone decides the value and {drop} is computed from it. To let the \
             tenant's own value stand instead, list {configured} (the spelling you configure) in \
             place of {drop}."
        ),
    )
}

/// The warning destroy gives when it only forgets the resource.
pub fn forget_warning() -> Diagnostic {
    warning(
        "auth0_tenant_session removed from state only",
        "The tenant keeps its current session settings: destroying this resource does not change Auth0. \
         Set restore_on_destroy = true to put back the settings the tenant had before Terraform managed them.",
    )
}

/// The error when an object's tenant is not the one the provider is configured for.
/// `restore` says whether its destroy would put back recorded originals.
pub fn other_tenant_error(state_tenant: &str, configured: &str, restore: bool) -> Diagnostic {
    let restore_note = if restore {
        format!(
            " Its destroy would put back {state_tenant}'s original settings, which must never be \
             written into {configured}: to restore them, point the provider at {state_tenant} and run \
             terraform destroy (or -target this resource) first."
        )
    } else {
        String::new()
    };
    error(
        "auth0_tenant_session belongs to another tenant",
        format!(
            "This resource manages the session settings of tenant {state_tenant}, but the provider is now \
             configured for {configured}. A resource never moves between tenants, so nothing was read \
             from or written to {configured}.{restore_note} To keep managing {state_tenant}, set the \
             provider's domain back to it. To manage {configured} instead, remove this object from the \
             state (terraform state rm ADDRESS; {state_tenant} keeps its current settings) and apply \
             again, or import {configured}'s settings."
        ),
    )
}

/// The error of a state with no JSON (the legacy flatmap format, never written here).
pub fn unreadable_state() -> Diagnostic {
    error(
        "Unreadable auth0_tenant_session state",
        "The stored state is empty or in the legacy flatmap format, which this provider never wrote.",
    )
}

/// The warning of a refresh that leaves another tenant's object alone.
pub fn not_refreshed_warning(state_tenant: &str, configured: &str) -> Diagnostic {
    warning(
        "auth0_tenant_session not refreshed: it belongs to another tenant",
        format!(
            "This object manages tenant {state_tenant}, but the provider is configured for {configured}; \
             its state is left as it was."
        ),
    )
}

/// The warning of a plan that replaces an object of another tenant (restore off).
pub fn moves_tenant_warning(from: &str, to: &str) -> Diagnostic {
    warning(
        "auth0_tenant_session moves to another tenant",
        format!(
            "This resource managed tenant {from}; the provider is now configured for {to}. \
             It is replaced: the object of {from} is forgotten ({from} keeps its current \
             settings, as restore_on_destroy is false) and {to}'s settings are taken over. \
             When this comes with Terraform's \"Provider produced inconsistent final plan\" \
             while applying a plan saved with -out, that plan was made for {from} and the \
             provider's domain (AUTH0_DOMAIN) differs at apply: nothing was written to either \
             tenant. Apply it with the environment it was planned with, or plan again."
        ),
    )
}

/// The error of the plan Terraform (1.16+) makes again while applying a saved plan
/// that was made for another tenant.
pub fn saved_plan_other_tenant_error(planned_for: &str, configured: &str) -> Diagnostic {
    error(
        "Saved plan made for another tenant",
        format!(
            "This plan was made for tenant {planned_for}, but the provider is now configured for \
             {configured}: the provider's domain (AUTH0_DOMAIN) differs between plan and apply. \
             Nothing was read from or written to either tenant. Apply the plan with the \
             provider configured as when it was made, or plan again for {configured}."
        ),
    )
}

/// The error of an import whose identity names another tenant.
pub fn identity_other_tenant_error(named: &str, configured: &str) -> Diagnostic {
    error(
        "Identity names another tenant",
        format!(
            "The import identity has tenant_domain = {named:?}, but this provider is configured for \
             {configured:?}. Use a provider configured for that tenant."
        ),
    )
}

/// The warning of a destroy with restore on and no originals recorded.
pub fn nothing_to_restore_warning() -> Diagnostic {
    warning(
        "Nothing to restore",
        "restore_on_destroy is true, but this resource recorded no original settings \
         (original_settings is null: it was created with restore_on_destroy = false and \
         the setting was not switched on in an apply since). The tenant keeps its current \
         settings.",
    )
}

/// The warning of a destroy that must not restore over a replacement's values.
pub fn not_restored_warning(domain: &str, originals: &OriginalSettings) -> Diagnostic {
    warning(
        "Original settings not restored: the tenant was taken over in this run",
        format!(
            "Another auth0_tenant_session object (the replacement created before this one was \
             destroyed, as with create_before_destroy) wrote {domain}'s session settings \
             earlier in this run. Restoring the originals now would overwrite them, so the \
             tenant keeps them. Terraform gives the provider no way to hand this object's \
             original_settings to a replacement it creates first, so the replacement recorded \
             the settings the tenant held when it was created. The settings the tenant had \
             before Terraform managed it, recorded by this object, were: {}.",
            originals.describe()
        ),
    )
}

/// The note of a failed create kept in state for its originals.
pub fn kept_for_originals_warning(originals: &OriginalSettings) -> Diagnostic {
    warning(
        "Kept in state to remember the original settings",
        format!(
            "The create failed after the tenant may have changed, so Terraform keeps this \
             object (tainted) with the original settings recorded before the change: {}. \
             The next apply replaces it and the new object inherits them.",
            originals.describe()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_name_the_providers_tenant() {
        for ok in [
            "t.example:8443",
            "T.Example:8443",
            "https://t.example:8443/",
            "HTTPS://t.example:8443",
            "current",
            " CURRENT ",
        ] {
            assert!(check_import_id(ok, "t.example:8443").is_ok(), "{ok}");
        }
        for bad in [
            "other.example",
            "t.example",
            "",
            "https://u:pw@other.example",
        ] {
            let e = check_import_id(bad, "t.example:8443").unwrap_err();
            assert!(e.detail.contains("t.example:8443"), "{e:?}");
            assert!(!e.detail.contains("pw@"), "{e:?}");
        }
    }

    #[test]
    fn a_twin_conflict_names_ignore_changes_and_the_attribute_to_drop() {
        use crate::provider::tenant_session::test_support::attrs;
        for l in Lifetime::ALL {
            let p = pair(l);
            for (ignored, configured) in [
                (Spelling::Minutes, p.hours_attr),
                (Spelling::Hours, p.minutes_attr),
            ] {
                for c in [
                    TwinConflict::Differ { ignored },
                    TwinConflict::Unknown { ignored },
                ] {
                    let d = twin_conflict_error(l, c);
                    let drop = p.attr(ignored);
                    assert_eq!(attrs(std::slice::from_ref(&d)), vec![drop]);
                    assert!(d.summary.contains("ignore_changes"), "{d:?}");
                    assert!(
                        d.detail
                            .contains(&format!("Remove {drop} from ignore_changes"))
                            && d.detail.contains(configured),
                        "{d:?}"
                    );
                }
            }
            let d = twin_conflict_error(l, TwinConflict::BothConfigured);
            assert!(d.summary.contains("not both"), "{d:?}");
        }
    }

    #[test]
    fn other_tenant_error_names_both_and_the_way_out() {
        let d = other_tenant_error("a.example", "b.example", true);
        assert!(d.detail.contains("a.example") && d.detail.contains("b.example"));
        assert!(d.detail.contains("terraform state rm"));
        assert!(d.detail.contains("original settings"));
    }
}
