//! Every store trait implemented for a transaction on `Db`, the database that the
//! including module names (see `super`: this directory is compiled once for SQLite and
//! once for PostgreSQL). The statements' text lives beside each trait; this code binds
//! their parameters and reads their results, the same way on both databases.

use super::Db;

mod accounts;
mod api_tokens;
mod audit;
mod data_steps;
mod idempotency;
mod instance;
mod second_factor;
mod signing_keys;
mod throttles;
mod users;
