//! Where ids are made: fresh, time-ordered UUIDv7 values, turned into core's typed ids.
//! Core makes none (it has no clock nor randomness), so servers and stores ask here.

use uuid::Uuid;

/// A fresh time-ordered (UUIDv7) id of any kind, e.g. `let id: ConversationId = new_id();`.
pub fn new_id<T: From<Uuid>>() -> T {
    T::from(new_uuid())
}

/// A fresh time-ordered (UUIDv7) UUID, for rows without a typed id (jobs, deliveries).
#[expect(
    clippy::disallowed_methods,
    reason = "the one place the store makes ids"
)]
pub fn new_uuid() -> Uuid {
    Uuid::now_v7()
}
