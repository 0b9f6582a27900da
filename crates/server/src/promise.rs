//! The snooze promise as the widget shows it: core decides whether one stands and words it
//! (`ebb_core::promise`); this reads what it needs (the timeline since the last snooze, the
//! holder's display name and hours, the visitor's language and time zone).

use ebb_core::promise::{self, Standing};
use ebb_core::schedule::wording::Lang;
use ebb_core::texts::Locale;
use ebb_core::{Conversation, ExpertId, Instant, Status};
use ebb_store::{Handle, events, office_hours, profiles, visitor_context, widget_texts};
use serde::Serialize;

use crate::ApiError;
use crate::api::MAX_PAGE;

/// What the visitor is promised after a snooze.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SnoozePromise {
    /// The sentence in the visitor's language and time zone, e.g. "Ada will get back to
    /// you by Tuesday 10:00".
    pub text: String,
    /// When it falls due: the snooze end, or the next opening when that is out of hours.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub by: Instant,
    /// The display name of the expert who holds the conversation (`null`: the team).
    pub expert_name: Option<String>,
    /// True for a snooze until the visitor is back (`by` is then the latest).
    pub until_return: bool,
}

/// The promise standing for `conv`'s visitor at `now`, if any.
pub async fn for_visitor(
    h: &mut impl Handle,
    conv: &Conversation,
    now: Instant,
) -> Result<Option<SnoozePromise>, ApiError> {
    if conv.state.status() == Status::Closed {
        return Ok(None);
    }
    let brand = conv.brand_id;
    let Some(seq) = events::last_seq_of_kind(h, brand, conv.id, "snoozed").await? else {
        return Ok(None);
    };
    let since = events::after(h, brand, conv.id, seq.saturating_sub(1), MAX_PAGE).await?;
    let Some(standing) = promise::standing(&since, &conv.state, now) else {
        return Ok(None);
    };
    let hours = hours_of(h, conv, standing.holder).await?;
    let by = promise::due_at(standing.until, hours.as_ref());
    let expert_name = match standing.holder {
        Some(expert) => name_of(h, conv, expert).await?,
        None => None,
    };
    let (lang, zone) = reader(h, conv, hours.as_ref()).await?;
    let Standing { until_return, .. } = standing;
    let text = promise::wording(expert_name.as_deref(), by, until_return, &zone, now, lang);
    Ok(Some(SnoozePromise {
        text,
        by,
        expert_name,
        until_return,
    }))
}

/// The holder's own hours, else the brand's.
async fn hours_of(
    h: &mut impl Handle,
    conv: &Conversation,
    holder: Option<ExpertId>,
) -> Result<Option<ebb_core::schedule::Schedule>, ApiError> {
    if let Some(expert) = holder {
        let own = office_hours::experts(h, conv.brand_id).await?;
        if let Some((_, hours)) = own.into_iter().find(|(id, _)| *id == expert) {
            return Ok(Some(hours));
        }
    }
    Ok(office_hours::brand(h, conv.brand_id).await?)
}

/// The name visitors see for `expert`: their display name, else their account name.
async fn name_of(
    h: &mut impl Handle,
    conv: &Conversation,
    expert: ExpertId,
) -> Result<Option<String>, ApiError> {
    let profile = profiles::get(h, conv.brand_id, expert).await?;
    Ok(profile.map(|p| {
        p.profile
            .display_name
            .map_or(p.name, |n| n.as_str().to_owned())
    }))
}

/// The visitor's widget language (English when unknown) and the zone times are shown in:
/// the visitor's own when their widget reported a known one, else the hours' zone, else UTC.
async fn reader(
    h: &mut impl Handle,
    conv: &Conversation,
    hours: Option<&ebb_core::schedule::Schedule>,
) -> Result<(Lang, String), ApiError> {
    let lang = match widget_texts::visitor_locale(h, conv.brand_id, conv.visitor_id).await? {
        Some(Locale::Fr) => Lang::Fr,
        Some(Locale::En) | None => Lang::En,
    };
    let reported = visitor_context::get(h, conv.brand_id, conv.visitor_id).await?;
    let zone = reported
        .and_then(|c| c.page.time_zone)
        .filter(|z| promise::known_zone(z))
        .or_else(|| hours.map(|s| s.zone().to_owned()))
        .unwrap_or_else(|| "UTC".to_owned());
    Ok((lang, zone))
}

/// A conversation as its visitor reads it: the view, with the snooze promise standing.
#[derive(Serialize, utoipa::ToSchema)]
pub struct VisitorView {
    /// The conversation, a page of its timeline and both read markers.
    #[serde(flatten)]
    pub view: crate::api::widget::ConversationView,
    /// The promise after a snooze; absent when none stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promise: Option<SnoozePromise>,
}
