//! The NATS half of the bus: every hint, signal, lease and clock notice is published on
//! `<prefix>.<kind>` as a JSON envelope naming the sending node, and everything heard on
//! `<prefix>.>` from other nodes is fanned out locally. Publishing never waits: a bounded
//! queue feeds NATS and overflow is dropped (counted), since nothing here is the only copy.
//! When the link comes back, subscribers are told to resync from the database.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::{BUS_CAPACITY, BusStatus, Control, Hint, Lease, LocalBus, Signal};

/// Where to find NATS and which subjects to use.
#[derive(Clone, Debug)]
pub struct NatsOptions {
    /// Server URL(s), e.g. `nats://127.0.0.1:4222` (comma-separated for a cluster).
    pub url: String,
    /// Subject prefix shared by the nodes of one deployment (e.g. `ebb`).
    pub prefix: String,
}

/// Why the bus could not start.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The prefix is not a valid NATS subject prefix.
    #[error("invalid NATS subject prefix {0:?}: use letters, digits, '-', '_' and dots")]
    Prefix(String),
    /// The client could not be created or could not subscribe.
    #[error("NATS: {0}")]
    Nats(String),
}

/// What crosses NATS.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub(super) enum Wire {
    Hint(Hint),
    Signal(Signal),
    Lease(Lease),
    Clock,
}

impl Wire {
    fn subject(&self) -> &'static str {
        match self {
            Self::Hint(_) => "hint",
            Self::Signal(_) => "signal",
            Self::Lease(_) => "lease",
            Self::Clock => "clock",
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    node: uuid::Uuid,
    #[serde(flatten)]
    wire: Wire,
}

/// The bus of a node in a cluster; cheap to clone.
#[derive(Clone, Debug)]
pub struct NatsBus {
    here: LocalBus,
    prefix: Arc<str>,
    outbox: mpsc::Sender<(String, Vec<u8>)>,
    connected: Arc<AtomicBool>,
}

fn valid_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix.split('.').all(|token| {
            !token.is_empty()
                && token
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

impl NatsBus {
    /// Creates the client (connecting in the background and forever reconnecting), then
    /// starts the publishing and listening tasks.
    pub async fn connect(options: NatsOptions) -> Result<Self, BusError> {
        if !valid_prefix(&options.prefix) {
            return Err(BusError::Prefix(options.prefix));
        }
        let here = LocalBus::new();
        let connected = Arc::new(AtomicBool::new(false));
        metrics::gauge!("ebb_bus_connected").set(0.0);
        let (events_here, events_connected) = (here.clone(), connected.clone());
        let client = async_nats::ConnectOptions::new()
            .name(format!("ebb-{}", here.node()))
            .retry_on_initial_connect()
            .max_reconnects(None)
            .connection_timeout(Duration::from_secs(2))
            .reconnect_delay_callback(|attempt| {
                Duration::from_millis(100 * u64::try_from(attempt.min(20)).unwrap_or(20))
            })
            .event_callback(move |event| {
                let (here, connected) = (events_here.clone(), events_connected.clone());
                async move { on_event(&here, &connected, event) }
            })
            .connect(options.url.as_str())
            .await
            .map_err(|e| BusError::Nats(e.to_string()))?;
        let subscriber = client
            .subscribe(format!("{}.>", options.prefix))
            .await
            .map_err(|e| BusError::Nats(e.to_string()))?;
        tokio::spawn(listen(here.clone(), subscriber));
        let (outbox, queue) = mpsc::channel(BUS_CAPACITY);
        tokio::spawn(forward(client, queue));
        Ok(Self {
            here,
            prefix: options.prefix.into(),
            outbox,
            connected,
        })
    }

    /// This node's own subscribers.
    pub fn here(&self) -> &LocalBus {
        &self.here
    }

    /// Connected to NATS right now?
    pub fn status(&self) -> BusStatus {
        if self.connected.load(Ordering::SeqCst) {
            BusStatus::Connected
        } else {
            BusStatus::Disconnected
        }
    }

    /// Queues `wire` for the other nodes; drops it when the queue is full.
    pub(super) fn send(&self, wire: Wire) {
        let subject = format!("{}.{}", self.prefix, wire.subject());
        let envelope = Envelope {
            node: self.here.node(),
            wire,
        };
        let Ok(payload) = serde_json::to_vec(&envelope) else {
            return;
        };
        if self.outbox.try_send((subject, payload)).is_err() {
            metrics::counter!("ebb_bus_dropped_total").increment(1);
        }
    }
}

fn on_event(here: &LocalBus, connected: &AtomicBool, event: async_nats::Event) {
    match event {
        async_nats::Event::Connected => {
            tracing::info!("bus connected to NATS");
            connected.store(true, Ordering::SeqCst);
            metrics::gauge!("ebb_bus_connected").set(1.0);
            here.deliver(Control::Resync);
        }
        async_nats::Event::Disconnected => {
            tracing::warn!("bus lost NATS: serving local clients only until it returns");
            connected.store(false, Ordering::SeqCst);
            metrics::gauge!("ebb_bus_connected").set(0.0);
        }
        other => tracing::debug!(event = %other, "NATS event"),
    }
}

/// Publishes queued messages; while NATS is away the client buffers, then this waits and
/// the queue overflows (dropped, counted).
async fn forward(client: async_nats::Client, mut queue: mpsc::Receiver<(String, Vec<u8>)>) {
    while let Some((subject, payload)) = queue.recv().await {
        match client.publish(subject, payload.into()).await {
            Ok(()) => metrics::counter!("ebb_bus_published_total").increment(1),
            Err(err) => {
                tracing::debug!(error = %err, "bus publish failed");
                metrics::counter!("ebb_bus_dropped_total").increment(1);
            }
        }
    }
}

/// Fans out what other nodes published.
async fn listen(here: LocalBus, mut subscriber: async_nats::Subscriber) {
    while let Some(message) = subscriber.next().await {
        let envelope: Envelope = match serde_json::from_slice(&message.payload) {
            Ok(envelope) => envelope,
            Err(err) => {
                tracing::warn!(error = %err, subject = %message.subject, "unreadable bus message");
                continue;
            }
        };
        if envelope.node == here.node() {
            continue;
        }
        metrics::counter!("ebb_bus_received_total").increment(1);
        match envelope.wire {
            Wire::Hint(hint) => here.deliver(hint),
            Wire::Signal(signal) => here.deliver(signal),
            Wire::Lease(lease) => here.deliver(lease),
            Wire::Clock => here.deliver(Control::ClockMoved),
        }
    }
    tracing::warn!("NATS subscription ended");
}

#[cfg(test)]
mod tests {
    use super::valid_prefix;

    #[test]
    fn prefixes_are_plain_subject_tokens() {
        assert!(valid_prefix("ebb"));
        assert!(valid_prefix("ebb.test-1_a"));
        assert!(!valid_prefix(""));
        assert!(!valid_prefix("ebb."));
        assert!(!valid_prefix("ebb.>"));
        assert!(!valid_prefix("ebb *"));
    }
}
