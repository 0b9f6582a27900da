//! Search pages on both backends when conversations match many times: each conversation
//! comes once, by its newest match, newest first, whatever the page size, also when one
//! conversation's matches (or another brand's) fill more than a chunk of the index, when
//! many events without a match lie between matches, and
//! for an expert whose few conversations are the oldest.

use ebb_core::search::{MATCH_END, MATCH_START, SearchQuery};
use ebb_core::{Author, Command, Conversation, ConversationId, Instant, MessageBody};
use ebb_store::Store;
use ebb_store::search::{self, Scope};
use time::Duration;

use crate::helpers::{T0, apply, apply_committed, backends, experts_of, two_brands};
use crate::search::handled;

/// `conv`'s holder writes `text`.
fn post(conv: &Conversation, text: &str) -> Command {
    Command::Post {
        author: Author::Expert(conv.state.owner().expect("held")),
        body: MessageBody::parse(text).expect("body"),
        client_msg_id: None,
    }
}

/// `conv`'s holder writes `text` at `at`, committed.
async fn says(store: &Store, conv: &Conversation, text: &str, at: Instant) -> Conversation {
    apply_committed(store, conv, post(conv, text), at).await
}

/// Every page of `limit` results for "tent" in `scope`, walked by cursor.
async fn walk(
    store: &Store,
    brand: ebb_core::BrandId,
    scope: Scope,
    limit: u32,
) -> Vec<ConversationId> {
    let q = SearchQuery::parse("tent").expect("q");
    let (mut seen, mut before) = (Vec::new(), None);
    loop {
        let mut conn = store.conn().await.expect("conn");
        let page = search::search(&mut conn, brand, scope, &q, before, limit)
            .await
            .expect("page");
        assert!(page.len() <= limit as usize);
        for hit in &page {
            assert!(
                hit.snippet
                    .contains(&format!("{MATCH_START}tent{MATCH_END}")),
                "{hit:?}"
            );
        }
        let Some(last) = page.last() else { break };
        before = Some(last.cursor());
        seen.extend(page.iter().map(|h| h.conversation));
    }
    seen
}

#[tokio::test]
async fn pages_follow_each_conversations_newest_match_across_chunks() {
    for db in backends().await {
        let (store, n) = (&db.store, db.name);
        let (acme, globex) = two_brands(store).await;
        let [ada, bob] = experts_of(store, acme.id, ["ada@acme", "bob@acme"], 10).await;
        let [gil] = experts_of(store, globex.id, ["gil@globex"], 10).await;
        let bobs = handled(store, acme.id, bob.id, "tent for bob", &[], T0).await;
        let mut c = Vec::new();
        for i in 0..5 {
            c.push(
                handled(
                    store,
                    acme.id,
                    ada.id,
                    "tent",
                    &[],
                    T0 + Duration::minutes(i),
                )
                .await,
            );
        }
        let mut g = handled(store, globex.id, gil.id, "tent", &[], T0).await;
        let mut at = T0 + Duration::hours(1);
        let mut tick = || {
            at += Duration::seconds(1);
            at
        };
        for round in 0..3 {
            for conv in &mut c {
                *conv = says(store, conv, &format!("tent, round {round}"), tick()).await;
            }
        }
        // More matches than a chunk: conversation 2's, then another brand's.
        for _ in 0..70 {
            c[2] = says(store, &c[2], "the tent again", tick()).await;
        }
        for _ in 0..70 {
            g = says(store, &g, "a globex tent", tick()).await;
        }
        // More events than PostgreSQL's first windows span, none matching.
        let mut tx = store.begin().await.expect("begin");
        for _ in 0..1100 {
            g = apply(&mut tx, &g, post(&g, "nothing to see"), tick()).await;
        }
        tx.commit().await.expect("commit");
        c[4] = says(store, &c[4], "tent", tick()).await;
        c[1] = says(store, &c[1], "tent", tick()).await;

        let newest_first = [c[1].id, c[4].id, c[2].id, c[3].id, c[0].id, bobs.id];
        for limit in [1, 2, 3, 50] {
            assert_eq!(
                walk(store, acme.id, Scope::Brand, limit).await,
                newest_first,
                "{n}: pages of {limit}"
            );
        }
        let adas = &newest_first[..5];
        assert_eq!(
            walk(store, acme.id, Scope::HandledBy(ada.id), 2).await,
            adas,
            "{n}"
        );
        assert_eq!(
            walk(store, acme.id, Scope::HandledBy(bob.id), 2).await,
            [bobs.id],
            "{n}: the oldest"
        );
        assert_eq!(walk(store, globex.id, Scope::Brand, 2).await, [g.id], "{n}");
        db.finish().await;
    }
}
