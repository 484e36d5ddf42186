//! Integration tests of the core. Every test runs twice: on a temp SQLite file and
//! on a fresh database of a real PostgreSQL (GATEHOUSE_TEST_POSTGRES_URL, else a
//! throwaway cluster this process starts: see gatehouse-testkit).

mod helpers;

mod access_tokens;
mod accounts;
mod api_tokens;
mod audit;
mod authorization;
mod editing_users;
mod identity;
mod managing_accounts;
mod migrations;
mod search;
mod second_factor;
mod settings;
mod setup;
mod sign_in;
mod sign_in_throttle;
mod storage_faults;
mod users;
