//! The mail queue's worker ([`MailDelivery`], a [`Job`] in the shared loop): follow-ups
//! (core's `followup` rule picks the batch and says when it is due) and transcripts.
//! At-least-once and idempotent per batch: the batch is recorded (its id gives the
//! Message-ID) before the send and marked sent after it. A retry finds the unsent batch and
//! sends that same batch again; a crash between the send and the record therefore sends
//! the same email twice, with the same Message-ID, never a different batch.

use ebb_core::followup::{self, AskEmail, FollowUp, Reply};
use ebb_core::{Author, BrandId, Conversation, Entry, Event, Instant};
use ebb_store::mail::jobs::{self as mail_jobs, FOLLOW_UP, MailBatch, MailJob, TRANSCRIPT};
use ebb_store::{Conn, Handle, StoreError, Tx, conversations, reads};
use time::Duration;

use super::compose::{self, Envelope, ShownReply};
use super::link::{Link, Purpose};
use super::{MailError, Mailer};
use crate::worker::{Job, Wakeup};
use crate::{ApiError, AppState, signing};

/// How long a claimed mail job stays leased.
const LEASE: Duration = Duration::seconds(60);
/// Attempts before a mail job is given up.
const MAX_ATTEMPTS: i64 = 8;

/// Sends the queued follow-up and transcript emails.
#[derive(Debug, Default)]
pub struct MailDelivery;

/// What is left after handling a job.
enum Next {
    Done,
    At(Instant),
}

impl Job for MailDelivery {
    type Item = MailJob;
    const KIND: &'static str = "mail";
    const LEASE: Duration = LEASE;
    const BATCH: u32 = 50;
    const CONCURRENCY: usize = 4;

    async fn claim(&self, tx: &mut Tx, now: Instant) -> Result<Vec<MailJob>, StoreError> {
        mail_jobs::claim_due(tx, now, now + LEASE, Self::BATCH).await
    }

    async fn next_due(
        &self,
        conn: &mut Conn,
        _now: Instant,
    ) -> Result<Option<Instant>, StoreError> {
        mail_jobs::next_due(conn).await
    }

