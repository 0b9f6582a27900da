//! Ebb's persistence through sqlx: embedded SQLite (WAL, group-committed fsyncs) by default,
//! PostgreSQL for production. One module per noun; rows are converted into core types.
//! Every query is scoped by `brand_id`.

#[macro_use]
mod db;
#[macro_use]
mod accounts;
pub mod admins;
pub mod api_keys;
pub mod brand_secrets;
pub mod brands;
pub mod clock_offset;
pub mod conversations;
pub mod csat;
mod error;
pub mod events;
pub mod experts;
pub mod identity;
pub mod ids;
pub mod jobs;
pub mod ledger;
pub mod listing;
pub mod login_failures;
pub mod mail;
pub mod missions;
pub mod notes;
pub mod office_hours;
pub mod outbox;
pub mod page;
pub mod password_tokens;
pub mod plans;
pub mod privacy;
pub mod profiles;
pub mod purchases;
pub mod queue;
pub mod reads;
pub mod reports;
mod rows;
pub mod saved_replies;
pub mod search;
pub mod sessions;
pub mod stale;
pub mod tags;
#[cfg(feature = "testing")]
pub mod testing;
mod timefmt;
pub mod visitor_context;
pub mod visitors;
pub mod webhook_endpoints;
pub mod widget_texts;

pub use db::{Backend, Conn, ConnRef, Handle, Store, Tx, redact_url};
pub use error::{StoreError, Unique};

/// Result type of every store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
