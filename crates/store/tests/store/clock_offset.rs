//! The test clock's offset: 0 until set, then the last value set, shared by every pool.

use ebb_store::clock_offset;

use crate::helpers::backends;

#[tokio::test]
async fn the_offset_is_zero_until_set_and_shared_between_pools() {
    for db in backends().await {
        let store = &db.store;
        let mut conn = store.conn().await.expect("conn");
        assert_eq!(
            clock_offset::get(&mut conn).await.expect("get"),
            0,
            "{}",
            db.name
        );
        clock_offset::set(&mut conn, 3_600_000_000)
            .await
            .expect("set");
        clock_offset::set(&mut conn, 7_200_000_000)
            .await
            .expect("set again");
        drop(conn);
        let other = db.second_store().await;
        let mut conn = other.conn().await.expect("conn");
        let seen = clock_offset::get(&mut conn).await.expect("get");
        assert_eq!(
            seen, 7_200_000_000,
            "{}: the last value, from another pool",
            db.name
        );
        clock_offset::set(&mut conn, -5).await.expect("negative");
        assert_eq!(
            clock_offset::get(&mut conn).await.expect("get"),
            -5,
            "{}",
            db.name
        );
        drop(conn);
        other.close().await;
        db.finish().await;
    }
}
