//! Store stories, each run on a temporary SQLite file and, when `EBB_TEST_POSTGRES` or
//! `CI` is set, on a fresh PostgreSQL schema.

mod api_keys;
mod brand_secrets;
mod brands;
mod clock_offset;
mod commerce;
mod conversations;
mod csat;
mod events;
mod experts;
mod helpers;
mod identities;
mod jobs;
mod ledger;
mod migrations;
mod missions;
mod privacy;
mod purchases;
mod queue;
mod reads;
mod reports;
mod return_snoozes;
mod rules;
mod saved_replies;
mod search;
mod search_backfill;
mod search_pages;
mod sessions;
mod snooze_budget;
mod stale;
mod tags;
mod visitor_context;
mod visitors;
mod webhook_endpoints;
mod widget_texts;
