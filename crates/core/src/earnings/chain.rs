//! Follow-up chains: the conversation and expert a purchase is credited to (the last expert
//! who replied to the visitor across the linked conversations), and whether a closed
//! follow-up is the same contact as the conversation it follows up.

use time::Duration;

use super::{Earning, EarningKind};
use crate::{ConversationId, ExpertId, Instant};

/// One of a visitor's conversations, as the earnings rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The conversation.
    pub id: ConversationId,
    /// When it started.
    pub started_at: Instant,
    /// When it ended, if it did.
    pub closed_at: Option<Instant>,
    /// The closed conversation it follows up (the visitor wrote again after that close).
    pub previous: Option<ConversationId>,
    /// Who its contact belongs to once closed: the expert who closed it, or who held it
    /// when an admin or the system closed it (see [`super::close_payee`]).
    pub closer: Option<ExpertId>,
}

/// An expert's message in one of the visitor's conversations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The conversation it was written in.
    pub conversation: ConversationId,
    /// When.
    pub at: Instant,
    /// Who wrote it.
    pub expert: ExpertId,
}

/// Where a purchase belongs: the conversation it falls in and the expert it credits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credit {
    /// The conversation the purchase falls in (during it or within the window after it).
    pub conversation: ConversationId,
    /// The last expert who replied to the visitor before the purchase, across the linked
    /// conversations; `None` when no expert had replied yet.
    pub expert: Option<ExpertId>,
}

/// The conversation a purchase at `at` falls in: one that had started by then and was
/// open, or had ended at most `window` before (inclusive); the latest started wins.
pub fn attribute(spans: &[Span], at: Instant, window: Duration) -> Option<ConversationId> {
    spans
        .iter()
        .filter(|s| s.started_at <= at && s.closed_at.is_none_or(|end| at <= end + window))
        .max_by_key(|s| (s.started_at, s.id))
        .map(|s| s.id)
}

/// The conversations linked to `id` by follow-up links in either direction, `id` included.
pub fn linked(spans: &[Span], id: ConversationId) -> Vec<ConversationId> {
    let mut found = vec![id];
    loop {
        let more: Vec<ConversationId> = spans
            .iter()
            .filter(|s| !found.contains(&s.id))
            .filter(|s| {
                s.previous.is_some_and(|p| found.contains(&p))
                    || spans
                        .iter()
                        .any(|t| found.contains(&t.id) && t.previous == Some(s.id))
            })
            .map(|s| s.id)
            .collect();
        if more.is_empty() {
            return found;
        }
        found.extend(more);
    }
}

/// The expert credited for a purchase at `at`: the last one who replied at or before it
/// (among equal times, the reply listed last).
pub fn credited_expert(replies: &[Reply], at: Instant) -> Option<ExpertId> {
    replies
        .iter()
        .filter(|r| r.at <= at)
        .max_by_key(|r| r.at)
        .map(|r| r.expert)
}

/// Credits a purchase at `at`: it must fall during one of the visitor's conversations or
/// within `window` after its end (else `None`); the commission goes to the last expert who
/// replied before it in that conversation or any conversation linked to it.
pub fn credit(spans: &[Span], replies: &[Reply], at: Instant, window: Duration) -> Option<Credit> {
    let conversation = attribute(spans, at, window)?;
    let chain = linked(spans, conversation);
    let in_chain: Vec<Reply> = replies
        .iter()
        .filter(|r| chain.contains(&r.conversation))
        .copied()
        .collect();
    Some(Credit {
        conversation,
        expert: credited_expert(&in_chain, at),
    })
}

/// True when `payee` closing conversation `id` continues a contact already paid to them:
/// walking back its follow-up links, each conversation started at most `window` after the
/// one it follows up ended, that one's contact belongs to `payee`, and one of them earned
/// `payee` a contact fee. A follow-up closed by another expert is a new contact.
pub fn same_contact_paid(
    spans: &[Span],
    fees: &[Earning],
    id: ConversationId,
    payee: ExpertId,
    window: Duration,
) -> bool {
    let find = |c: ConversationId| spans.iter().find(|s| s.id == c);
    let Some(mut current) = find(id) else {
        return false;
    };
    for _ in 0..spans.len() {
        let Some(prev) = current.previous.and_then(find) else {
            return false;
        };
        let within = prev
            .closed_at
            .is_some_and(|end| current.started_at <= end + window);
        if !within || prev.closer != Some(payee) {
            return false;
        }
        let paid = fees.iter().any(|f| {
            f.kind == EarningKind::ContactFee
                && f.conversation == Some(prev.id)
                && f.expert == payee
        });
        if paid {
            return true;
        }
        current = prev;
    }
    false
}

#[cfg(test)]
mod examples;
#[cfg(test)]
mod props;
