//! Test databases: a temp SQLite file always, a throw-away PostgreSQL schema when asked.

use ebb_core::{
    Brand, BrandId, BrandSettings, Conversation, ConversationId, Entry, Event, Expert, ExpertId,
    ExpertStatus, Instant, MessageBody, VisitorId,
};
pub use ebb_store::testing::backends;
use ebb_store::{Store, brands, conversations, events, experts, visitors};
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

/// A new visitor of `brand` who started a conversation at `at` (first message "hello",
/// with `client_msg_id`), stored with its first entries and then the `later` events.
pub async fn conversation(
    store: &Store,
    brand: BrandId,
    client_msg_id: Option<&str>,
    at: Instant,
    later: Vec<(Instant, Event)>,
) -> (Conversation, VisitorId) {
    let visitor = VisitorId::new();
    let hello = MessageBody::parse("hello").expect("body");
    let auto = Some(MessageBody::parse("We reply soon.").expect("body"));
    let id = ConversationId::new();
    let client = client_msg_id.map(str::to_owned);
    let (conv, mut entries) = Conversation::start(id, brand, visitor, hello, client, auto, at);
    let next = (conv.last_seq + 1..).zip(later);
    entries.extend(next.map(|(seq, (at, event))| Entry { seq, at, event }));
    let mut tx = store.begin().await.expect("begin");
    visitors::insert(&mut tx, visitor, brand, visitor.0.as_bytes(), at)
        .await
        .expect("visitor");
    conversations::insert(&mut tx, &conv)
        .await
        .expect("conversation");
    events::append(&mut tx, brand, conv.id, &entries)
        .await
        .expect("entries");
    tx.commit().await.expect("commit");
    (conv, visitor)
}
