//! One WebSocket connection: sends `hello`, then multiplexes client frames, bus hints (the
//! entries themselves are read from the database after the connection's per-conversation
//! cursor, so lost or duplicated hints change nothing), live signals and heartbeats.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use ebb_core::{Conversation, ConversationId, Event};
use ebb_store::{conversations, events};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Instant, MissedTickBehavior, interval};

use super::frames::{ClientFrame, ServerFrame};
use crate::api::MAX_PAGE;
use crate::auth::Principal;
use crate::bus::{Control, Hint, Signal};
use crate::{ApiError, AppState, receipts, suggestions};

/// Most conversations one `resume` may name.
pub const MAX_RESUME: usize = 500;
/// Heartbeats without any sign of life before a connection is reaped.
const MISSED_HEARTBEATS: u32 = 3;
/// How long a socket closed with 1009 is kept before it is dropped, so the client reads
/// the close frame before the rest of its message (left unread) resets the connection.
const CLOSE_LINGER: Duration = Duration::from_secs(1);

/// Why the loop stops.
struct Closed;

/// The state of one connection.
struct Connection {
    state: AppState,
    principal: Principal,
    /// The token hash of an expert's or admin's session (checked at each heartbeat).
    session: Option<Vec<u8>>,
    socket: WebSocket,
    /// Highest seq sent (or resumed from) per conversation.
    cursors: HashMap<ConversationId, u64>,
    /// For a visitor: the snooze promise last told per conversation.
    promises: HashMap<ConversationId, crate::promise::SnoozePromise>,
}

/// Serves `socket` for `principal` (with its session's token hash, for an expert or an
/// admin) until it closes, goes silent, lags behind or its session ends.
#[tracing::instrument(skip_all, fields(peer = ?peer))]
pub async fn run(
    state: AppState,
    (principal, session): (Principal, Option<Vec<u8>>),
    socket: WebSocket,
    peer: Option<SocketAddr>,
) {
    let mut hints = state.bus.subscribe();
    let mut signals = state.bus.subscribe_signals();
    let mut controls = state.bus.subscribe_controls();
    let mut stopping = state.shutdown.listen();
    let _gauge = super::gauge::ConnectionGauge::open(&principal);
    let _presence = match &principal {
        Principal::Visitor { brand, visitor } => {
            let guard = state.presence.connect(brand.id, *visitor);
            route_on_return(&state, brand.id, *visitor);
            Some(guard)
        }
        _ => None,
    };
    if let Principal::Visitor { brand, visitor } = &principal
        && let Err(err) = crate::desk::visitor_back(&state, brand.id, *visitor).await
    {
        tracing::warn!(error = %err, "waking the visitor's return-snoozes failed");
    }
    let heartbeat = state.settings.heartbeat;
    let mut conn = Connection {
        state,
        principal,
        session,
        socket,
        cursors: HashMap::new(),
        promises: HashMap::new(),
    };
    let hello = ServerFrame::Hello {
        principal: (&conn.principal).into(),
        heartbeat_secs: heartbeat.as_secs(),
    };
    if conn.send(&hello).await.is_err() {
        return;
    }
    let mut ping = interval(heartbeat);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ping.tick().await;
    let mut last_seen = Instant::now();
    loop {
        let step = tokio::select! {
            msg = conn.socket.recv() => match msg {
                Some(Ok(msg)) => {
                    last_seen = Instant::now();
                    conn.on_message(msg).await
                }
                Some(Err(err)) if too_big(&err) => conn.close_too_big().await,
                _ => Err(Closed),
            },
            hint = hints.recv() => match hint {
                Ok(hint) => conn.on_hint(&hint).await,
                Err(RecvError::Lagged(_)) => conn.resync().await,
                Err(RecvError::Closed) => Err(Closed),
            },
            signal = signals.recv() => match signal {
                Ok(signal) => conn.on_signal(&signal).await,
                Err(RecvError::Lagged(_)) => Ok(()),
                Err(RecvError::Closed) => Err(Closed),
            },
            control = controls.recv() => match control {
                Ok(Control::Resync) | Err(RecvError::Lagged(_)) => conn.resync().await,
                Ok(Control::ClockMoved) => Ok(()),
                Err(RecvError::Closed) => Err(Closed),
            },
            _ = ping.tick() => conn.heartbeat(last_seen, heartbeat).await,
            () = stopping.raised() => conn.going_away().await,
        };
        if step.is_err() {
            break;
        }
    }
}

