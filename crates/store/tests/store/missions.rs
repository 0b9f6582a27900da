//! Missions: terms stored and read back, members join once, only experts of the mission's
//! brand may join, and each expert's terms carry when they joined.

use ebb_core::MissionId;
use ebb_core::earnings::{MissionTerms, Money};
use ebb_store::missions::{self, Mission};
use time::Duration;

use crate::helpers::{T0, backends, expert, experts_of, two_brands};

#[tokio::test]
async fn missions_keep_their_terms_and_members() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let [ada, bob] = experts_of(store, acme.id, ["ada@acme.test", "bob@acme.test"], 2).await;
        let stranger = expert(store, globex.id, "eve@globex.test", 2).await;
        let fees = Mission {
            id: MissionId::new(),
            name: "Fees".into(),
            contact_fee: Some(Money::parse(300, "EUR").expect("fee")),
            commission_bp: None,
            members: Vec::new(),
        };
        let sales = Mission {
            id: MissionId::new(),
            name: "Sales".into(),
            contact_fee: None,
            commission_bp: Some(250),
            members: Vec::new(),
        };
        let later = T0 + Duration::hours(1);
        let mut tx = store.begin().await.expect("begin");
        missions::insert(&mut tx, acme.id, &fees, T0)
            .await
            .expect("insert");
        missions::insert(&mut tx, acme.id, &sales, T0)
            .await
            .expect("insert");
        let first = missions::join(&mut tx, acme.id, sales.id, ada.id, T0).await;
        assert!(first.expect("join"));
        let joined = missions::join(&mut tx, acme.id, fees.id, ada.id, later).await;
        assert!(joined.expect("join"));
        assert!(
            missions::join(&mut tx, acme.id, fees.id, bob.id, later)
                .await
                .expect("join")
        );
        let again = missions::join(&mut tx, acme.id, fees.id, ada.id, later).await;
        assert!(!again.expect("join"), "{}: joins once", db.name);
        let foreign = missions::join(&mut tx, acme.id, fees.id, stranger.id, T0).await;
        assert!(
            !foreign.expect("join"),
            "{}: another brand's expert",
            db.name
        );
        let cross = missions::join(&mut tx, globex.id, fees.id, stranger.id, T0).await;
        assert!(
            !cross.expect("join"),
            "{}: another brand's mission",
            db.name
        );
        tx.commit().await.expect("commit");

        let mut conn = store.conn().await.expect("conn");
        let mut terms = missions::terms_for(&mut conn, acme.id, ada.id)
            .await
            .expect("terms");
        terms.sort_by_key(|t| t.joined_at);
        let expected = vec![
            MissionTerms {
                id: sales.id,
                contact_fee: None,
                commission_bp: Some(250),
                joined_at: T0,
            },
            MissionTerms {
                id: fees.id,
                contact_fee: fees.contact_fee.clone(),
                commission_bp: None,
                joined_at: later,
            },
        ];
        assert_eq!(terms, expected, "{}", db.name);
        let none = missions::terms_for(&mut conn, globex.id, ada.id)
            .await
            .expect("terms");
        assert!(none.is_empty(), "{}", db.name);
        let list = missions::list(&mut conn, acme.id).await.expect("list");
        let names: Vec<(&str, usize)> = list
            .iter()
            .map(|m| (m.name.as_str(), m.members.len()))
            .collect();
        assert_eq!(names, [("Fees", 2), ("Sales", 1)], "{}", db.name);
        assert!(list[0].members.contains(&bob.id) && list[0].members.contains(&ada.id));
        assert!(
            missions::list(&mut conn, globex.id)
                .await
                .expect("list")
                .is_empty()
        );
        drop(conn);
        db.finish().await;
    }
}
