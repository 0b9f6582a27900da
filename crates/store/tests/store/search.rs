//! Search: a brand finds its conversations by what visitors and experts wrote (not the
//! automatic message) and by the visitor's code, an expert only those they handled (closed
//! included), another brand never; phrases, prefixes, pages, and any user text without
//! errors; an erased message is no longer found. The same story on both backends.

use ebb_core::search::{MATCH_END, MATCH_START, SearchQuery, visitor_code};
use ebb_core::slots::Slots;
use ebb_core::{
    Actor, Author, BrandId, Command, Conversation, ConversationId, Event, ExpertId, Instant,
    MessageBody, Status,
};
use ebb_store::search::{self, Hit, Scope};
use ebb_store::{Store, conversations, events, privacy};
use time::Duration;

use crate::helpers::{T0, apply_committed, backends, committed, experts_of, two_brands, visitor};

fn body(text: &str) -> MessageBody {
    MessageBody::parse(text).expect("body")
}

/// A visitor's conversation opened with `first` (and the automatic message), given to
/// `expert`, who then writes `replies`.
pub async fn handled(
    store: &Store,
    brand: BrandId,
    expert: ExpertId,
    first: &str,
    replies: &[&str],
    at: Instant,
) -> Conversation {
    let auto = Some(body("We answer within the day, promise."));
    let visitor = visitor(store, brand).await;
    let (conv, entries) = Conversation::start(
        ConversationId::new(),
        brand,
        visitor,
        body(first),
        None,
        auto,
        at,
    );
    committed(store, async |tx| {
        conversations::insert(tx, &conv).await.expect("insert");
        events::append(tx, brand, conv.id, &entries)
            .await
            .expect("append");
    })
    .await;
    let slots = Slots {
        held: 0,
        capacity: 10,
    };
    let mut conv = apply_committed(store, &conv, Command::Assign { expert, slots }, at).await;
    for (i, reply) in replies.iter().enumerate() {
        let post = Command::Post {
            author: Author::Expert(expert),
            body: body(reply),
            client_msg_id: None,
        };
        conv = apply_committed(store, &conv, post, at + Duration::minutes(i as i64 + 1)).await;
    }
    conv
}

async fn find(store: &Store, brand: BrandId, scope: Scope, text: &str) -> Vec<Hit> {
    let q = SearchQuery::parse(text).expect("a query");
    let mut conn = store.conn().await.expect("conn");
    search::search(&mut conn, brand, scope, &q, None, 50)
        .await
        .expect("search")
}

fn ids(hits: &[Hit]) -> Vec<ConversationId> {
    hits.iter().map(|h| h.conversation).collect()
}

