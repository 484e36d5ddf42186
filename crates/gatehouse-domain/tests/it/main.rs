//! Integration tests of the core. Every test runs twice: on a temp SQLite file and
//! on a fresh database of the real PostgreSQL (GATEHOUSE_TEST_POSTGRES_URL,
//! default postgres://postgres@127.0.0.1:5432/postgres).

mod helpers;

mod access_tokens;
mod accounts;
mod api_tokens;
mod authorization;
mod identity;
mod migrations;
mod settings;
mod setup;
mod sign_in;
mod users;
