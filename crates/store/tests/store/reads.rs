//! Read markers: each side's marker only moves forward, and belongs to its brand.

use ebb_core::BrandId;
use ebb_store::reads::{self, ReadMarkers, Side};

use crate::helpers::{T0, backends, brand, conversation};

#[tokio::test]
async fn read_markers_only_move_forward() {
    for db in backends().await {
        let store = &db.store;
        let acme = brand(store, "acme").await;
        let (conv, _) = conversation(store, acme.id, None, T0, vec![]).await;

        let mut conn = store.conn().await.expect("conn");
        let fresh = reads::markers(&mut conn, acme.id, conv.id)
            .await
            .expect("q");
        assert_eq!(fresh, ReadMarkers::default(), "{}", db.name);
        for (side, seq) in [
            (Side::Visitor, 3),
            (Side::Expert, 5),
            (Side::Visitor, 2),
            (Side::Expert, 5),
            (Side::Expert, 7),
        ] {
            reads::mark(&mut conn, acme.id, conv.id, side, seq, T0)
                .await
                .expect("mark");
        }
        let now = reads::markers(&mut conn, acme.id, conv.id)
            .await
            .expect("q");
        let want = ReadMarkers {
            visitor: 3,
            expert: 7,
        };
        assert_eq!(
            now, want,
            "{}: the visitor's 2 did not move it back",
            db.name
        );
        let elsewhere = reads::markers(&mut conn, BrandId::new(), conv.id)
            .await
            .expect("q");
        assert_eq!(
            elsewhere,
            ReadMarkers::default(),
            "{}: another brand sees none",
            db.name
        );
        drop(conn);
        db.finish().await;
    }
}
