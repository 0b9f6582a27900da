//! API tests: the real server on a random port, over real HTTP, on SQLite and (when
//! `EBB_TEST_POSTGRES` or `CI` is set) PostgreSQL.

mod authorization;
mod helpers;
mod skeleton;
