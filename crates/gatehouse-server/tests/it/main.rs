//! Integration tests of `gatehouse serve`: the real server on an ephemeral loopback
//! port, over a temp SQLite file and over a fresh PostgreSQL database, driven with a
//! real HTTP client. Every test runs on both (`name::on_sqlite`, `name::on_postgres`).

mod helpers;

mod accounts;
mod audit;
mod bad_input;
mod cli;
mod cluster;
mod contract;
mod database_down;
mod defences;
mod load;
mod operations;
mod password_policy;
mod second_factor;
mod seed_flow;
mod servers;
mod sessions;
mod setup;
mod table;
mod tls;
mod tokens;
mod user_edits;
mod users;
