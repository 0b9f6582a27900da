//! The brand's widget texts: the widget's language (`auto`, `en`, `fr`), the greeting
//! shown before the first message, and per-language greeting and automatic message
//! (blank: the brand default, i.e. the greeting here and the automatic message of
//! `/settings`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use ebb_core::texts::{Locale, LocaleTexts, WidgetLocale, WidgetTexts};
use ebb_store::widget_texts;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::super::ApiJson;
use crate::auth::AdminAuth;
use crate::{ApiError, AppState};

/// `/widget-texts` (merged under `/api/v1/admin`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_texts, put_texts))
}

/// The brand's texts in one language; blank or missing: the brand default.
#[derive(Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageTexts {
    /// The greeting in this language (at most 500 characters).
    #[serde(default)]
    pub greeting: Option<String>,
    /// The automatic message in this language; `{typical_reply_time}` is filled in.
    #[serde(default)]
    pub auto_message: Option<String>,
}

/// What the brand says in the widget.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// `auto` (the visitor's browser language, English if unsupported), `en` or `fr`.
    pub locale: String,
    /// The default greeting shown before the first message (empty: none).
    pub greeting: String,
    /// Per-language texts, by language code (`en`, `fr`).
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageTexts>,
}

impl Texts {
    fn of(texts: WidgetTexts) -> Self {
        let languages = Locale::ALL
            .into_iter()
            .map(|l| {
                let t = texts
                    .per_locale
                    .iter()
                    .find(|(k, _)| *k == l)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
                let entry = LanguageTexts {
                    greeting: t.greeting,
                    auto_message: t.auto_message,
                };
                (l.as_str().to_owned(), entry)
            })
            .collect();
        Self {
            locale: texts.locale.as_str().to_owned(),
            greeting: texts.greeting,
            languages,
        }
    }

    fn parse(self) -> Result<WidgetTexts, ApiError> {
        let mut per_locale = Vec::new();
        for (code, t) in self.languages {
            let locale = Locale::ALL
                .into_iter()
                .find(|l| l.as_str() == code)
                .ok_or_else(|| ApiError::Invalid(format!("unsupported language {code:?}")))?;
            let texts = LocaleTexts {
                greeting: t.greeting,
                auto_message: t.auto_message,
            };
            per_locale.push((locale, texts));
        }
        let texts = WidgetTexts {
            locale: WidgetLocale::parse(&self.locale)?,
            greeting: self.greeting.trim().to_owned(),
            per_locale,
        };
        texts.validate()?;
        Ok(texts)
    }
}

/// The brand's widget texts.
#[utoipa::path(get, path = "/widget-texts", tag = "admin",
    responses((status = 200, description = "The texts", body = Texts)))]
async fn get_texts(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> Result<Json<Texts>, ApiError> {
    let mut conn = state.store.conn().await?;
    let texts = widget_texts::get(&mut conn, admin.brand_id).await?;
    Ok(Json(Texts::of(texts)))
}

/// Replace the brand's widget texts (422 `invalid-body` for an unknown language or a text
/// too long).
#[utoipa::path(put, path = "/widget-texts", tag = "admin", request_body = Texts,
    responses((status = 200, description = "The texts", body = Texts)))]
async fn put_texts(
    State(state): State<AppState>,
    AdminAuth(admin): AdminAuth,
    ApiJson(body): ApiJson<Texts>,
) -> Result<Json<Texts>, ApiError> {
    let texts = body.parse()?;
    let mut tx = state.store.begin().await?;
    if !widget_texts::set(&mut tx, admin.brand_id, &texts).await? {
        return Err(ApiError::NotFound("brand"));
    }
    let saved = widget_texts::get(&mut tx, admin.brand_id).await?;
    tx.commit().await?;
    Ok(Json(Texts::of(saved)))
}
