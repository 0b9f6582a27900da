//! Test databases: a temp SQLite file always, a throw-away PostgreSQL schema when asked.

use ebb_core::{
    Brand, BrandId, BrandSettings, Command, Conversation, Entry, Expert, ExpertId, ExpertStatus,
    Instant,
};
pub use ebb_store::testing::backends;
use ebb_store::{Store, Tx, brands, conversations, events, experts, visitors};
use time::macros::datetime;

/// A fixed instant for stories.
pub const T0: Instant = datetime!(2026-11-25 09:00 UTC);

/// Inserts a brand with default settings.
pub async fn brand(store: &Store, slug: &str) -> Brand {
    let brand = Brand {
        id: BrandId::new(),
        slug: slug.to_owned(),
        name: slug.to_uppercase(),
        settings: BrandSettings::default(),
    };
    let mut tx = store.begin().await.expect("begin");
    brands::insert(&mut tx, &brand, T0).await.expect("brand");
    tx.commit().await.expect("commit");
    brand
}

/// Inserts an available expert of `brand`.
pub async fn expert(store: &Store, brand: BrandId, email: &str, capacity: u32) -> Expert {
    let expert = Expert {
        id: ExpertId::new(),
        brand_id: brand,
        name: email.split('@').next().unwrap_or(email).to_owned(),
        email: email.to_owned(),
        capacity,
        status: ExpertStatus::Available,
    };
    let mut tx = store.begin().await.expect("begin");
    experts::insert(&mut tx, &expert, "hash", T0)
        .await
        .expect("expert");
    tx.commit().await.expect("commit");
    expert
}

/// Inserts a just-started conversation, its visitor and its first entries.
pub async fn insert_started(tx: &mut Tx, conv: &Conversation, entries: &[Entry]) {
    visitors::insert(tx, conv.visitor_id, conv.brand_id, b"v", conv.created_at)
        .await
        .expect("visitor");
    conversations::insert(tx, conv).await.expect("insert");
    events::append(tx, conv.brand_id, conv.id, entries)
        .await
        .expect("append");
}

/// Applies `cmd` to `conv` at `at`, storing the new state and its entries.
pub async fn apply(tx: &mut Tx, conv: &Conversation, cmd: Command, at: Instant) -> Conversation {
    let (next, entries) = conv.decide(cmd, at).expect("legal command");
    conversations::update(tx, &next, conv.last_seq, None, at)
        .await
        .expect("update");
    events::append(tx, conv.brand_id, conv.id, &entries)
        .await
        .expect("append");
    next
}
