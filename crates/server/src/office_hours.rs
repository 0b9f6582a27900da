//! Office hours on the server: marks experts out of hours before routing, says when the
//! team is back and how fast it typically replies (widget header and automatic message),
//! and tells the scheduler which brands to route again when hours begin.

use ebb_core::reply_time::{self, WINDOW};
use ebb_core::routing::ExpertLoad;
use ebb_core::routing::hours::{mark_off_hours, next_opening};
use ebb_core::schedule::wording::{self, Lang};
use ebb_core::texts::{Locale, WidgetLocale};
use ebb_core::{Brand, BrandId, Instant, VisitorId};
use ebb_store::{Handle, office_hours};
use serde::Serialize;

use crate::ApiError;

pub mod memo;
pub use memo::ReplyTimes;

/// The visitor's language from the request's `Accept-Language` (English without one).
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or_else(Lang::default, Lang::from_accept_language)
}

/// Marks the loads of experts outside their hours (their own, else the brand's).
pub async fn mark(
    h: &mut impl Handle,
    brand: BrandId,
    loads: &mut [ExpertLoad],
    now: Instant,
) -> Result<(), ApiError> {
    let brand_hours = office_hours::brand(h, brand).await?;
    let own = office_hours::experts(h, brand).await?;
    mark_off_hours(loads, brand_hours.as_ref(), &own, now);
    Ok(())
}

/// When the brand's experts next begin their hours after `now` (routing should run then).
pub async fn next_start(
    h: &mut impl Handle,
    brand: BrandId,
    now: Instant,
) -> Result<Option<Instant>, ApiError> {
    let brand_hours = office_hours::brand(h, brand).await?;
    let own = office_hours::experts(h, brand).await?;
    let ids: Vec<_> = ebb_store::experts::list(h, brand)
        .await?
        .iter()
        .map(|e| e.id)
        .collect();
    Ok(next_opening(&ids, brand_hours.as_ref(), &own, now))
}

/// What the widget says about the team's hours and speed.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VisitorHours {
    /// Whether the team is within its office hours now (true without a schedule).
    pub open: bool,
    /// When it opens again (`null` while open or when it never opens again).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub back_at: Option<Instant>,
    /// The same as a sentence in the visitor's language and the brand's zone, e.g.
    /// "We're back Monday at 9:00".
    pub back_at_text: Option<String>,
    /// The reply time shown: measured over the last 7 days in office hours ("about 2
    /// hours") when there is enough data, else the brand's own wording.
    pub typical_reply_time: String,
    /// Whether `typical_reply_time` was measured (false: the brand's fixed wording).
    pub measured: bool,
}

/// The brand's hours and reply time as a visitor reading in `lang` sees them at `now`.
pub async fn for_visitor(
    h: &mut impl Handle,
    memo: &ReplyTimes,
    brand: &Brand,
    now: Instant,
    lang: Lang,
) -> Result<VisitorHours, ApiError> {
    let schedule = office_hours::brand(h, brand.id).await?;
    let measured = match memo.get(brand.id, now) {
        Some(kept) => kept,
        None => {
            let events = ebb_store::reports::messages(h, brand.id, now - WINDOW, now).await?;
            let responses = reply_time::first_responses(&events);
            let measured = reply_time::typical(&responses, schedule.as_ref(), now);
            memo.put(brand.id, now, measured);
            measured
        }
    };
    let open = schedule.as_ref().is_none_or(|s| s.is_open(now));
    let back_at = schedule
        .as_ref()
        .filter(|_| !open)
        .and_then(|s| s.next_open(now));
    Ok(VisitorHours {
        open,
        back_at,
        back_at_text: schedule
            .as_ref()
            .and_then(|s| wording::back_at(s, now, lang)),
        typical_reply_time: measured.map_or_else(
            || brand.settings.typical_reply_time.clone(),
            |d| wording::reply_time(d, lang),
        ),
        measured: measured.is_some(),
    })
}

/// The language hours are worded in: the widget's when the brand fixes one, else the
/// request's `Accept-Language`.
pub fn lang_for(widget: WidgetLocale, headers: &axum::http::HeaderMap) -> Lang {
    match widget {
        WidgetLocale::Fixed(Locale::En) => Lang::En,
        WidgetLocale::Fixed(Locale::Fr) => Lang::Fr,
        WidgetLocale::Auto => lang_of(headers),
    }
}

/// The automatic message at `now` for `visitor`: the brand's template in the visitor's
/// widget language (see [`crate::api::widget::texts::auto_message`]) with the reply time
/// shown to visitors, followed out of hours by when the team is back (worded in `lang`).
pub async fn auto_message(
    h: &mut impl Handle,
    memo: &ReplyTimes,
    brand: &Brand,
    visitor: VisitorId,
    now: Instant,
    lang: Lang,
) -> Result<String, ApiError> {
    let hours = for_visitor(h, memo, brand, now, lang).await?;
    let mut settings = brand.settings.clone();
    settings.typical_reply_time = hours.typical_reply_time;
    let message = crate::api::widget::texts::auto_message(h, brand, visitor, &settings).await?;
    Ok(match hours.back_at_text {
        Some(back) => format!("{message}\n\n{back}."),
        None => message,
    })
}

/// Remembers when the scheduler last looked, so each brand is routed again once when
/// someone's hours begin (and once at start-up, covering any downtime).
#[derive(Debug, Default)]
pub struct Watch {
    last: std::sync::Mutex<Option<Instant>>,
}

impl Watch {
    /// Routes every brand with waiting conversations where someone's hours began since
    /// the last call (every such brand on the first call), and publishes what changed.
    pub async fn route_opened(&self, state: &crate::AppState) -> Result<(), ApiError> {
        let now = state.clock.now();
        // `last` moves on only once every due brand was routed: a pass that fails (a busy
        // database) leaves it, so the next pass routes the same openings again.
        let since = self.last.lock().map(|last| *last).unwrap_or(None);
        let mut conn = state.store.conn().await?;
        let brands = office_hours::brands_waiting(&mut conn).await?;
        let mut due = Vec::new();
        for brand in brands {
            let opened = match since {
                None => true,
                Some(since) => next_start(&mut conn, brand, since)
                    .await?
                    .is_some_and(|at| at <= now),
            };
            if opened {
                due.push(brand);
            }
        }
        drop(conn);
        for brand in due {
            let mut tx = state.store.begin().await?;
            let routed = crate::desk::route(&mut tx, brand, now, &state.presence).await?;
            tx.commit().await?;
            for (conv, entries) in &routed {
                state
                    .bus
                    .publish(crate::desk::routed_hint(conv, entries, None));
            }
        }
        if let Ok(mut last) = self.last.lock() {
            *last = Some(now);
        }
        Ok(())
    }
}
