//! The `ebb_ws_connections` gauge: open WebSocket connections per audience.

use crate::auth::Principal;

/// Counts an open connection in `ebb_ws_connections` until dropped.
pub(crate) struct ConnectionGauge(&'static str);

impl ConnectionGauge {
    /// Counts a connection of `principal`.
    pub(crate) fn open(principal: &Principal) -> Self {
        let audience = audience(principal);
        metrics::gauge!("ebb_ws_connections", "audience" => audience).increment(1.0);
        Self(audience)
    }
}

impl Drop for ConnectionGauge {
    fn drop(&mut self) {
        metrics::gauge!("ebb_ws_connections", "audience" => self.0).decrement(1.0);
    }
}

/// The metrics label of a principal.
fn audience(principal: &Principal) -> &'static str {
    match principal {
        Principal::Visitor { .. } => "visitor",
        Principal::Expert(_) => "expert",
        Principal::Admin(_) => "admin",
    }
}
