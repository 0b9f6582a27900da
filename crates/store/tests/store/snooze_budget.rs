//! The snooze budget stored and read back: the brand's budget and mode, and a
//! conversation's silent returns in a row; migration 0006's backfill of that count from
//! old timelines agrees with core's definition.

use ebb_core::slots::Slots;
use ebb_core::{
    Author, BrandId, BudgetMode, Command, Conversation, ConversationId, ExpertId, Instant,
    MessageBody, SnoozeBudget, SnoozeChoice, VisitorId,
};
use ebb_store::{Backend, ConnRef, Handle, Tx, brands, conversations};
use time::Duration;

use crate::helpers::{T0, apply, backends, brand, committed, expert, insert_started};

#[tokio::test]
async fn budget_settings_and_silent_returns_survive_a_round_trip() {
    for db in backends().await {
        let store = &db.store;
        let acme = brand(store, "acme").await;
        let ada = expert(store, acme.id, "ada@acme.test", 1).await;
        let mut settings = acme.settings.clone();
        settings.snooze_budget = 4;
        settings.snooze_budget_mode = BudgetMode::Refuse;
        committed(store, async |tx| {
            brands::update_settings(tx, acme.id, &settings, &[])
                .await
                .expect("settings")
        })
        .await;
        let mut conn = store.conn().await.expect("conn");
        let read = brands::by_id(&mut conn, acme.id).await.expect("brand");
        assert_eq!(
            read.map(|b| b.settings.budget()),
            Some(SnoozeBudget {
                budget: 4,
                mode: BudgetMode::Refuse
            }),
            "{}",
            db.name
        );
        drop(conn);

        let mut tx = store.begin().await.expect("begin");
        let conv = assigned(&mut tx, acme.id, ada.id).await;
        let current = silent_return(&mut tx, conv, ada.id, T0).await;
        tx.commit().await.expect("commit");
        assert_eq!(current.silent_expiries, 1);
        let mut conn = store.conn().await.expect("conn");
        let stored = conversations::get(&mut conn, acme.id, current.id)
            .await
            .expect("get");
        assert_eq!(stored, Some(current), "{}", db.name);
        drop(conn);
        db.finish().await;
    }
}

/// A new conversation of `brand`, stored and assigned to `expert` at `T0`.
async fn assigned(tx: &mut Tx, brand: BrandId, expert: ExpertId) -> Conversation {
    let first = MessageBody::parse("Hello").expect("body");
    let id = ConversationId::new();
    let (conv, entries) = Conversation::start(id, brand, VisitorId::new(), first, None, None, T0);
    insert_started(tx, &conv, &entries).await;
    let slots = Slots {
        held: 0,
        capacity: 1,
    };
    apply(tx, &conv, Command::Assign { expert, slots }, T0).await
}

/// A snooze that expires a day later, and the expert taking it back.
async fn silent_return(
    tx: &mut Tx,
    conv: Conversation,
    expert: ExpertId,
    at: Instant,
) -> Conversation {
    let snooze = Command::Snooze {
        expert,
        choice: SnoozeChoice::OneDay,
        max: Duration::days(30),
        budget: SnoozeBudget::default(),
    };
    let conv = apply(tx, &conv, snooze, at).await;
    let back = at + Duration::days(1);
    let conv = apply(tx, &conv, Command::ExpireSnooze, back).await;
    let slots = Slots {
        held: 0,
        capacity: 1,
    };
    apply(tx, &conv, Command::Assign { expert, slots }, back).await
}

/// Runs migration 0006's backfill statement again, on a zeroed column.
async fn backfill(tx: &mut Tx, backend: Backend) {
    let migration = match backend {
        Backend::Sqlite => include_str!("../../migrations/sqlite/0006_snooze_budget.sql"),
        Backend::Postgres => include_str!("../../migrations/postgres/0006_snooze_budget.sql"),
    };
    let start = migration.find("UPDATE conversations").expect("backfill");
    let sql = &migration[start..];
    let zero = "UPDATE conversations SET silent_expiries = 0";
    for statement in [zero, sql] {
        let done = match tx.conn() {
            ConnRef::Sqlite(c) => sqlx::query(statement).execute(c).await.map(|_| ()),
            ConnRef::Postgres(c) => sqlx::query(statement).execute(c).await.map(|_| ()),
        };
        done.expect("backfill runs");
    }
}

#[tokio::test]
async fn the_backfill_counts_silent_returns_since_the_last_visitor_message() {
    for db in backends().await {
        let store = &db.store;
        let acme = brand(store, "acme").await;
        let ada = expert(store, acme.id, "ada@acme.test", 1).await;
        let mut tx = store.begin().await.expect("begin");
        let expert = ada.id;
        let conv = assigned(&mut tx, acme.id, expert).await;
        let visitor = conv.visitor_id;
        let conv = silent_return(&mut tx, conv, expert, T0).await;
        let body = MessageBody::parse("back, \"reason\":\"snooze_expired\"").expect("body");
        let author = Author::Visitor(visitor);
        let at = T0 + Duration::days(2);
        let post = Command::Post {
            author,
            body,
            client_msg_id: None,
        };
        let mut conv = apply(&mut tx, &conv, post, at).await;
        for day in [2, 4] {
            conv = silent_return(&mut tx, conv, expert, T0 + Duration::days(day)).await;
        }
        let nudge = Command::Post {
            author: Author::Expert(expert),
            body: MessageBody::parse("Dear visitor, still there?").expect("body"),
            client_msg_id: None,
        };
        let conv = apply(&mut tx, &conv, nudge, T0 + Duration::days(6)).await;
        assert_eq!((conv.snooze_count, conv.silent_expiries), (3, 2));
        backfill(&mut tx, store.backend()).await;
        tx.commit().await.expect("commit");
        let mut conn = store.conn().await.expect("conn");
        let stored = conversations::get(&mut conn, acme.id, conv.id)
            .await
            .expect("get")
            .map(|c| c.silent_expiries);
        assert_eq!(stored, Some(2), "{}: the SQL agrees with core", db.name);
        drop(conn);
        db.finish().await;
    }
}
