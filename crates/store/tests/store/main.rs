//! Store stories, each run on a temporary SQLite file and, when `EBB_TEST_POSTGRES` or
//! `CI` is set, on a fresh PostgreSQL schema.

mod conversations;
mod helpers;
mod identities;
mod jobs;
mod migrations;
mod queue;
mod sessions;
