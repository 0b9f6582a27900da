//! API tests: the real server on a random port, over real HTTP, on SQLite and (when
//! `EBB_TEST_POSTGRES` or `CI` is set) PostgreSQL.

mod accounts;
mod admin;
mod authorization;
mod availability;
mod bad_input;
mod conflicts;
mod connections;
mod contract;
mod csat;
mod earnings;
mod headers;
mod heartbeat;
mod helpers;
mod limits;
mod live;
mod metrics;
mod notes;
mod openapi_doc;
mod origins;
mod pagination;
mod presence;
mod privacy;
mod race;
mod reports;
mod requests;
mod routing;
mod skeleton;
mod snapshots;
mod snooze;
mod snooze_budget;
mod tags;
mod transfer;
mod webhooks;
mod ws_client;
mod ws_frames;
