//! Brand link secrets: the first value offered is kept, per brand, on both backends.

use ebb_store::brand_secrets;

use crate::helpers::{backends, two_brands};

#[tokio::test]
async fn the_first_secret_offered_is_kept_per_brand() {
    for db in backends().await {
        let (acme, globex) = two_brands(&db.store).await;
        let mut conn = db.store.conn().await.expect("conn");
        let first = brand_secrets::link_secret(&mut conn, acme.id, "first").await;
        assert_eq!(first.expect("q"), "first", "{}", db.name);
        let again = brand_secrets::link_secret(&mut conn, acme.id, "second").await;
        assert_eq!(again.expect("q"), "first", "{}: kept", db.name);
        let other = brand_secrets::link_secret(&mut conn, globex.id, "theirs").await;
        assert_eq!(other.expect("q"), "theirs", "{}: per brand", db.name);
    }
}
