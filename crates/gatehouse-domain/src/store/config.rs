//! Where the data lives: a SQLite file or a PostgreSQL server, and how a PostgreSQL
//! connection is secured.

use std::path::Path;
use std::str::FromStr;

use secrecy::SecretString;
use sqlx::postgres::{PgConnectOptions, PgSslMode};

use super::SqliteLimits;
use crate::error::{Error, Result};

/// Where the data lives.
#[derive(Clone)]
pub enum DatabaseConfig {
    /// A local SQLite file, created if missing (0600).
    Sqlite {
        path: std::path::PathBuf,
        limits: SqliteLimits,
    },
    /// A PostgreSQL server shared by several admins.
    Postgres(PostgresConfig),
    /// A PostgreSQL server given as a URL (which may hold a password, hence secret).
    PostgresUrl(SecretString),
}

/// How PostgreSQL connections are secured.
///
/// The default verifies the server's certificate and host name against the system's
/// roots: `prefer` and `require` can be downgraded or intercepted by anyone on the
/// network path, so they (and `disable`) are only ever an explicit choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    Disable,
    Prefer,
    Require,
    #[default]
    VerifyFull,
}

impl TlsMode {
    pub const ALL: &'static [TlsMode] = &[
        TlsMode::VerifyFull,
        TlsMode::Require,
        TlsMode::Prefer,
        TlsMode::Disable,
    ];

    /// Whether this mode lets an attacker on the network path read or change the
    /// traffic (everything but `verify-full`).
    pub fn is_interceptable(self) -> bool {
        self != TlsMode::VerifyFull
    }
}

/// Connect options from a PostgreSQL URL. A URL that names no `sslmode` gets
/// `verify-full` (sqlx, like libpq, would otherwise `prefer`, which a man in the middle
/// downgrades), except for loopback hosts and Unix sockets, which never leave the machine.
pub(super) fn postgres_url_options(
    url: &str,
) -> std::result::Result<PgConnectOptions, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    let names_mode = url
        .split_once('?')
        .is_some_and(|(_, query)| query.split('&').any(|pair| pair.starts_with("sslmode=")));
    let host = options.get_host();
    let local = host.starts_with('/')
        || host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    Ok(if names_mode || local {
        options
    } else {
        options.ssl_mode(PgSslMode::VerifyFull)
    })
}

#[derive(Clone)]
pub struct PostgresConfig {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub username: String,
    pub password: Option<SecretString>,
    pub tls: TlsMode,
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseConfig::Sqlite { path, limits } => f
                .debug_struct("Sqlite")
                .field("path", path)
                .field("limits", limits)
                .finish(),
            DatabaseConfig::Postgres(pg) => pg.fmt(f),
            DatabaseConfig::PostgresUrl(_) => f.write_str("PostgresUrl([REDACTED])"),
        }
    }
}

impl std::fmt::Debug for PostgresConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field("tls", &self.tls)
            .finish()
    }
}

impl DatabaseConfig {
    pub fn sqlite(path: impl AsRef<Path>) -> Self {
        Self::sqlite_with_limits(path, SqliteLimits::default())
    }

    /// A SQLite file with a lock wait or size cap of its own (tests use short ones).
    pub fn sqlite_with_limits(path: impl AsRef<Path>, limits: SqliteLimits) -> Self {
        DatabaseConfig::Sqlite {
            path: path.as_ref().to_owned(),
            limits,
        }
    }

    /// Parses `sqlite://PATH` or `postgres://user:pass@host:port/db?sslmode=...`.
    pub fn from_url(url: &str) -> Result<Self> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            return Ok(DatabaseConfig::sqlite(path));
        }
        postgres_url_options(url).map_err(|_| {
            Error::validation("database_url", "invalid", "Not a valid database URL.")
        })?;
        Ok(DatabaseConfig::PostgresUrl(SecretString::from(
            url.to_owned(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(url: &str) -> PgSslMode {
        postgres_url_options(url).expect("valid URL").get_ssl_mode()
    }

    #[test]
    fn a_remote_url_without_sslmode_verifies_the_server() {
        assert!(matches!(
            mode("postgres://u:p@db.example.com/gh"),
            PgSslMode::VerifyFull
        ));
        assert!(matches!(
            mode("postgres://u@10.0.0.5:5432/gh?application_name=x"),
            PgSslMode::VerifyFull
        ));
    }

    #[test]
    fn an_explicit_sslmode_and_loopback_hosts_are_left_as_they_are() {
        assert!(matches!(
            mode("postgres://u@db.example.com/gh?sslmode=disable"),
            PgSslMode::Disable
        ));
        assert!(matches!(
            mode("postgres://u@127.0.0.1:5432/gh"),
            PgSslMode::Prefer
        ));
        assert!(matches!(
            mode("postgres://u@localhost/gh"),
            PgSslMode::Prefer
        ));
        assert!(matches!(
            mode("postgres://u@[::1]:5432/gh"),
            PgSslMode::Prefer
        ));
    }

    #[test]
    fn only_verify_full_is_safe_from_interception() {
        assert_eq!(TlsMode::default(), TlsMode::VerifyFull);
        assert!(!TlsMode::VerifyFull.is_interceptable());
        for mode in [TlsMode::Disable, TlsMode::Prefer, TlsMode::Require] {
            assert!(mode.is_interceptable());
        }
    }
}
