//! Tags in lists and reports: the admin list filtered by a tag pages newest first and
//! stays in its brand, and the report's per-tag counts cover the conversations opened in
//! `[from, to)` only, every tag of the brand listed (zero included), none of another's.

use ebb_core::tag::TagName;
use ebb_store::page::Cursor;
use ebb_store::tags::{self, Tag};
use ebb_store::{Store, conversations, reports};
use time::Duration;
use uuid::Uuid;

use crate::helpers::{T0, backends, conversation, two_brands};

async fn define(store: &Store, brand: ebb_core::BrandId, name: &str) -> Uuid {
    let tag = Tag {
        id: ebb_store::ids::new_uuid(),
        name: TagName::parse(name).expect("name"),
        created_at: T0,
    };
    let mut tx = store.begin().await.expect("begin");
    tags::insert(&mut tx, brand, &tag).await.expect("tag");
    tx.commit().await.expect("commit");
    tag.id
}

#[tokio::test]
async fn tagged_lists_page_within_the_brand_and_reports_count_the_period() {
    for db in backends().await {
        let (store, b) = (&db.store, db.name);
        let (acme, globex) = two_brands(store).await;
        let vip = define(store, acme.id, "vip").await;
        let quiet = define(store, acme.id, "quiet").await;
        let theirs = define(store, globex.id, "vip").await;
        let mut ids = Vec::new();
        for day in 0..3 {
            let at = T0 + Duration::days(day);
            ids.push(
                conversation(store, acme.id, None, at, Vec::new())
                    .await
                    .0
                    .id,
            );
        }
        let (other, _) = conversation(store, globex.id, None, T0, Vec::new()).await;
        let mut tx = store.begin().await.expect("begin");
        for id in &ids {
            tags::set(&mut tx, acme.id, *id, vip).await.expect("tag");
        }
        tags::set(&mut tx, globex.id, other.id, theirs)
            .await
            .expect("tag");
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let first = conversations::for_brand_tagged(&mut conn, acme.id, vip, None, 2)
            .await
            .expect("page");
        let got: Vec<_> = first.iter().map(|c| c.id).collect();
        assert_eq!(got, [ids[2], ids[1]], "{b}: newest first");
        let after = Some(Cursor::new(first[1].created_at, first[1].id.0));
        let rest = conversations::for_brand_tagged(&mut conn, acme.id, vip, after, 2)
            .await
            .expect("page");
        assert_eq!(
            rest.iter().map(|c| c.id).collect::<Vec<_>>(),
            [ids[0]],
            "{b}: the next page"
        );
        let cross = conversations::for_brand_tagged(&mut conn, acme.id, theirs, None, 10)
            .await
            .expect("page");
        assert!(
            cross.is_empty(),
            "{b}: another brand's tag selects nothing: {cross:?}"
        );

        let counts = reports::tag_counts(&mut conn, acme.id, T0, T0 + Duration::days(2))
            .await
            .expect("counts");
        let seen: Vec<_> = counts
            .iter()
            .map(|c| (c.name.as_str(), c.conversations))
            .collect();
        assert_eq!(
            seen,
            [("quiet", 0), ("vip", 2)],
            "{b}: two of the three opened in the period"
        );
        assert!(
            counts.iter().all(|c| c.tag_id != theirs) && counts.iter().any(|c| c.tag_id == quiet),
            "{b}"
        );
    }
}
