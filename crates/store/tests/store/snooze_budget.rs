//! The snooze budget stored and read back: the brand's budget and mode, and a
//! conversation's silent returns in a row.

use ebb_core::slots::Slots;
use ebb_core::{
    BudgetMode, Command, Conversation, ConversationId, MessageBody, SnoozeBudget, SnoozeChoice,
    VisitorId,
};
use ebb_store::{brands, conversations, events, visitors};
use time::Duration;

use crate::helpers::{T0, backends, brand, expert};

#[tokio::test]
async fn budget_settings_and_silent_returns_survive_a_round_trip() {
    for db in backends().await {
        let store = &db.store;
        let acme = brand(store, "acme").await;
        let ada = expert(store, acme.id, "ada@acme.test", 1).await;
        let mut settings = acme.settings.clone();
        settings.snooze_budget = 4;
        settings.snooze_budget_mode = BudgetMode::Refuse;
        let mut tx = store.begin().await.expect("begin");
        brands::update_settings(&mut tx, acme.id, &settings, &[])
            .await
            .expect("settings");
        tx.commit().await.expect("commit");
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

        let visitor = VisitorId::new();
        let first = MessageBody::parse("Hello").expect("body");
        let (conv, entries) = Conversation::start(
            ConversationId::new(),
            acme.id,
            visitor,
            first,
            None,
            None,
            T0,
        );
        let slots = Slots {
            held: 0,
            capacity: 1,
        };
        let expert = ada.id;
        let budget = settings.budget();
        let snooze = Command::Snooze {
            expert,
            choice: SnoozeChoice::OneDay,
            max: Duration::days(30),
            budget,
        };
        let back = T0 + Duration::days(1);
        let mut tx = store.begin().await.expect("begin");
        visitors::insert(&mut tx, visitor, acme.id, b"v", T0)
            .await
            .expect("visitor");
        conversations::insert(&mut tx, &conv).await.expect("insert");
        events::append(&mut tx, acme.id, conv.id, &entries)
            .await
            .expect("append");
        let mut current = conv;
        for (command, at) in [
            (Command::Assign { expert, slots }, T0),
            (snooze, T0),
            (Command::ExpireSnooze, back),
        ] {
            let (next, _) = current.decide(command, at).expect("legal");
            conversations::update(&mut tx, &next, current.last_seq, None, at)
                .await
                .expect("update");
            current = next;
        }
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
