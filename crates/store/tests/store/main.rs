//! Store stories, each run on a temporary SQLite file and, when `EBB_TEST_POSTGRES` or
//! `CI` is set, on a fresh PostgreSQL schema.

mod conversations;
mod csat;
mod helpers;
mod identities;
mod jobs;
mod ledger;
mod migrations;
mod missions;
mod purchases;
mod rules;
mod snooze_budget;
