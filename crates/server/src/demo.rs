//! The demo brand: created once, with two experts, so a newcomer can try both sides.

use ebb_core::{Brand, BrandSettings, Expert, ExpertStatus};
use ebb_store::{brands, experts};

use crate::auth::hash_password;
use crate::{ApiError, AppState};

/// The demo brand's slug.
pub const DEMO_BRAND: &str = "demo";
/// The demo admin's e-mail (same password as the experts).
pub const DEMO_ADMIN: &str = "admin@demo.ebb";
/// The demo experts' and admin's password (local demo only).
pub const DEMO_PASSWORD: &str = "ebb-demo";
/// The demo experts: e-mail, name, capacity, status.
pub const DEMO_EXPERTS: [(&str, &str, u32, ExpertStatus); 2] = [
    ("ada@demo.ebb", "Ada", 3, ExpertStatus::Available),
    ("bob@demo.ebb", "Bob", 2, ExpertStatus::Away),
];

/// What the demo consists of.
pub struct Demo {
    /// The brand.
    pub brand: Brand,
    /// Whether this call created it.
    pub created: bool,
}

/// Creates the demo brand and its experts unless they already exist.
pub async fn ensure(state: &AppState) -> Result<Demo, ApiError> {
    let mut conn = state.store.conn().await?;
    if let Some(brand) = brands::by_slug(&mut conn, DEMO_BRAND).await? {
        return Ok(Demo {
            brand,
            created: false,
        });
    }
    drop(conn);
    let now = state.clock.now();
    let brand = Brand {
        id: ebb_store::ids::new_id(),
        slug: DEMO_BRAND.to_owned(),
        name: "Demo Outdoor Co.".to_owned(),
        settings: BrandSettings::default(),
    };
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    let mut tx = state.store.begin().await?;
    brands::insert(&mut tx, &brand, now).await?;
    for (email, name, capacity, status) in DEMO_EXPERTS {
        let expert = Expert {
            id: ebb_store::ids::new_id(),
            brand_id: brand.id,
            name: name.to_owned(),
            email: email.to_owned(),
            capacity,
            status,
            async_cap: None,
        };
        experts::insert(&mut tx, &expert, &hash, now).await?;
    }
    let admin = ebb_store::admins::Admin {
        id: ebb_store::ids::new_id(),
        brand_id: brand.id,
        email: DEMO_ADMIN.to_owned(),
        name: "Demo Admin".to_owned(),
    };
    ebb_store::admins::insert(&mut tx, &admin, &hash, now).await?;
    tx.commit().await?;
    Ok(Demo {
        brand,
        created: true,
    })
}

/// Prints how to try the demo against `base` (e.g. `http://127.0.0.1:8080`).
pub fn print_welcome(demo: &Demo, base: &str) {
    let slug = &demo.brand.slug;
    let status = if demo.created { "created" } else { "ready" };
    let experts: Vec<String> = DEMO_EXPERTS
        .iter()
        .map(|(email, name, cap, st)| {
            format!("  {name}: {email} (capacity {cap}, {})", st.as_str())
        })
        .collect();
    println!(
        "\nEbb demo brand '{slug}' {status}.\n\
         Visitor page with the widget: {base}/demo/\n\
         Expert panel:                 {base}/panel/\n\
         Admin console:                {base}/admin/\n\
         Experts (password '{DEMO_PASSWORD}'):\n{}\n\
         Admin: {DEMO_ADMIN} (password '{DEMO_PASSWORD}')\n\
         API: {base}/api/v1/widget/{slug}/ (visitor), {base}/api/openapi.json (contract)\n\
         Health: {base}/healthz\n",
        experts.join("\n")
    );
}
