//! Routing's and the scheduler's hot queries run on the indexes made for them, with no sort
//! of the whole queue: their cost follows the rows they return.

use ebb_store::plans;

use crate::helpers::backends;

#[tokio::test]
async fn hot_queries_use_their_indexes_and_sort_nothing() {
    for db in backends().await {
        let b = db.name;
        let mut tx = db.store.begin().await.expect("begin");
        let all = plans::hot_queries(&mut tx).await.expect("plans");
        drop(tx);
        for p in &all {
            let text = p.plan.join("\n");
            println!("{b}: {}\n{text}\n", p.name);
            assert!(
                text.contains(p.index),
                "{b}: {} does not use {}:\n{text}",
                p.name,
                p.index
            );
            let sorts = text.contains("TEMP B-TREE") || text.contains("Sort");
            assert!(!sorts, "{b}: {} sorts its rows:\n{text}", p.name);
        }
        db.finish().await;
    }
}
