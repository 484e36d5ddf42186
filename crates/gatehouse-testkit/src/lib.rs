//! What the test suites of every Gatehouse crate share.
//!
//! - [`postgres_url`]: the PostgreSQL server the tests create their databases on
//!   (`GATEHOUSE_TEST_POSTGRES_URL`, else a throwaway cluster this process starts).
//! - [`TestDb`]: one test's database, a temp SQLite file or a fresh PostgreSQL
//!   database, dropped with the test; its URL and config, and direct SQL on it
//!   ([`count`](TestDb::count), [`execute`](TestDb::execute), [`texts`](TestDb::texts),
//!   [`snapshot`](TestDb::snapshot)).
//! - [`on_both`]: one test body, run on both databases.
//!
//! ```ignore
//! use gatehouse_testkit::{on_both, TestDb};
//!
//! #[on_both]
//! async fn a_fresh_database_has_no_users(db: TestDb) {
//!     // ... connect the code under test with db.config() ...
//! }
//! ```
//!
//! The suites build their own environments on these (the core's `Env`, the server's
//! `App`) and keep the data they set up with (admins, passwords) to themselves.

mod db;
mod postgres;

pub use db::{FromTestDb, TestDb, SNAPSHOT_TABLES};
pub use postgres::{postgres_database_url, postgres_url, POSTGRES_URL_VAR};

/// Runs an `async fn` test on a temp SQLite file and on a fresh PostgreSQL database.
///
/// ```ignore
/// #[on_both]
/// async fn a_user_without_roles_is_a_viewer(env: Env) { … }
/// ```
///
/// becomes a module of the test's name holding the body and two tests,
/// `a_user_without_roles_is_a_viewer::on_sqlite` and `…::on_postgres`, each on a
/// multi-threaded Tokio runtime with two workers. The argument's type decides what the
/// body gets: anything that implements [`FromTestDb`] (a [`TestDb`], or a suite's
/// environment on it). The module sees what the test's file sees (`use super::*`);
/// doc comments describe the module, `#[ignore]` and `#[should_panic]` go on both tests.
pub use gatehouse_testkit_macros::on_both;

#[doc(hidden)]
pub mod __private {
    pub use tokio;
}