impl Connection {
    async fn send(&mut self, frame: &ServerFrame) -> Result<(), Closed> {
        let text = serde_json::to_string(frame).map_err(|_| Closed)?;
        self.socket
            .send(Message::Text(text.into()))
            .await
            .map_err(|_| Closed)
    }

    async fn send_error(&mut self, err: &ApiError) -> Result<(), Closed> {
        self.send(&ServerFrame::Error {
            problem: err.problem(),
        })
        .await
    }

    /// The server shuts down: a 1001 close, so the client reconnects and resumes.
    async fn going_away(&mut self) -> Result<(), Closed> {
        let close = CloseFrame {
            code: crate::shutdown::GOING_AWAY,
            reason: "server shutting down".into(),
        };
        let _ = self.socket.send(Message::Close(Some(close))).await;
        Err(Closed)
    }

    async fn heartbeat(&mut self, last_seen: Instant, every: Duration) -> Result<(), Closed> {
        if revoked(&self.state, self.session.as_deref()).await {
            let close = CloseFrame {
                code: 4403,
                reason: "access revoked".into(),
            };
            let _ = self.socket.send(Message::Close(Some(close))).await;
            return Err(Closed);
        }
        if last_seen.elapsed() > every * MISSED_HEARTBEATS {
            let close = CloseFrame {
                code: 1001,
                reason: "heartbeat timeout".into(),
            };
            let _ = self.socket.send(Message::Close(Some(close))).await;
            return Err(Closed);
        }
        self.socket
            .send(Message::Ping(Vec::new().into()))
            .await
            .map_err(|_| Closed)
    }

    /// Ends the connection with 1009 after a client message over
    /// [`super::MAX_CLIENT_MESSAGE_BYTES`] (the rest of it is never read).
    async fn close_too_big(&mut self) -> Result<(), Closed> {
        metrics::counter!("ebb_ws_oversized_messages_total").increment(1);
        let close = CloseFrame {
            code: 1009,
            reason: "message too big".into(),
        };
        if self.socket.send(Message::Close(Some(close))).await.is_ok() {
            tokio::time::sleep(CLOSE_LINGER).await;
        }
        Err(Closed)
    }

    /// Counts a client message against its sender's rate limit.
    fn check_rate(&self) -> Result<(), ApiError> {
        let limits = &self.state.limits;
        match &self.principal {
            Principal::Visitor { visitor, .. } => limits.check_visitor(*visitor),
            Principal::Expert(e) => limits.check_member(e.id.0),
            Principal::Admin(a) => limits.check_member(a.id.0),
        }
    }

    async fn on_message(&mut self, msg: Message) -> Result<(), Closed> {
        if matches!(msg, Message::Text(_) | Message::Binary(_))
            && let Err(err) = self.check_rate()
        {
            return self.send_error(&err).await;
        }
        let text = match msg {
            Message::Text(text) => text,
            Message::Close(_) => return Err(Closed),
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
            Message::Binary(_) => {
                let err = ApiError::BadRequest("binary frames are not supported".into());
                return self.send_error(&err).await;
            }
        };
        let result = match crate::api::input::from_json_text::<ClientFrame>(text.as_str()) {
            Ok(frame) => self.on_client_frame(frame).await,
            Err(err) => Err(err),
        };
        match result {
            Ok(()) => Ok(()),
            Err(err) => self.send_error(&err).await,
        }
    }

