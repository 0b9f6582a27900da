//! Saved replies: the playbook's defaults until a brand saves its own, then exactly the
//! brand's list in its order; another brand keeps the defaults.

use ebb_core::BrandId;
use ebb_core::playbook::DEFAULT_SAVED_REPLIES;
use ebb_store::Store;
use ebb_store::saved_replies::{self, SavedReply};

use crate::helpers::{backends, committed, two_brands};

fn reply(key: &str, body: &str) -> SavedReply {
    SavedReply {
        key: key.to_owned(),
        title: key.to_uppercase(),
        body: body.to_owned(),
    }
}

/// Saves `replies` as the brand's own, then reads the brand's list back.
async fn replace_then_list(
    store: &Store,
    brand: BrandId,
    replies: &[SavedReply],
) -> Vec<SavedReply> {
    committed(store, async |tx| {
        saved_replies::replace(tx, brand, replies)
            .await
            .expect("replace")
    })
    .await;
    let mut conn = store.conn().await.expect("conn");
    saved_replies::list(&mut conn, brand).await.expect("list")
}

#[tokio::test]
async fn a_brands_own_replies_replace_the_defaults_in_order() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let mut conn = store.conn().await.expect("conn");
        let defaults = saved_replies::list(&mut conn, acme.id).await.expect("list");
        let keys: Vec<&str> = defaults.iter().map(|r| r.key.as_str()).collect();
        let want: Vec<&str> = DEFAULT_SAVED_REPLIES.iter().map(|(k, _, _)| *k).collect();
        assert_eq!(keys, want, "{}: the playbook's defaults", db.name);
        drop(conn);

        let mine = vec![reply("zeta", "Last but first."), reply("alpha", "Hello!")];
        let listed = replace_then_list(store, acme.id, &mine).await;
        assert_eq!(
            listed, mine,
            "{}: the brand's order, not alphabetical",
            db.name
        );
        let mut conn = store.conn().await.expect("conn");
        let theirs = saved_replies::list(&mut conn, globex.id)
            .await
            .expect("list");
        assert_eq!(theirs, defaults, "{}: globex keeps the defaults", db.name);
        drop(conn);

        let shorter = vec![reply("alpha", "Hi again.")];
        let listed = replace_then_list(store, acme.id, &shorter).await;
        assert_eq!(listed, shorter, "{}: replaced as a whole", db.name);
        db.finish().await;
    }
}
