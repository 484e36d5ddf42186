//! Storage failures that mean "try again later" rather than "a defect".
//!
//! A database that does not answer (PostgreSQL down, restarting, refusing
//! connections), a SQLite write lock held past the lock wait, and a full disk are
//! conditions of the machine, not of the request: the request changed nothing and
//! may succeed later, so the core answers [`Error::Unavailable`](crate::Error) with a
//! retry delay instead of an internal error. Everything else stays internal.
//! The delays are explained in docs/decisions/0006-storage-faults.md.

use sqlx::error::DatabaseError;
use sqlx::postgres::PgDatabaseError;
use sqlx::sqlite::SqliteError;

/// A storage failure the caller may retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Another connection holds the SQLite write lock past our lock wait.
    Busy,
    /// The database cannot be reached, or is starting up or shutting down.
    Unreachable,
    /// The disk (or the database's size cap) is full.
    Full,
}

/// SQLite's primary result codes (the low byte of an extended code).
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_FULL: i32 = 13;

impl Fault {
    /// The fault `error` stands for, if it is one.
    pub(crate) fn of(error: &sqlx::Error) -> Option<Fault> {
        match error {
            // The pool found no live connection within its acquire timeout: with a
            // database that refuses or drops connections, this is what callers see.
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => Some(Fault::Unreachable),
            sqlx::Error::Database(db) => {
                if let Some(sqlite) = db.try_downcast_ref::<SqliteError>() {
                    let code: i32 = sqlite.code()?.parse().ok()?;
                    match code & 0xff {
                        SQLITE_BUSY | SQLITE_LOCKED => Some(Fault::Busy),
                        SQLITE_FULL => Some(Fault::Full),
                        _ => None,
                    }
                } else if let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() {
                    Self::of_sqlstate(pg.code())
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// PostgreSQL's SQLSTATEs for a server that is going away, not yet up, full or
    /// out of connection slots (appendix A of its manual).
    fn of_sqlstate(code: &str) -> Option<Fault> {
        match code {
            // 08xxx connection exceptions; 57P01 admin shutdown, 57P02 crash shutdown,
            // 57P03 cannot connect now (starting up); 53300 too many connections.
            _ if code.starts_with("08") => Some(Fault::Unreachable),
            "57P01" | "57P02" | "57P03" | "53300" => Some(Fault::Unreachable),
            // 53100 disk full.
            "53100" => Some(Fault::Full),
            _ => None,
        }
    }

    /// Seconds a client should wait before trying again.
    pub(crate) fn retry_after_secs(self) -> u32 {
        match self {
            // A write lock is held for one transaction at a time: soon free.
            Fault::Busy => 1,
            // A restart or fail-over takes seconds.
            Fault::Unreachable => 5,
            // Someone has to free space: no point in retrying at once.
            Fault::Full => 60,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_timeout_and_a_refused_connection_mean_the_database_is_unreachable() {
        assert_eq!(
            Fault::of(&sqlx::Error::PoolTimedOut),
            Some(Fault::Unreachable)
        );
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(
            Fault::of(&sqlx::Error::Io(refused)),
            Some(Fault::Unreachable)
        );
    }

    #[test]
    fn postgres_shutting_down_or_full_is_a_fault_and_a_constraint_is_not() {
        assert_eq!(Fault::of_sqlstate("57P01"), Some(Fault::Unreachable));
        assert_eq!(Fault::of_sqlstate("08006"), Some(Fault::Unreachable));
        assert_eq!(Fault::of_sqlstate("53100"), Some(Fault::Full));
        assert_eq!(Fault::of_sqlstate("23505"), None);
    }

    #[test]
    fn a_row_that_is_missing_is_no_fault() {
        assert_eq!(Fault::of(&sqlx::Error::RowNotFound), None);
    }
}
