//! The WebSocket test client bound to a [`TestApp`], and test identities the HTTP API
//! cannot create (brand admins).

use ebb_core::{AdminId, Brand};
use ebb_store::admins::{self, Admin};
use serde_json::Value;

use crate::helpers::{T0, TestApp};

pub use crate::ws_frames::Ws;

impl Ws {
    /// A visitor's connection.
    pub async fn visitor(app: &TestApp, brand: &Brand, token: &str) -> Self {
        let query = format!("brand={}&token={token}", brand.slug);
        Self::try_connect(&app.base, &query, None)
            .await
            .expect("visitor ws")
    }

    /// An expert's or admin's connection.
    pub async fn session(app: &TestApp, token: &str) -> Self {
        Self::try_connect(&app.base, &format!("token={token}"), None)
            .await
            .expect("session ws")
    }
}

/// The `seq`s of the `entry` frames of `conversation` among `frames`.
pub fn entry_seqs(frames: &[Value], conversation: &str) -> Vec<u64> {
    frames
        .iter()
        .filter(|f| f["type"] == "entry" && f["conversation"] == conversation)
        .filter_map(|f| f["entry"]["seq"].as_u64())
        .collect()
}

/// Inserts an admin of `brand` and logs them in; returns their session token.
pub async fn admin(app: &TestApp, brand: &Brand, name: &str) -> String {
    let admin = Admin {
        id: AdminId::new(),
        brand_id: brand.id,
        email: format!("{name}@{}.test", brand.slug),
        name: name.to_owned(),
    };
    let (hash, mut tx) = app.identity_tx().await;
    admins::insert(&mut tx, &admin, &hash, T0)
        .await
        .expect("admin");
    tx.commit().await.expect("commit");
    app.log_in("/api/v1/admin/login", brand, &admin.email).await
}

/// Two brands with an admin each, for tests of what one brand's admin may not touch:
/// `(acme, globex, acme's admin token, globex's admin token)`.
pub type Rivals = (Brand, Brand, String, String);

/// The brands `acme` and `globex` with admins named `ours` and `theirs`.
pub async fn rivals(app: &TestApp, ours: &str, theirs: &str) -> Rivals {
    let acme = app.brand("acme").await;
    let globex = app.brand("globex").await;
    let ours = admin(app, &acme, ours).await;
    let theirs = admin(app, &globex, theirs).await;
    (acme, globex, ours, theirs)
}
