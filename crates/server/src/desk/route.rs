//! Routing one brand without reading its whole queue: the woken conversations whose
//! reservation lapsed are passed on (read per owner by arrival, core's `LapsedBy`), then
//! free slots are filled from a window on the queue (core's `routing::window`): nothing is
//! read when no expert has room, otherwise only the heads the free slots can take.

use ebb_core::routing::reservation::{LapsedBy, Owner, ReservationPolicy, lapsed, pass_on};
use ebb_core::routing::window::Window;
use ebb_core::routing::{ExpertLoad, Waiting, plan};
use ebb_core::{BrandId, Command, Conversation, ConversationId, Entry, ExpertId, Instant};
use ebb_store::conversations::{self, Queued};
use ebb_store::{Tx, experts};

use super::{brand_of, pace, save};
use crate::ApiError;
use crate::presence::Presence;

/// What routing changed: each conversation with its new entries.
pub type Routed = Vec<(Conversation, Vec<Entry>)>;

/// Fills every free slot of `brand` (see [`plan`]), after passing on to the brand queue
/// the woken conversations whose reservation lapsed (core's `reservation::lapsed`).
/// `presence` tells real-time conversations from async ones (for experts' async caps).
/// Returns each changed conversation with its new entries.
pub async fn route(
    tx: &mut Tx,
    brand: BrandId,
    now: Instant,
    presence: &Presence,
) -> Result<Routed, ApiError> {
    let started = std::time::Instant::now();
    let mut loads = experts::loads_locked(tx, brand).await?;
    crate::office_hours::mark(tx, brand, &mut loads, now).await?;
    let capped = pace::pace_loads(tx, brand, presence, &mut loads).await?;
    let pacer = Pacer {
        brand,
        presence,
        capped,
    };
    let reserved = conversations::oldest_per_expert(tx, brand).await?;
    let mut done = release_lapsed(tx, now, &loads, &reserved, &pacer).await?;
    let Some(window) = Window::first(&loads) else {
        return Ok(done);
    };
    let (queue, assignments) = read_and_plan(tx, window, &loads, &reserved, &pacer).await?;
    for (id, expert) in assignments {
        let Some(w) = queue.iter().find(|w| w.id == id) else {
            continue;
        };
        let waited = (now - w.queued_at).as_seconds_f64().max(0.0);
        metrics::histogram!("ebb_queue_wait_seconds").record(waited);
        let Some(load) = loads.iter_mut().find(|l| l.id == expert) else {
            continue;
        };
        let Some(conv) = conversations::get_locked(tx, brand, id).await? else {
            continue;
        };
        let command = Command::Assign {
            expert,
            slots: load.slots,
        };
        let (next, entries) = conv.decide(command, now)?;
        save(tx, &conv, &next, &entries, None, now).await?;
        load.take(w);
        merge(&mut done, next, entries);
    }
    if !done.is_empty() {
        let took = started.elapsed().as_secs_f64();
        metrics::histogram!("ebb_assignment_latency_seconds").record(took);
    }
    Ok(done)
}

/// Marks queue entries real-time from presence, when some expert's async cap reads it.
struct Pacer<'a> {
    brand: BrandId,
    presence: &'a Presence,
    capped: bool,
}

impl Pacer<'_> {
    fn waiting(&self, rows: Vec<Queued>) -> Vec<Waiting> {
        rows.into_iter()
            .map(|q| Waiting {
                realtime: self.capped && self.presence.is_online(self.brand, q.visitor),
                ..q.waiting
            })
            .collect()
    }
}

/// Reads `window` (widening it while core's [`Window::widen`] asks) and plans on it;
/// reserved rows are read only for experts with some (`reserved`: their oldest).
async fn read_and_plan(
    tx: &mut Tx,
    mut window: Window,
    loads: &[ExpertLoad],
    reserved: &[(ExpertId, Instant)],
    pacer: &Pacer<'_>,
) -> Result<(Vec<Waiting>, Vec<(ConversationId, ExpertId)>), ApiError> {
    window
        .reserved
        .retain(|(e, _)| reserved.iter().any(|(r, _)| r == e));
    loop {
        let mut rows = Vec::new();
        for (expert, limit) in &window.reserved {
            rows.extend(conversations::reserved_head(tx, pacer.brand, *expert, *limit).await?);
        }
        if window.brand > 0 {
            rows.extend(conversations::brand_head(tx, pacer.brand, window.brand).await?);
        }
        let queue = pacer.waiting(rows);
        let assignments = plan(loads, &queue);
        match window.widen(loads, &queue, &assignments) {
            Some(wider) => window = wider,
            None => return Ok((queue, assignments)),
        }
    }
}

/// Passes on to the brand queue (ahead of new conversations, with a note to the visitor)
/// every conversation whose reservation for its expert lapsed at `now`, as core's
/// [`lapsed`] decides. Rows are read only for owners whose oldest reservation (`reserved`)
/// core's [`LapsedBy`] covers, and only the ones it covers; slots are unchanged (queued
/// conversations hold none, so `loads` stays valid).
async fn release_lapsed(
    tx: &mut Tx,
    now: Instant,
    loads: &[ExpertLoad],
    reserved: &[(ExpertId, Instant)],
    pacer: &Pacer<'_>,
) -> Result<Routed, ApiError> {
    let mut done = Vec::new();
    let mut policy = None;
    for (expert, oldest) in reserved {
        let load = loads.iter().find(|l| l.id == *expert);
        let policy = match policy {
            Some(p) => p,
            None => *policy.insert(ReservationPolicy::from(
                &brand_of(tx, pacer.brand).await?.settings,
            )),
        };
        let by = LapsedBy::of(Owner::of(load), policy, now);
        if !by.covers(*oldest) {
            continue;
        }
        let rows = conversations::reserved_lapsed(tx, pacer.brand, *expert, by).await?;
        for waiting in pacer.waiting(rows) {
            if !lapsed(&waiting, load, policy, now) {
                continue;
            }
            let Some(conv) = conversations::get_locked(tx, pacer.brand, waiting.id).await? else {
                continue;
            };
            let (next, entries) = pass_on(&conv, now)?;
            save(tx, &conv, &next, &entries, None, now).await?;
            done.push((next, entries));
        }
    }
    Ok(done)
}

/// Adds `entries` of `next` to what routing changed (after any it changed before).
fn merge(done: &mut Routed, next: Conversation, entries: Vec<Entry>) {
    let mut all = match done.iter().position(|(c, _)| c.id == next.id) {
        Some(at) => done.remove(at).1,
        None => Vec::new(),
    };
    all.extend(entries);
    done.push((next, all));
}
