//! The graceful-shutdown signal: raised when the server stops accepting connections, so
//! long-lived WebSocket loops (which the HTTP server's graceful shutdown does not wait for)
//! send a "going away" close (1001) and end; shutdown then waits briefly for them.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

/// The close code a WebSocket gets when the server shuts down: 1001 "going away".
/// Clients reconnect (to another node, or this one once it is back) and `resume`.
pub const GOING_AWAY: u16 = 1001;

/// Shared by every handler; cheap to clone.
#[derive(Clone, Debug)]
pub struct Shutdown {
    raised: Arc<watch::Sender<bool>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self {
            raised: Arc::new(watch::channel(false).0),
        }
    }
}

impl Shutdown {
    /// Raises the signal: every listener's [`Listener::raised`] resolves.
    pub fn raise(&self) {
        self.raised.send_replace(true);
    }

    /// A listener for one long-lived loop; shutdown waits for it to be dropped.
    pub fn listen(&self) -> Listener {
        Listener(self.raised.subscribe())
    }

    /// Waits until every listener was dropped, at most `patience`.
    pub async fn drained(&self, patience: Duration) {
        let deadline = tokio::time::Instant::now() + patience;
        while self.raised.receiver_count() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// One loop's view of the signal.
#[derive(Debug)]
pub struct Listener(watch::Receiver<bool>);

impl Listener {
    /// Resolves once shutdown was raised (at once if it already was).
    pub async fn raised(&mut self) {
        // An error means the sender is gone: the server is going away all the same.
        let _ = self.0.wait_for(|raised| *raised).await;
    }
}
