//! What OpenTofu users write that Terraform users cannot: examples/multi-tenant-for-each,
//! one provider configuration per tenant made with `for_each` from a map (OpenTofu 1.9+),
//! applied to two local tenants. Elsewhere (Terraform, older OpenTofu) it prints why it
//! does not run.
#![forbid(unsafe_code)]

use crate::common;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use common::terraform::{supports, terraforms, Feature, Workspace};
use local_tenant::{LocalTenant, TenantConfig, TestCa, Transport};
use serde_json::json;

const SETTINGS: &str = "/api/v2/tenants/settings";

/// Two tenants serving certificates of one test CA, so one SSL_CERT_FILE trusts both.
async fn two_tenants() -> (LocalTenant, LocalTenant) {
    let ca = Arc::new(TestCa::new("tfauth0 two-tenant test CA"));
    let start = || {
        LocalTenant::start_with(
            TenantConfig::default(),
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            Transport::Https(ca.clone()),
        )
    };
    (start().await.unwrap(), start().await.unwrap())
}

fn example() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multi-tenant-for-each/main.tf"),
    )
    .unwrap()
}

/// `tenants = {...}` for the example, with dev and prod at the two local tenants.
fn tfvars(dev: &LocalTenant, prod: &LocalTenant, prod_hours: u32) -> String {
    format!(
        "tenants = {{\n  dev  = {{ domain = \"{}\", absolute_hours = 720, idle_hours = 72 }}\n  \
         prod = {{ domain = \"{}\", absolute_hours = {prod_hours}, idle_hours = 0.5 }}\n}}\n",
        dev.url(),
        prod.url()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_for_each_gives_each_tenant_of_a_map_its_own_settings() {
    for tf in terraforms() {
        if !supports(
            &tf,
            Feature::ProviderForEach,
            "examples/multi-tenant-for-each (provider for_each, two tenants from a map)",
        ) {
            continue;
        }
        let (dev, prod) = two_tenants().await;
        let mut ws = Workspace::around(&tf, dev);
        ws.extra_env = vec![
            ("AUTH0_CLIENT_ID".into(), "local-client-id".into()),
            ("AUTH0_CLIENT_SECRET".into(), "local-client-secret".into()),
        ];
        ws.write("main.tf", &example());
        ws.write("terraform.tfvars", &tfvars(&ws.tenant, &prod, 24));
        ws.apply().await;
        // Each tenant got its own values, in one PATCH each.
        assert_eq!(
            ws.patch_bodies(),
            vec![json!({"session_lifetime": 720, "idle_session_lifetime": 72})],
            "dev"
        );
        let prod_patches: Vec<serde_json::Value> = prod
            .requests()
            .iter()
            .filter(|r| r.method == "PATCH")
            .map(|r| serde_json::from_str(&r.body).unwrap())
            .collect();
        assert_eq!(
            prod_patches,
            vec![json!({"session_lifetime": 24, "idle_session_lifetime_in_minutes": 30})],
            "prod"
        );
        let out = ws.ok(&["output", "-json", "tenants"]).await;
        let ids: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(
            ids,
            json!({"dev": ws.tenant.domain(), "prod": prod.domain()}),
            "each instance belongs to its own tenant"
        );
        let (code, r) = ws.plan_code().await;
        assert_eq!(code, 0, "{}", r.all());

        // A change to one entry of the map writes to that tenant only.
        ws.tenant.clear_requests();
        prod.clear_requests();
        ws.write("terraform.tfvars", &tfvars(&ws.tenant, &prod, 48));
        ws.apply().await;
        assert_eq!(ws.tenant.count("PATCH", SETTINGS), 0, "dev is unchanged");
        assert_eq!(prod.count("PATCH", SETTINGS), 1);
        assert_eq!(prod.stored_minutes().session_lifetime, 48 * 60);
        assert_eq!(ws.tenant.stored_minutes().session_lifetime, 720 * 60);
    }
}