#[tokio::test]
async fn a_brand_finds_what_was_written_and_an_expert_only_what_they_handled() {
    for db in backends().await {
        let (store, n) = (&db.store, db.name);
        let (acme, globex) = two_brands(store).await;
        let [ada, bob] = experts_of(store, acme.id, ["ada@acme", "bob@acme"], 5).await;
        let [gil] = experts_of(store, globex.id, ["gil@globex"], 5).await;
        let kayak = "My blue kayak arrived with a crack";
        let a = handled(
            store,
            acme.id,
            ada.id,
            kayak,
            &["Sorry! A refund for the kayak is on its way."],
            T0,
        )
        .await;
        let a = apply_committed(
            store,
            &a,
            Command::Close {
                by: Actor::Expert(ada.id),
            },
            T0 + Duration::hours(1),
        )
        .await;
        let b = handled(
            store,
            acme.id,
            bob.id,
            "Where is order #4711? ça presse",
            &[],
            T0 + Duration::hours(2),
        )
        .await;
        let g = handled(store, globex.id, gil.id, kayak, &[], T0).await;

        let all = Scope::Brand;
        let found = find(store, acme.id, all, "kayak").await;
        assert_eq!(ids(&found), [a.id], "{n}: the brand finds its own only");
        let hit = &found[0];
        assert_eq!(hit.status, Status::Closed, "{n}: closed ones too");
        assert_eq!(hit.visitor, a.visitor_id, "{n}");
        assert!(
            hit.snippet
                .contains(&format!("{MATCH_START}kayak{MATCH_END}")),
            "{n}: {:?}",
            hit.snippet
        );
        assert!(
            hit.snippet.contains("refund"),
            "{n}: the newest match: {:?}",
            hit.snippet
        );
        assert_eq!(
            ids(&find(store, globex.id, all, "kayak").await),
            [g.id],
            "{n}"
        );

        let (ada_s, bob_s) = (Scope::HandledBy(ada.id), Scope::HandledBy(bob.id));
        assert_eq!(
            ids(&find(store, acme.id, ada_s, "KAYAK").await),
            [a.id],
            "{n}"
        );
        assert!(
            find(store, acme.id, bob_s, "kayak").await.is_empty(),
            "{n}: not bob's"
        );
        assert_eq!(
            ids(&find(store, acme.id, bob_s, "4711").await),
            [b.id],
            "{n}"
        );
        assert!(
            find(store, acme.id, Scope::HandledBy(gil.id), "kayak")
                .await
                .is_empty(),
            "{n}"
        );

        assert_eq!(
            ids(&find(store, acme.id, all, "\"blue kayak\"").await),
            [a.id],
            "{n}: phrase"
        );
        assert!(
            find(store, acme.id, all, "\"kayak blue\"").await.is_empty(),
            "{n}: order counts"
        );
        assert_eq!(
            ids(&find(store, acme.id, all, "kay").await),
            [a.id],
            "{n}: prefix"
        );
        assert!(
            find(store, acme.id, all, "kay ").await.is_empty(),
            "{n}: a finished word"
        );
        assert_eq!(
            ids(&find(store, acme.id, all, "ça").await),
            [b.id],
            "{n}: diacritics"
        );
        assert!(
            find(store, acme.id, all, "promise").await.is_empty(),
            "{n}: not the automatic message"
        );
        let code = visitor_code(a.visitor_id);
        assert_eq!(
            ids(&find(store, acme.id, all, &code).await),
            [a.id],
            "{n}: {code}"
        );

        for odd in [
            "kayak\" OR \"",
            "kayak' | '*",
            "NEAR(kayak crack)",
            "kayak AND",
            "-kayak",
            "kayak:*",
            "(kayak",
            "crack)\\",
            "!kayak & !",
            "c:r:a:c:k",
            "'kayak'",
            "kayak^2",
            "{kayak}",
            "k*",
        ] {
            let q = SearchQuery::parse(odd).expect("words");
            let mut conn = store.conn().await.expect("conn");
            let r = search::search(&mut conn, acme.id, all, &q, None, 50).await;
            assert!(r.is_ok(), "{n}: {odd:?}: {r:?}");
        }
        assert_eq!(
            ids(&find(store, acme.id, all, "kayak' | 'crack").await),
            [a.id],
            "{n}"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn pages_walk_every_match_and_erased_text_is_gone() {
    for db in backends().await {
        let (store, n) = (&db.store, db.name);
        let (acme, _) = two_brands(store).await;
        let [ada] = experts_of(store, acme.id, ["ada@acme"], 10).await;
        let mut convs = Vec::new();
        for i in 0..5 {
            convs.push(
                handled(
                    store,
                    acme.id,
                    ada.id,
                    "tent pole snapped",
                    &[],
                    T0 + Duration::minutes(i),
                )
                .await,
            );
        }
        let mut seen = Vec::new();
        let mut before = None;
        let q = SearchQuery::parse("tent").expect("q");
        loop {
            let mut conn = store.conn().await.expect("conn");
            let page = search::search(&mut conn, acme.id, Scope::HandledBy(ada.id), &q, before, 2)
                .await
                .expect("page");
            let Some(last) = page.last() else { break };
            before = Some(last.cursor());
            seen.extend(ids(&page));
        }
        let newest_first: Vec<ConversationId> = convs.iter().rev().map(|c| c.id).collect();
        assert_eq!(seen, newest_first, "{n}");

        let mut conn = store.conn().await.expect("conn");
        let history = conversations::page_handled_by(&mut conn, acme.id, ada.id, None, 50)
            .await
            .expect("history");
        assert_eq!(
            history.iter().map(|c| c.id).collect::<Vec<_>>(),
            newest_first,
            "{n}"
        );
        assert!(
            search::handled_by(&mut conn, acme.id, ada.id, convs[0].id)
                .await
                .expect("q"),
            "{n}"
        );
        assert!(
            !search::handled_by(&mut conn, acme.id, ExpertId::new(), convs[0].id)
                .await
                .expect("q"),
            "{n}"
        );

        let first = convs[0].id;
        let events = privacy::personal_events(&mut conn, acme.id, first)
            .await
            .expect("events");
        for (pos, event) in events {
            if let Event::Message {
                author,
                client_msg_id,
                ..
            } = event
            {
                let erased = Event::Message {
                    author,
                    body: body("[erased]"),
                    client_msg_id,
                };
                privacy::rewrite_event(&mut conn, acme.id, pos, &erased)
                    .await
                    .expect("rewrite");
            }
        }
        drop(conn);
        let left = find(store, acme.id, Scope::Brand, "tent").await;
        assert_eq!(left.len(), 4, "{n}");
        assert!(
            !ids(&left).contains(&first),
            "{n}: the erased text is not found"
        );
        db.finish().await;
    }
}
