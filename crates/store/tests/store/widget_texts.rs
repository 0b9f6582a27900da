//! Widget texts: the brand's language, greeting and per-language texts are replaced as a
//! whole and stay the brand's own; a visitor's remembered language is per brand.

use ebb_core::texts::{Locale, LocaleTexts, WidgetLocale, WidgetTexts};
use ebb_core::{Instant, VisitorId};
use ebb_store::{visitors, widget_texts};

use crate::helpers::{backends, committed, two_brands};

#[tokio::test]
async fn widget_texts_are_replaced_whole_and_stay_per_brand() {
    for db in backends().await {
        let store = &db.store;
        let (acme, globex) = two_brands(store).await;
        let fr = LocaleTexts {
            greeting: Some(" Bonjour ".into()),
            auto_message: Some("  ".into()),
        };
        let texts = WidgetTexts {
            locale: WidgetLocale::Fixed(Locale::Fr),
            greeting: "Hello".into(),
            per_locale: vec![(Locale::Fr, fr)],
        };
        let visitor: VisitorId = ebb_store::ids::new_id();
        committed(store, async |tx| {
            assert!(widget_texts::set(tx, acme.id, &texts).await.expect("set"));
            visitors::insert(tx, visitor, acme.id, b"hash", Instant::UNIX_EPOCH)
                .await
                .expect("visitor");
            widget_texts::set_visitor_locale(tx, acme.id, visitor, Locale::Fr)
                .await
                .expect("locale");
            widget_texts::set_visitor_locale(tx, globex.id, visitor, Locale::En)
                .await
                .expect("not globex's visitor: nothing");
        })
        .await;
        let mut conn = store.conn().await.expect("conn");
        let saved = widget_texts::get(&mut conn, acme.id).await.expect("get");
        let want = LocaleTexts {
            greeting: Some("Bonjour".into()),
            auto_message: None,
        };
        assert_eq!(
            saved.per_locale,
            vec![(Locale::Fr, want)],
            "{}: trimmed, blank is none",
            db.name
        );
        assert_eq!(saved.locale, WidgetLocale::Fixed(Locale::Fr), "{}", db.name);
        let theirs = widget_texts::get(&mut conn, globex.id).await.expect("get");
        assert_eq!(
            theirs,
            WidgetTexts::default(),
            "{}: globex keeps the defaults",
            db.name
        );
        let lang = widget_texts::visitor_locale(&mut conn, acme.id, visitor).await;
        assert_eq!(lang.expect("locale"), Some(Locale::Fr), "{}", db.name);
        drop(conn);
        committed(store, async |tx| {
            widget_texts::set(tx, acme.id, &WidgetTexts::default())
                .await
                .expect("set")
        })
        .await;
        let mut conn = store.conn().await.expect("conn");
        let cleared = widget_texts::get(&mut conn, acme.id).await.expect("get");
        assert_eq!(
            cleared,
            WidgetTexts::default(),
            "{}: replaced whole",
            db.name
        );
    }
}
