//! Sessions, one model for experts and admins: a token's hash names its brand and holder
//! until it expires; a disabled expert's sessions stop working; closing ends them all;
//! admins are unique by e-mail within a brand.

use ebb_core::AdminId;
use ebb_store::admins::{self, Admin};
use ebb_store::sessions::{self, Holder};
use ebb_store::{StoreError, Unique, experts};
use time::Duration;

use crate::helpers::{T0, backends, brand, committed, expert};

#[tokio::test]
async fn expert_and_admin_sessions_name_their_holder_until_they_end() {
    for db in backends().await {
        let (store, name) = (&db.store, db.name);
        let acme = brand(store, "acme").await;
        let ada = expert(store, acme.id, "ada@acme.test", 2).await;
        let root = Admin {
            id: AdminId::new(),
            brand_id: acme.id,
            email: "root@acme.test".into(),
            name: "Root".into(),
        };
        let until = T0 + Duration::hours(1);
        committed(store, async |tx| {
            admins::insert(tx, &root, "hash", T0).await.expect("admin")
        })
        .await;
        let again = Admin {
            id: AdminId::new(),
            ..root.clone()
        };
        let mut tx = store.begin().await.expect("begin");
        let dup = admins::insert(&mut tx, &again, "hash", T0).await;
        assert!(
            matches!(dup, Err(StoreError::Conflict(Unique::AdminEmail))),
            "{name}: {dup:?}"
        );
        drop(tx);
        let mut tx = store.begin().await.expect("begin");
        sessions::open(&mut tx, b"e", acme.id, Holder::Expert(ada.id), T0, until)
            .await
            .expect("expert session");
        admins::insert_session(&mut tx, b"a", &root, T0, until)
            .await
            .expect("admin session");
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let at = T0 + Duration::minutes(30);
        let holder = |token: &'static [u8], at| {
            let store = store.clone();
            async move {
                let mut conn = store.conn().await.expect("conn");
                sessions::holder(&mut conn, token, at)
                    .await
                    .expect("holder")
            }
        };
        assert_eq!(
            holder(b"e", at).await,
            Some((acme.id, Holder::Expert(ada.id))),
            "{name}"
        );
        assert_eq!(
            holder(b"a", at).await,
            Some((acme.id, Holder::Admin(root.id))),
            "{name}"
        );
        assert_eq!(holder(b"a", until).await, None, "{name}: expired");
        assert_eq!(holder(b"x", at).await, None, "{name}: unknown");
        let found = admins::for_session(&mut conn, b"a", at)
            .await
            .expect("admin");
        assert_eq!(found, Some(root.clone()), "{name}");
        let not_admin = admins::for_session(&mut conn, b"e", at).await.expect("q");
        assert_eq!(not_admin, None, "{name}: an expert token is no admin's");
        let not_expert = sessions::expert_for(&mut conn, b"a", at).await.expect("q");
        assert_eq!(not_expert, None, "{name}: an admin token is no expert's");
        let by_mail = admins::by_email(&mut conn, acme.id, "root@acme.test").await;
        assert_eq!(
            by_mail.expect("q").map(|(a, _)| a.id),
            Some(root.id),
            "{name}"
        );
        drop(conn);

        committed(store, async |tx| {
            experts::set_disabled(tx, acme.id, ada.id, Some(at))
                .await
                .expect("disable")
        })
        .await;
        assert_eq!(
            holder(b"e", at).await,
            None,
            "{name}: disabled experts are out"
        );

        let mut tx = store.begin().await.expect("begin");
        let closed = sessions::close_all(&mut tx, acme.id, Holder::Admin(root.id)).await;
        assert_eq!(closed.expect("close"), 1, "{name}");
        tx.commit().await.expect("commit");
        assert_eq!(holder(b"a", at).await, None, "{name}: closed");
        db.finish().await;
    }
}
