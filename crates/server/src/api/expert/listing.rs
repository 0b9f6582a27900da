//! A page of a conversation list as experts and admins see it: each conversation with its
//! visitor's presence, its slot and queue standing, its tags and a bounded preview of its
//! last message. Whatever the page's length, it costs the same few queries.

use std::collections::HashMap;

use ebb_core::message::preview;
use ebb_core::{Author, BrandId, Conversation, ExpertId, Instant};
use ebb_store::Handle;
use ebb_store::listing::{self, Among, LastMessage, PageSpan};
use serde::Serialize;

use crate::{ApiError, AppState};

/// A conversation in a list, with its visitor's presence and its last message.
#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct ListedConversation {
    /// The conversation.
    #[serde(flatten)]
    pub conversation: Conversation,
    /// Is its visitor online (a widget connection open, or within the grace period)?
    pub visitor_online: bool,
    /// The expert whose slot it holds, as core decides (`null` when it holds none).
    pub slot_holder: Option<ExpertId>,
    /// Waiting in the brand queue for any expert (not reserved for one), as core decides.
    pub in_brand_queue: bool,
    /// The brand's tags on it, by name.
    pub tags: Vec<ebb_store::tags::Tag>,
    /// Its last message (automatic messages aside), shortened; `null` before the first.
    pub last_message: Option<MessagePreview>,
}

/// A message as a list shows it.
#[derive(Serialize, Debug, Clone, utoipa::ToSchema)]
pub struct MessagePreview {
    /// Who wrote it.
    pub author: Author,
    /// The expert's name when an expert wrote it.
    pub author_name: Option<String>,
    /// Its text on one line, at most 140 characters (`…` when cut).
    pub text: String,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: Instant,
}

/// Previews of `messages`, with the names of the experts who wrote them (one query for the
/// names, only when an expert wrote one).
pub async fn previews<K: std::hash::Hash + Eq>(
    h: &mut impl Handle,
    brand: BrandId,
    messages: HashMap<K, LastMessage>,
) -> Result<HashMap<K, MessagePreview>, ApiError> {
    let mut names = HashMap::new();
    if messages
        .values()
        .any(|m| matches!(m.author, Author::Expert(_)))
    {
        for expert in ebb_store::experts::list(h, brand).await? {
            names.insert(expert.id, expert.name);
        }
    }
    Ok(messages
        .into_iter()
        .map(|(key, m)| {
            let author_name = match m.author {
                Author::Expert(id) => names.get(&id).cloned(),
                _ => None,
            };
            let text = preview(&m.body);
            let (author, at) = (m.author, m.at);
            (
                key,
                MessagePreview {
                    author,
                    author_name,
                    text,
                    at,
                },
            )
        })
        .collect())
}

impl ListedConversation {
    /// `page` (conversations of `brand` among `among`'s) with their tags and last messages,
    /// read through `h` in a constant number of queries, and `online` telling whether each
    /// conversation's visitor is online.
    pub async fn assemble(
        h: &mut impl Handle,
        brand: BrandId,
        among: Among,
        page: Vec<Conversation>,
        online: impl Fn(&Conversation) -> bool,
    ) -> Result<Vec<Self>, ApiError> {
        let Some(span) = PageSpan::of(among, &page) else {
            return Ok(Vec::new());
        };
        let mut tags = listing::tags(h, brand, &span).await?;
        let last = listing::last_messages(h, brand, &span).await?;
        let mut previews = previews(h, brand, last).await?;
        Ok(page
            .into_iter()
            .map(|conversation| Self {
                slot_holder: conversation.state.slot_holder(),
                in_brand_queue: conversation.state.in_brand_queue(),
                visitor_online: online(&conversation),
                tags: tags.remove(&conversation.id).unwrap_or_default(),
                last_message: previews.remove(&conversation.id),
                conversation,
            })
            .collect())
    }

    /// `page` (conversations of the brand among `among`'s) with the presence of their
    /// visitors, their tags and last messages.
    pub async fn with_presence(
        state: &AppState,
        among: Among,
        page: Vec<Conversation>,
    ) -> Result<Vec<Self>, ApiError> {
        let Some(brand) = page.first().map(|c| c.brand_id) else {
            return Ok(Vec::new());
        };
        let mut conn = state.store.conn().await?;
        let online = |c: &Conversation| state.presence.is_online(c.brand_id, c.visitor_id);
        Self::assemble(&mut conn, brand, among, page, online).await
    }
}
