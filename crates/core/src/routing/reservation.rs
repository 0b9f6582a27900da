//! When a woken conversation stops waiting for its own expert: its reservation lapses
//! after the brand's woken wait (counted from waking), or after the offline grace (counted
//! from the expert going offline), whichever comes first, and at once when the expert is
//! gone (disabled). A lapsed conversation is passed on to the brand queue with priority,
//! and the visitor is told so.

use time::Duration;

use super::{ExpertLoad, Waiting};
use crate::{
    Author, BrandSettings, Command, Conversation, DomainError, ExpertStatus, Instant, MessageBody,
};

/// What the visitor reads when their conversation is passed on to the team.
pub const PASSED_ON_MESSAGE: &str = "Your usual contact can't get back to you right now, \
so we've passed your conversation on to the team. The next person free will pick it up.";

/// How long a woken conversation may wait for its own expert (from brand settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReservationPolicy {
    /// Longest wait from going offline (the brand's offline grace).
    pub offline_grace: Duration,
    /// Longest wait from waking while the expert is full or away.
    pub woken_wait: Duration,
}

impl ReservationPolicy {
    /// The policy from the brand's two settings, in minutes.
    pub fn from_minutes(offline_grace: i64, woken_wait: i64) -> Self {
        Self {
            offline_grace: Duration::minutes(offline_grace),
            woken_wait: Duration::minutes(woken_wait),
        }
    }
}

impl From<&BrandSettings> for ReservationPolicy {
    fn from(s: &BrandSettings) -> Self {
        Self::from_minutes(s.offline_grace_minutes, s.woken_wait_minutes)
    }
}

/// Whether the expert a conversation is reserved for is still around.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// Disabled or deleted: they will never take it.
    Gone,
    /// Offline since this instant.
    OfflineSince(Instant),
    /// Logged in (available or away).
    Present,
}

impl Owner {
    /// The owner as routing's load describes them (`None`: not among the brand's experts).
    pub fn of(load: Option<&ExpertLoad>) -> Self {
        match load {
            None => Self::Gone,
            Some(l) if l.status == ExpertStatus::Offline => {
                l.offline_since.map_or(Self::Present, Self::OfflineSince)
            }
            Some(_) => Self::Present,
        }
    }
}

/// When the reservation of `waiting` lapses, or `None` when it is not reserved.
pub fn lapses_at(waiting: &Waiting, owner: Owner, policy: ReservationPolicy) -> Option<Instant> {
    waiting.for_expert?;
    let woken_limit = waiting.queued_at + policy.woken_wait;
    Some(match owner {
        Owner::Gone => waiting.queued_at,
        Owner::OfflineSince(since) => woken_limit.min(since + policy.offline_grace),
        Owner::Present => woken_limit,
    })
}

/// Which of an owner's reserved conversations have a lapsed reservation at `now` (so the
/// store reads only those): [`lapses_at`] grows with the arrival time, so they are the ones
/// queued up to some instant, or all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LapsedBy {
    /// Every one of them (the owner is gone, or offline past the grace).
    All,
    /// The ones queued at or before this instant (their woken wait is over).
    QueuedBy(Instant),
}

impl LapsedBy {
    /// The reserved conversations of `owner` whose reservation lapsed at `now`.
    pub fn of(owner: Owner, policy: ReservationPolicy, now: Instant) -> Self {
        match owner {
            Owner::Gone => Self::QueuedBy(now),
            Owner::OfflineSince(since) if since + policy.offline_grace <= now => Self::All,
            Owner::OfflineSince(_) | Owner::Present => Self::QueuedBy(now - policy.woken_wait),
        }
    }

    /// True when a conversation queued at `queued_at` is among them.
    pub fn covers(self, queued_at: Instant) -> bool {
        match self {
            Self::All => true,
            Self::QueuedBy(by) => queued_at <= by,
        }
    }
}

/// True when `waiting` must be passed on at `now`: its reservation lapsed and its expert
/// (`load`, `None` when gone) cannot take it right now (offline, full, or, for an async
/// conversation, at their async cap: see [`ExpertLoad::can_take`]).
pub fn lapsed(
    waiting: &Waiting,
    load: Option<&ExpertLoad>,
    policy: ReservationPolicy,
    now: Instant,
) -> bool {
    let can_take = load.is_some_and(|l| l.can_take(waiting));
    !can_take && lapses_at(waiting, Owner::of(load), policy).is_some_and(|at| at <= now)
}

/// Passes `conv` on to the brand queue with priority (it was reserved for, or held by, an
/// expert who cannot take it) and tells the visitor so in a system message.
pub fn pass_on(
    conv: &Conversation,
    now: Instant,
) -> Result<(Conversation, Vec<crate::Entry>), DomainError> {
    let (released, mut entries) = conv.decide(Command::Release, now)?;
    let note = Command::Post {
        author: Author::System,
        body: MessageBody::parse(PASSED_ON_MESSAGE)?,
        client_msg_id: None,
    };
    let (next, more) = released.decide(note, now)?;
    entries.extend(more);
    Ok((next, entries))
}

#[cfg(test)]
mod tests;
