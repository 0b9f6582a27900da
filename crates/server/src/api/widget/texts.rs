//! Which language the widget speaks to this visitor: the brand's fixed language, else the
//! browser's (`Accept-Language`, which the widget sets to its choice), and remembering it
//! so the automatic message of a later conversation is in the same language.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use ebb_core::texts::{Locale, WidgetLocale};
use ebb_core::{BrandId, VisitorId};
use ebb_store::{Handle, widget_texts};

use crate::{ApiError, AppState};

/// The widget's English texts (an empty catalog: the widget's source strings are English).
const EN: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../web/widget/locales/en.json"
));
/// The widget's French texts, keyed by the English source string.
const FR: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../web/widget/locales/fr.json"
));

/// The widget's catalog for `locale` (English source string -> translation), inlined in
/// the brand config so the widget makes no extra request.
pub fn catalog(locale: Locale) -> serde_json::Value {
    let raw = match locale {
        Locale::En => EN,
        Locale::Fr => FR,
    };
    serde_json::from_str(raw).unwrap_or_default()
}

/// The language for a request of `brand`'s widget with these headers.
pub fn resolve(locale: WidgetLocale, headers: &HeaderMap) -> Locale {
    let asked = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    locale.resolve(asked)
}

/// Records the language the visitor's widget uses (from the request's headers).
pub async fn remember(
    state: &AppState,
    brand: BrandId,
    visitor: VisitorId,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    let mut conn = state.store.conn().await?;
    let texts = widget_texts::get(&mut conn, brand).await?;
    let locale = resolve(texts.locale, headers);
    widget_texts::set_visitor_locale(&mut conn, brand, visitor, locale).await?;
    Ok(())
}

/// The automatic message for the visitor opening a conversation: in the language their
/// widget last used (else the brand's), falling back to the brand's default text;
/// `settings` are the brand's with the reply time visitors are shown.
pub async fn auto_message(
    h: &mut impl Handle,
    brand: &ebb_core::Brand,
    visitor: VisitorId,
    settings: &ebb_core::BrandSettings,
) -> Result<String, ApiError> {
    let texts = widget_texts::get(h, brand.id).await?;
    let locale = widget_texts::visitor_locale(h, brand.id, visitor)
        .await?
        .unwrap_or_else(|| texts.locale.resolve(None));
    Ok(texts.auto_message(locale, settings))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDGET: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/widget/widget.js"
    ));

    /// Every text the widget translates (`t('...')` and `tr('...')`) has a French entry.
    #[test]
    fn the_french_catalog_covers_every_widget_text() {
        let fr = catalog(Locale::Fr);
        assert_eq!(fr["Send"], "Envoyer");
        assert_eq!(catalog(Locale::En), serde_json::json!({}));
        let mut missing = Vec::new();
        for marker in ["t('", "tr('"] {
            for (i, _) in WIDGET.match_indices(marker) {
                let rest = &WIDGET[i + marker.len()..];
                let key = rest.split('\'').next().unwrap_or_default();
                let call = WIDGET[..i].ends_with(|c: char| c.is_alphanumeric() || c == '.');
                if !call && fr.get(key).is_none() {
                    missing.push(key.to_owned());
                }
            }
        }
        assert!(missing.is_empty(), "no French for {missing:?}");
    }
}