    #[tracing::instrument(skip_all, fields(mail.kind = %job.kind, mail.attempt = job.attempts))]
    async fn handle(&self, state: &AppState, job: MailJob) -> Result<(), ApiError> {
        let Some(mailer) = state.settings.mail.clone() else {
            return Ok(());
        };
        let outcome = match job.kind.as_str() {
            FOLLOW_UP => follow_up(state, &mailer, &job).await,
            TRANSCRIPT => transcript(state, &mailer, &job).await.map(|()| Next::Done),
            _ => Ok(Next::Done),
        };
        let mut conn = state.store.conn().await?;
        match outcome {
            Ok(Next::Done) => mail_jobs::complete(&mut conn, &job).await?,
            Ok(Next::At(at)) => mail_jobs::retry(&mut conn, &job, at, None).await?,
            Err(err) => {
                let cause = err.to_string();
                metrics::counter!("ebb_mail_failures_total").increment(1);
                match self.backoff(job.attempts, 0.0) {
                    Some(wait) => {
                        tracing::warn!(error = %cause, "mail not sent; will retry");
                        let at = state.clock.now() + wait;
                        mail_jobs::retry(&mut conn, &job, at, Some(&cause)).await?;
                    }
                    None => {
                        tracing::error!(error = %cause, "mail not sent; gave up");
                        mail_jobs::complete(&mut conn, &job).await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// 30 s, doubling, at most an hour, for 8 attempts.
    fn backoff(&self, attempts: i64, _jitter: f64) -> Option<Duration> {
        let doublings = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
        (attempts < MAX_ATTEMPTS)
            .then(|| (Duration::seconds(30) * 2_i32.pow(doublings)).min(Duration::HOUR))
    }

    fn wakeup(&self, state: &AppState) -> Wakeup {
        Wakeup::Bus(state.bus.subscribe())
    }
}

/// Why a job failed: the store or the mail server.
#[derive(Debug, thiserror::Error)]
enum Failed {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Mail(#[from] MailError),
}

/// Queues a follow-up look for a conversation an expert just replied in, when the brand
/// asks for addresses and the visitor left one and did not unsubscribe.
pub async fn schedule_follow_up(
    tx: &mut Tx,
    conv: &Conversation,
    now: Instant,
) -> Result<(), StoreError> {
    let settings = ebb_store::mail::settings(tx, conv.brand_id).await?;
    if settings.ask == AskEmail::Never {
        return Ok(());
    }
    let email = ebb_store::mail::visitor_email(tx, conv.brand_id, conv.visitor_id).await?;
    if email.is_none_or(|e| e.unsubscribed_at.is_some()) {
        return Ok(());
    }
    mail_jobs::schedule(
        tx,
        conv.brand_id,
        conv.id,
        FOLLOW_UP,
        now + settings.delay(),
        now,
    )
    .await
}

/// The conversation and its visitor's address, when mail may go to them.
async fn recipient(
    conn: &mut Conn,
    job: &MailJob,
    follow_up: bool,
) -> Result<Option<(Conversation, String)>, Failed> {
    let Some(conv) = conversations::get(conn, job.brand(), job.conversation()).await? else {
        return Ok(None);
    };
    let email = ebb_store::mail::visitor_email(conn, conv.brand_id, conv.visitor_id).await?;
    Ok(email
        .filter(|e| !follow_up || e.unsubscribed_at.is_none())
        .map(|e| (conv, e.email)))
}

async fn follow_up(state: &AppState, mailer: &Mailer, job: &MailJob) -> Result<Next, Failed> {
    let mut conn = state.store.conn().await?;
    let Some((conv, to)) = recipient(&mut conn, job, true).await? else {
        return Ok(Next::Done);
    };
    let settings = ebb_store::mail::settings(&mut conn, conv.brand_id).await?;
    if settings.ask == AskEmail::Never {
        return Ok(Next::Done);
    }
    let batches = mail_jobs::batches(&mut conn, conv.brand_id, conv.id, FOLLOW_UP).await?;
    let entries = crate::api::transcript::all_entries(&mut conn, conv.brand_id, conv.id).await?;
    let unsent = batches.iter().find(|b| b.sent_at.is_none()).cloned();
    let previous = batches.iter().rev().find(|b| b.sent_at.is_some());
    let (sent_up_to, previous_id) = match previous {
        Some(b) => (
            b.last_seq,
            Some(compose::message_id(b.id, &mailer.reply_domain)),
        ),
        None => (0, None),
    };
    let replies = expert_replies(&entries);
    let delay = settings.delay();
    let batch = match unsent {
        Some(batch) => batch,
        None => match rule(state, &mut conn, &conv, &replies, delay, sent_up_to).await? {
            FollowUp::Nothing => return Ok(Next::Done),
            FollowUp::At(at) => return Ok(Next::At(at)),
            FollowUp::Send(b) => {
                let now = state.clock.now();
                mail_jobs::record_batch(&mut conn, conv.brand_id, conv.id, FOLLOW_UP, &b.seqs, now)
                    .await?
            }
        },
    };
    let env = envelope(state, &mut conn, mailer, &conv, &to, &batch, previous_id).await?;
    let shown = shown(&mut conn, conv.brand_id, &entries, &batch.seqs).await?;
    drop(conn);
    mailer
        .send(compose::follow_up(mailer, &env, &shown)?)
        .await?;
    let mut conn = state.store.conn().await?;
    mail_jobs::mark_sent(&mut conn, conv.brand_id, batch.id, state.clock.now()).await?;
    metrics::counter!("ebb_mail_sent_total", "kind" => FOLLOW_UP).increment(1);
    Ok(
        match rule(state, &mut conn, &conv, &replies, delay, batch.last_seq).await? {
            FollowUp::At(at) => Next::At(at),
            FollowUp::Send(_) => Next::At(state.clock.now()),
            FollowUp::Nothing => Next::Done,
        },
    )
}

async fn transcript(state: &AppState, mailer: &Mailer, job: &MailJob) -> Result<(), Failed> {
    use ebb_core::transcript::{Audience, Format};
    let mut conn = state.store.conn().await?;
    let Some((conv, to)) = recipient(&mut conn, job, false).await? else {
        return Ok(());
    };
    let batches = mail_jobs::batches(&mut conn, conv.brand_id, conv.id, TRANSCRIPT).await?;
    let batch = match batches.into_iter().find(|b| b.sent_at.is_none()) {
        Some(b) => b,
        None => {
            let now = state.clock.now();
            mail_jobs::record_batch(&mut conn, conv.brand_id, conv.id, TRANSCRIPT, &[], now).await?
        }
    };
    let env = envelope(state, &mut conn, mailer, &conv, &to, &batch, None).await?;
    drop(conn);
    let visitor = conv.visitor_id;
    let render = |format| {
        crate::api::transcript::render(
            state,
            conv.brand_id,
            conv.id,
            move |c| c.visitor_id == visitor,
            Audience::Visitor,
            format,
        )
    };
    let (text, html) = (render(Format::Text).await?, render(Format::Html).await?);
    mailer
        .send(compose::transcript(mailer, &env, &text, &html)?)
        .await?;
    let mut conn = state.store.conn().await?;
    mail_jobs::mark_sent(&mut conn, conv.brand_id, batch.id, state.clock.now()).await?;
    metrics::counter!("ebb_mail_sent_total", "kind" => TRANSCRIPT).increment(1);
    Ok(())
}

/// Core's follow-up rule for `conv` now, with the visitor's read marker.
async fn rule(
    state: &AppState,
    conn: &mut Conn,
    conv: &Conversation,
    replies: &[Reply],
    delay: Duration,
    sent_up_to: u64,
) -> Result<FollowUp, StoreError> {
    let read = reads::markers(conn, conv.brand_id, conv.id).await?.visitor;
    let now = state.clock.now();
    Ok(followup::follow_up(replies, read, sent_up_to, delay, now))
}

/// The expert replies of a timeline.
fn expert_replies(entries: &[Entry]) -> Vec<Reply> {
    entries
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                Event::Message {
                    author: Author::Expert(_),
                    ..
                }
            )
        })
        .map(|e| Reply {
            seq: e.seq,
            at: e.at,
        })
        .collect()
}

/// The replies of `seqs`, with their authors' names.
async fn shown(
    conn: &mut Conn,
    brand: BrandId,
    entries: &[Entry],
    seqs: &[u64],
) -> Result<Vec<ShownReply>, StoreError> {
    let experts = ebb_store::experts::list(conn, brand).await?;
    let name = |id| {
        experts
            .iter()
            .find(|e| e.id == id)
            .map_or("Our team".to_owned(), |e| e.name.clone())
    };
    Ok(entries
        .iter()
        .filter(|e| seqs.contains(&e.seq))
        .filter_map(|e| match &e.event {
            Event::Message {
                author: Author::Expert(id),
                body,
                ..
            } => Some(ShownReply {
                who: name(*id),
                text: body.as_str().to_owned(),
            }),
            _ => None,
        })
        .collect())
}

/// The envelope of an email of `conv` carrying `batch`: signed links and reply address.
async fn envelope(
    state: &AppState,
    conn: &mut Conn,
    mailer: &Mailer,
    conv: &Conversation,
    to: &str,
    batch: &MailBatch,
    previous: Option<String>,
) -> Result<Envelope, Failed> {
    let secret = signing::link_secret(state, conv.brand_id).await?;
    let brand = ebb_store::brands::by_id(conn, conv.brand_id)
        .await?
        .map_or_else(String::new, |b| b.name);
    let resume = Link::resume(conv.brand_id, conv.visitor_id, conv.id, state.clock.now());
    let unsubscribe = Link::unsubscribe(conv.brand_id, conv.visitor_id, conv.id);
    let site = site_url(conn, conv)
        .await?
        .unwrap_or_else(|| format!("{}/", mailer.public_url));
    Ok(Envelope {
        to: to.to_owned(),
        brand,
        message_id: compose::message_id(batch.id, &mailer.reply_domain),
        previous,
        reply_local: signing::ReplyAddress::new(&secret, conv.brand_id, conv.id).local_part(),
        resume_url: format!(
            "{site}#ebb-resume={}",
            resume.sign(&secret, Purpose::Resume)
        ),
        unsubscribe_url: format!(
            "{}/api/v1/mail/unsubscribe/{}",
            mailer.public_url,
            unsubscribe.sign(&secret, Purpose::Unsubscribe)
        ),
    })
}

/// The page reopen links open: the brand's site URL, else the page the visitor was last on
/// (without its fragment).
async fn site_url(
    conn: &mut impl Handle,
    conv: &Conversation,
) -> Result<Option<String>, StoreError> {
    let settings = ebb_store::mail::settings(conn, conv.brand_id).await?;
    let page = match settings.site_url.is_empty() {
        false => Some(settings.site_url),
        true => ebb_store::visitor_context::get(conn, conv.brand_id, conv.visitor_id)
            .await?
            .map(|c| c.page.page_url),
    };
    Ok(page.map(|p| p.split('#').next().unwrap_or_default().to_owned()))
}
