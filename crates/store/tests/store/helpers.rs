//! Test databases: a temp SQLite file always, a throw-away PostgreSQL schema when asked.

use ebb_core::earnings::Money;
use ebb_core::slots::Slots;
use ebb_core::{
    Brand, BrandId, BrandSettings, Command, Conversation, ConversationId, Entry, Event, Expert,
    ExpertId, ExpertStatus, Instant, MessageBody, MissionId, VisitorId,
};
use ebb_store::missions::{self, Mission};
pub use ebb_store::testing::backends;
use ebb_store::{Store, StoreError, Tx, brands, conversations, events, experts, visitors};
use time::macros::datetime;

/// A fixed instant for stories.
pub const T0: Instant = datetime!(2026-11-25 09:00 UTC);

/// Runs `write` in a transaction of its own and commits it, as one request does.
pub async fn committed<T>(store: &Store, write: impl AsyncFnOnce(&mut Tx) -> T) -> T {
    let mut tx = store.begin().await.expect("begin");
    let out = write(&mut tx).await;
    tx.commit().await.expect("commit");
    out
}

/// Asserts that a write was refused as a `Conflict` (on backend `name`).
pub fn assert_conflict<T: std::fmt::Debug>(name: &str, result: ebb_store::Result<T>) {
    assert!(
        matches!(result, Err(StoreError::Conflict(_))),
        "{name}: {result:?}"
    );
}

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

/// The two brands most stories use: "acme", and "globex" to show that reads stay in their
/// brand.
pub async fn two_brands(store: &Store) -> (Brand, Brand) {
    (brand(store, "acme").await, brand(store, "globex").await)
}

/// Inserts available experts of `brand` with these e-mails, all with `capacity` slots.
pub async fn experts_of<const N: usize>(
    store: &Store,
    brand: BrandId,
    emails: [&str; N],
    capacity: u32,
) -> [Expert; N] {
    let mut made = Vec::with_capacity(N);
    for email in emails {
        made.push(expert(store, brand, email, capacity).await);
    }
    made.try_into()
        .unwrap_or_else(|_| unreachable!("one expert per e-mail"))
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
        async_cap: None,
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

/// Inserts a visitor of `brand`.
pub async fn visitor(store: &Store, brand: BrandId) -> VisitorId {
    let id = VisitorId::new();
    let mut tx = store.begin().await.expect("begin");
    visitors::insert(&mut tx, id, brand, id.0.as_bytes(), T0)
        .await
        .expect("visitor");
    tx.commit().await.expect("commit");
    id
}

/// Applies `cmd` to `conv` at `at` in a transaction of its own, storing its state and
/// timeline entries.
pub async fn apply_committed(
    store: &Store,
    conv: &Conversation,
    cmd: Command,
    at: Instant,
) -> Conversation {
    let (next, entries) = conv.decide(cmd, at).expect("legal command");
    let mut tx = store.begin().await.expect("begin");
    conversations::update(&mut tx, &next, conv.last_seq, None, at)
        .await
        .expect("update");
    events::append(&mut tx, conv.brand_id, conv.id, &entries)
        .await
        .expect("append");
    tx.commit().await.expect("commit");
    next
}

/// Starts a conversation of `visitor` at `at` and gives it to `expert`.
pub async fn assigned(
    store: &Store,
    brand: BrandId,
    visitor: VisitorId,
    expert: ExpertId,
    at: Instant,
) -> Conversation {
    let body = MessageBody::parse("Hello").expect("body");
    let (conv, entries) =
        Conversation::start(ConversationId::new(), brand, visitor, body, None, None, at);
    let mut tx = store.begin().await.expect("begin");
    conversations::insert(&mut tx, &conv).await.expect("insert");
    events::append(&mut tx, brand, conv.id, &entries)
        .await
        .expect("append");
    tx.commit().await.expect("commit");
    let slots = Slots {
        held: 0,
        capacity: 10,
    };
    apply_committed(store, &conv, Command::Assign { expert, slots }, at).await
}

/// Inserts a mission paying `fee` per contact and `bp` commission, joined by `experts`.
pub async fn mission(
    store: &Store,
    brand: BrandId,
    fee: i64,
    bp: i64,
    experts: &[ExpertId],
) -> Mission {
    let m = Mission {
        id: MissionId::new(),
        name: "Outdoor".into(),
        contact_fee: Some(Money::parse(fee, "EUR").expect("fee")),
        commission_bp: Some(bp),
        members: experts.to_vec(),
    };
    let mut tx = store.begin().await.expect("begin");
    missions::insert(&mut tx, brand, &m, T0)
        .await
        .expect("mission");
    for e in experts {
        assert!(
            missions::join(&mut tx, brand, m.id, *e, T0)
                .await
                .expect("join")
        );
    }
    tx.commit().await.expect("commit");
    m
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