    async fn on_client_frame(&mut self, frame: ClientFrame) -> Result<(), ApiError> {
        let brand = self.principal.brand_id();
        let side = self.principal.side();
        let principal = self.principal.clone();
        match frame {
            ClientFrame::Ping => self.send(&ServerFrame::Pong).await.map_err(closed)?,
            ClientFrame::Typing {
                conversation,
                typing,
            } => {
                let can_see = |c: &Conversation| principal.can_see(c);
                receipts::typing(&self.state, brand, conversation, side, typing, can_see).await?;
            }
            ClientFrame::Read { conversation, seq } => {
                let can_see = |c: &Conversation| principal.can_see(c);
                receipts::mark_read(&self.state, brand, conversation, side, seq, can_see).await?;
            }
            ClientFrame::Resume { conversations } => {
                if conversations.len() > MAX_RESUME {
                    return Err(ApiError::BadRequest(format!(
                        "resume at most {MAX_RESUME} conversations at once"
                    )));
                }
                let mut ordered: Vec<_> = conversations.into_iter().collect();
                ordered.sort();
                for (id, seq) in ordered {
                    if let Err(err) = self.resume(id, seq).await {
                        self.send_error(&err).await.map_err(closed)?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn resume(&mut self, id: ConversationId, after: u64) -> Result<(), ApiError> {
        let brand = self.principal.brand_id();
        let mut conn = self.state.store.conn().await?;
        let conv = conversations::get(&mut conn, brand, id)
            .await?
            .filter(|c| self.principal.can_see(c))
            .ok_or(ApiError::NotFound("conversation"))?;
        drop(conn);
        self.cursors.insert(id, after);
        if matches!(self.principal, Principal::Visitor { .. }) {
            // What the client holds is unknown: tell the promise as it stands, even none.
            self.promises.remove(&id);
            self.tell_promise(&conv, true).await?;
        }
        self.send(&ServerFrame::Conversation { conversation: conv })
            .await
            .map_err(closed)?;
        self.catch_up(id, false).await
    }

    /// Is a hint about something this connection may care about?
    fn concerns(&self, hint: &Hint) -> bool {
        if hint.brand != self.principal.brand_id() {
            return false;
        }
        match &self.principal {
            Principal::Visitor { visitor, .. } => hint.visitor == *visitor,
            Principal::Expert(e) => hint.owner == Some(e.id) || hint.previous_owner == Some(e.id),
            Principal::Admin(_) => true,
        }
    }

    async fn on_hint(&mut self, hint: &Hint) -> Result<(), Closed> {
        if !self.concerns(hint) {
            return Ok(());
        }
        if self
            .cursors
            .get(&hint.conversation)
            .is_some_and(|&at| at >= hint.seq)
        {
            return Ok(());
        }
        let left =
            matches!(&self.principal, Principal::Expert(e) if hint.previous_owner == Some(e.id));
        match self.catch_up(hint.conversation, left).await {
            Ok(()) => Ok(()),
            Err(err) => self.send_error(&err).await,
        }
    }

    /// Sends every entry of `id` after the cursor (from 0 for a new conversation), preceded
    /// by the conversation when its state changed. `left`: it just left this expert.
    async fn catch_up(&mut self, id: ConversationId, left: bool) -> Result<(), ApiError> {
        let brand = self.principal.brand_id();
        let known = self.cursors.get(&id).copied();
        let mut cursor = known.unwrap_or(0);
        let mut conn = self.state.store.conn().await?;
        let mut pending = Vec::new();
        loop {
            let page = events::after(&mut conn, brand, id, cursor, MAX_PAGE).await?;
            let full = page.len() == MAX_PAGE as usize;
            cursor = page.last().map_or(cursor, |e| e.seq);
            pending.extend(page);
            if !full {
                break;
            }
        }
        let conv = conversations::get(&mut conn, brand, id).await?;
        drop(conn);
        let Some(conv) = conv else {
            return Ok(());
        };
        if !self.principal.can_see(&conv) {
            if known.is_some() || left {
                self.cursors.remove(&id);
                self.send(&ServerFrame::Conversation { conversation: conv })
                    .await
                    .map_err(closed)?;
            }
            return Ok(());
        }
        let changed = known.is_none()
            || pending
                .iter()
                .any(|e| !matches!(e.event, Event::Message { .. }));
        let visitor = matches!(self.principal, Principal::Visitor { .. });
        if visitor && (changed || !pending.is_empty()) {
            self.tell_promise(&conv, false).await?;
        }
        if changed {
            self.send(&ServerFrame::Conversation { conversation: conv })
                .await
                .map_err(closed)?;
        }
        for entry in pending {
            let seq = entry.seq;
            let entry = if visitor { entry.for_visitor() } else { entry };
            self.send(&ServerFrame::Entry {
                conversation: id,
                entry,
            })
            .await
            .map_err(closed)?;
            metrics::counter!("ebb_ws_entries_sent_total").increment(1);
            self.cursors.insert(id, seq);
        }
        self.cursors.entry(id).or_insert(cursor);
        Ok(())
    }

    /// Tells a visitor the snooze promise on `conv` (or that none stands any more) when it
    /// changed since they were last told, or anyway when `always`.
    async fn tell_promise(&mut self, conv: &Conversation, always: bool) -> Result<(), ApiError> {
        let mut db = self.state.store.conn().await?;
        let promise = crate::promise::for_visitor(&mut db, conv, self.state.clock.now()).await?;
        drop(db);
        if !always && self.promises.get(&conv.id) == promise.as_ref() {
            return Ok(());
        }
        match &promise {
            Some(p) => self.promises.insert(conv.id, p.clone()),
            None => self.promises.remove(&conv.id),
        };
        let frame = ServerFrame::Promise {
            conversation: conv.id,
            promise,
        };
        self.send(&frame).await.map_err(closed)
    }

    /// After missing hints: catch up every tracked conversation and every one the
    /// principal now has.
    async fn resync(&mut self) -> Result<(), Closed> {
        let mut ids: Vec<ConversationId> = self.cursors.keys().copied().collect();
        let brand = self.principal.brand_id();
        let mine = match self.state.store.conn().await {
            Ok(mut conn) => match &self.principal {
                Principal::Visitor { visitor, .. } => {
                    conversations::for_visitor(&mut conn, brand, *visitor).await
                }
                Principal::Expert(e) => conversations::for_expert(&mut conn, brand, e.id).await,
                Principal::Admin(_) => Ok(Vec::new()),
            },
            Err(err) => Err(err),
        };
        ids.extend(mine.unwrap_or_default().into_iter().map(|c| c.id));
        ids.sort();
        ids.dedup();
        for id in ids {
            if let Err(err) = self.catch_up(id, false).await {
                self.send_error(&err).await?;
            }
        }
        Ok(())
    }

    async fn on_signal(&mut self, signal: &Signal) -> Result<(), Closed> {
        let frame = match signal {
            Signal::Presence {
                brand,
                visitor,
                online,
            } => match self.presence_frame(*brand, *visitor, *online).await {
                Some(frame) => frame,
                None => return Ok(()),
            },
            Signal::Typing { at, from, typing } => {
                let own_side = *from == self.principal.side()
                    && !matches!(self.principal, Principal::Admin(_));
                if own_side || !self.concerns_now(at) {
                    return Ok(());
                }
                ServerFrame::Typing {
                    conversation: at.conversation,
                    from: *from,
                    typing: *typing,
                }
            }
            Signal::Read { at, by, seq } => {
                if !self.concerns_now(at) {
                    return Ok(());
                }
                ServerFrame::Read {
                    conversation: at.conversation,
                    by: *by,
                    seq: *seq,
                }
            }
        };
        self.send(&frame).await
    }

    /// Like [`Self::concerns`], but only for the conversation's current owner.
    fn concerns_now(&self, at: &Hint) -> bool {
        match &self.principal {
            Principal::Expert(e) => at.brand == e.brand_id && at.owner == Some(e.id),
            _ => self.concerns(at),
        }
    }

    /// The `presence` frame this connection gets for `visitor`, if it sees them: an admin
    /// the whole brand, an expert the visitors of their conversations, with the playbook's
    /// suggestions for those conversations decided with this `online`.
    async fn presence_frame(
        &mut self,
        brand: ebb_core::BrandId,
        visitor: ebb_core::VisitorId,
        online: bool,
    ) -> Option<ServerFrame> {
        if brand != self.principal.brand_id() {
            return None;
        }
        let suggestions = match &self.principal {
            Principal::Visitor { .. } => return None,
            Principal::Admin(_) => None,
            Principal::Expert(e) => {
                suggestions::with_visitor(&self.state, brand, e.id, visitor, online).await?
            }
        };
        Some(ServerFrame::Presence {
            visitor,
            online,
            suggestions,
        })
    }
}

/// Whether a read failed because the client's message or frame is over the size limit.
fn too_big(err: &axum::Error) -> bool {
    std::error::Error::source(err)
        .and_then(|inner| inner.downcast_ref::<tungstenite::Error>())
        .is_some_and(|inner| {
            matches!(
                inner,
                tungstenite::Error::Capacity(
                    tungstenite::error::CapacityError::MessageTooLong { .. }
                )
            )
        })
}

/// The socket is gone; no error frame will reach anyone.
fn closed(_: Closed) -> ApiError {
    ApiError::Unavailable
}

/// True when the session behind a connection ended since it opened: logged out, revoked,
/// expired, or its expert disabled (checked at each heartbeat, so the holder stops
/// receiving within one interval). Visitor connections have no session.
async fn revoked(state: &AppState, session: Option<&[u8]>) -> bool {
    let Some(hash) = session else {
        return false;
    };
    match state.store.conn().await {
        Ok(mut conn) => ebb_store::sessions::holder(&mut conn, hash, state.clock.now())
            .await
            .is_ok_and(|holder| holder.is_none()),
        Err(_) => false,
    }
}

/// Routes the visitor's brand again in the background now that they are online (see
/// [`crate::desk::visitor_online`]); a failure is only logged, routing runs again on the
/// next change.
fn route_on_return(state: &AppState, brand: ebb_core::BrandId, visitor: ebb_core::VisitorId) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(err) = crate::desk::visitor_online(&state, brand, visitor).await {
            tracing::warn!(error = %err, "routing after a visitor came online failed");
        }
    });
}
