//! The resource's schemas: its attributes, its identity, and its list block.

use super::model::{OriginalSettings, IDENTITY_VERSION, SCHEMA_VERSION};
use crate::protocol::tfplugin6::{
    resource_identity_schema::IdentityAttribute, ResourceIdentitySchema,
};
use crate::provider::attributes::{cookie_modes_explained, pairs, COOKIE_MODE_ATTR};
use crate::provider::schema::{Attr, BlockSchema, Mode, Ty};

/// The resource identity (Terraform 1.12+): the tenant, which has one settings object.
pub fn identity_schema() -> ResourceIdentitySchema {
    ResourceIdentitySchema {
        version: IDENTITY_VERSION,
        identity_attributes: vec![IdentityAttribute {
            name: "tenant_domain".into(),
            r#type: Ty::String.json(),
            required_for_import: true,
            optional_for_import: false,
            description: "The tenant's domain as configured in the provider (host[:port]), the \
                          same as the resource's `id`."
                .into(),
        }],
    }
}

pub fn schema() -> BlockSchema {
    let mut attrs = vec![Attr::new(
        "id",
        Ty::String,
        Mode::Computed,
        "The tenant's domain (host[:port]); the tenant has exactly one set of session settings. \
         When the provider is pointed at another tenant, a resource with `restore_on_destroy = true` \
         is refused (its original settings belong to this tenant); one without is replaced: this \
         tenant's object is forgotten and the other tenant's settings are taken over.",
    )];
    for p in pairs() {
        attrs.push(Attr::new(
            p.hours_attr,
            Ty::Number,
            Mode::OptionalComputed,
            format!(
                "Hours: {}. Fractions are allowed when they are a whole number of minutes (`0.5`, `181/60`). \
                 Minimum 1 minute, maximum 8760 hours. Conflicts with `{}`; when unset it is computed \
                 from `{}` or read from the tenant.",
                p.what, p.minutes_attr, p.minutes_attr
            ),
        ));
        attrs.push(Attr::new(
            p.minutes_attr,
            Ty::Number,
            Mode::OptionalComputed,
            format!(
                "The same lifetime as `{}`, in whole minutes (1 to 525600). Conflicts with `{}`; when unset \
                 it is computed from `{}` or read from the tenant.",
                p.hours_attr, p.hours_attr, p.hours_attr
            ),
        ));
    }
    attrs.push(Attr::new(
        COOKIE_MODE_ATTR,
        Ty::String,
        Mode::OptionalComputed,
        format!(
            "{}. Read from the tenant when unset.",
            cookie_modes_explained()
        ),
    ));
    attrs.push(Attr::new(
        "restore_on_destroy",
        Ty::Bool,
        Mode::OptionalComputed,
        "Default `false`: destroying the resource only removes it from Terraform state and leaves the \
         tenant as it is. When `true`, destroy puts back `original_settings`, the session settings the \
         tenant had before this resource first managed it.",
    ));
    attrs.push(Attr::new(
        "original_settings",
        Ty::Object(&OriginalSettings::ATTRIBUTES),
        Mode::Computed,
        format!(
            "The session settings the tenant had before this resource first managed it, in minutes \
             ({}): what a destroy with `restore_on_destroy = true` puts back. Recorded at \
             create when `restore_on_destroy` is true (one extra read), at import, or when \
             `restore_on_destroy` is switched on (the values at that point); kept through taint, \
             `-replace`, failed creates and `moved` blocks. Null when none were recorded.",
            OriginalSettings::ATTRIBUTES
                .map(|(name, _)| format!("`{name}`"))
                .join(", ")
        ),
    ));
    BlockSchema {
        version: SCHEMA_VERSION,
        description: "The session lifetimes of an Auth0 tenant (`PATCH /api/v2/tenants/settings`). \
            One per tenant. Lifetimes can be written in hours or in minutes; unset ones are read from \
            the tenant and left alone."
            .into(),
        attrs,
    }
}

/// The configuration schema of `list "auth0_tenant_session"` blocks: nothing to set,
/// since a provider configuration has one tenant.
pub fn list_schema() -> BlockSchema {
    BlockSchema {
        version: 0,
        description:
            "Lists the session settings of the tenant the provider is configured for (one \
            result, one `GET /api/v2/tenants/settings`), for `terraform query`: its identity \
            (`tenant_domain`), and with `include_resource` or `-generate-config-out` the whole \
            `auth0_tenant_session` object."
                .into(),
        attrs: vec![],
    }
}
