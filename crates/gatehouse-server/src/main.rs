//! The `gatehouse` command: `gatehouse serve` runs the headless HTTP admin API;
//! `gatehouse admin` recovers a locked-out instance on the machine that holds its
//! database (see `admin_command`).

mod admin_command;
mod audit_command;

use std::net::SocketAddr;
use std::path::PathBuf;

use std::time::Duration;

use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use gatehouse_domain::DatabaseConfig;
use secrecy::ExposeSecret;

#[derive(Parser)]
#[command(
    name = "gatehouse",
    version,
    about = "Provision admins, users, accounts and tokens"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP admin API (JSON, OpenAPI document at /openapi.json).
    Serve(ServeArgs),
    /// Recovery on the machine that holds the database: unlock a user, reset a password.
    #[command(subcommand)]
    Admin(admin_command::AdminCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(audit_command::AuditCommand),
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "GATEHOUSE_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// `sqlite://PATH` or `postgres://USER@HOST:PORT/DB` [default: sqlite://gatehouse.db].
    /// A URL with a password belongs in the environment (GATEHOUSE_DATABASE_URL) or in
    /// a file (--database-url-file), not on the command line, where every user of the
    /// machine can read it in the process list.
    #[arg(
        long,
        env = "GATEHOUSE_DATABASE_URL",
        hide_env_values = true,
        conflicts_with = "database_url_file"
    )]
    database_url: Option<String>,
    /// A file holding the database URL (one line; make it readable by the server's
    /// user only, mode 0600). For URLs with a password.
    #[arg(long, env = "GATEHOUSE_DATABASE_URL_FILE")]
    database_url_file: Option<PathBuf>,
    /// Seconds a client has to send a request's headers (also ends idle
    /// keep-alive connections); the connection is closed beyond.
    #[arg(long, env = "GATEHOUSE_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds from a request's headers to its response, body upload included; 503
    /// `unavailable` beyond.
    #[arg(long, env = "GATEHOUSE_REQUEST_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// Log filter, e.g. `info` or `gatehouse_server=debug,info`.
    #[arg(long, env = "RUST_LOG", default_value = "info")]
    log: String,
    /// Log lines as JSON objects or as text.
    #[arg(long, env = "GATEHOUSE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Where the one-time setup code is written (mode 0600) while the instance is
    /// not set up; deleted once setup completes.
    #[arg(
        long,
        env = "GATEHOUSE_SETUP_CODE_FILE",
        default_value = "gatehouse-setup-code.txt"
    )]
    setup_code_file: PathBuf,
    /// Where the server keeps what it must not lose: its signing keys (so sessions
    /// outlive a restart) and a self-signed certificate. Made 0700.
    #[arg(long, env = "GATEHOUSE_DATA_DIR", default_value = ".")]
    data_dir: PathBuf,
    /// The certificate chain to serve TLS with (PEM), with --tls-key.
    #[arg(
        long,
        env = "GATEHOUSE_TLS_CERT",
        requires = "tls_key",
        conflicts_with = "tls_self_signed"
    )]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM), with --tls-cert.
    #[arg(long, env = "GATEHOUSE_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve TLS with a self-signed certificate, generated on first start and kept in
    /// the data dir (tls-cert.pem, tls-key.pem). Its fingerprint is printed at every
    /// start: desktops pin it on first contact.
    #[arg(long, env = "GATEHOUSE_TLS_SELF_SIGNED")]
    tls_self_signed: bool,
    /// A host name the self-signed certificate names besides localhost and the
    /// loopback addresses (repeatable), e.g. the name desktops connect to.
    #[arg(long = "tls-name", env = "GATEHOUSE_TLS_NAMES", value_delimiter = ',')]
    tls_names: Vec<String>,
}

impl ServeArgs {
    fn tls(&self) -> Option<gatehouse_server::tls::TlsSource> {
        use gatehouse_server::tls::TlsSource;
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsSource::Files {
                cert: cert.clone(),
                key: key.clone(),
            }),
            _ if self.tls_self_signed => {
                let mut names = self.tls_names.clone();
                if !self.bind.ip().is_unspecified() {
                    names.push(self.bind.ip().to_string());
                }
                Some(TlsSource::SelfSigned {
                    dir: self.data_dir.clone(),
                    names,
                })
            }
            _ => None,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

fn init_logs(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// The database URL: from the file, the flag or environment, or the default.
fn database_url(args: &ServeArgs) -> anyhow::Result<String> {
    url_from(args.database_url_file.as_ref(), args.database_url.as_ref())
}

fn url_from(file: Option<&PathBuf>, url: Option<&String>) -> anyhow::Result<String> {
    if let Some(file) = file {
        if gatehouse_server::database_url::readable_by_others(file) {
            tracing::warn!(
                file = %file.display(),
                "the database URL file can be read by other users: make it mode 0600"
            );
        }
        return Ok(gatehouse_server::database_url::read_url_file(file)?);
    }
    Ok(url
        .cloned()
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()))
}

const DEFAULT_DATABASE_URL: &str = "sqlite://gatehouse.db";

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    let matches = Cli::command().get_matches();
    let from_command_line = matches
        .subcommand_matches("serve")
        .and_then(|serve| serve.value_source("database_url"))
        == Some(ValueSource::CommandLine);
    let args = match Cli::from_arg_matches(&matches)?.command {
        Command::Serve(args) => args,
        Command::Admin(command) => return Ok(admin_command::run(command).await),
        Command::Audit(command) => return Ok(audit_command::run(command).await),
    };
    init_logs(&args.log, args.log_format);
    let url = database_url(&args)?;
    if from_command_line && gatehouse_server::database_url::has_password(&url) {
        tracing::warn!(
            "--database-url holds a password, which every user of this machine can read in \
             the process list: set GATEHOUSE_DATABASE_URL or use --database-url-file instead"
        );
    }
    let database = DatabaseConfig::from_url(&url)
        .map_err(|_| anyhow::anyhow!("the database URL is not a sqlite:// or postgres:// URL"))?;
    let config = gatehouse_server::Config {
        bind: args.bind,
        database,
        tls: args.tls(),
        data_dir: args.data_dir.clone(),
        setup_code_file: args.setup_code_file,
        serve: gatehouse_server::ServeOptions {
            header_read_timeout: Duration::from_secs(args.header_timeout),
            request_timeout: Duration::from_secs(args.request_timeout),
        },
        limits: gatehouse_server::Limits::default(),
    };
    // The code and the fingerprint go to the console (stdout; the journal under
    // systemd), never into the log stream (stderr).
    let notify = |notice: gatehouse_server::Notice<'_>| match notice {
        gatehouse_server::Notice::SetupCode { code, file } => {
            println!(
                "The instance is not set up yet. One-time setup code (also in {}):",
                file.display()
            );
            println!("setup code: {}", code.expose_secret());
            println!("Send it as the X-Setup-Code header of POST /api/v1/setup.");
        }
        gatehouse_server::Notice::Fingerprint(fingerprint) => {
            println!("TLS certificate fingerprint: {fingerprint}");
        }
    };
    gatehouse_server::run(config, notify, gatehouse_server::shutdown_signal()).await?;
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_args(args: &[&str]) -> ServeArgs {
        let cli = Cli::try_parse_from(["gatehouse", "serve"].iter().chain(args)).expect("parses");
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        args
    }

    #[test]
    fn serve_binds_loopback_and_uses_a_local_sqlite_file_by_default() {
        // Holds only while the environment does not set them (as in CI).
        if std::env::var_os("GATEHOUSE_BIND").is_none() {
            assert_eq!(serve_args(&[]).bind.to_string(), "127.0.0.1:8080");
        }
        if std::env::var_os("GATEHOUSE_DATABASE_URL").is_none()
            && std::env::var_os("GATEHOUSE_DATABASE_URL_FILE").is_none()
        {
            assert_eq!(
                database_url(&serve_args(&[])).unwrap(),
                "sqlite://gatehouse.db"
            );
        }
    }

    #[test]
    fn flags_set_the_address_database_log_and_setup_code_file() {
        let args = serve_args(&[
            "--bind",
            "0.0.0.0:9000",
            "--database-url",
            "postgres://u@h/db",
            "--log",
            "debug",
            "--log-format",
            "json",
            "--setup-code-file",
            "/tmp/code",
        ]);
        assert_eq!(args.bind.to_string(), "0.0.0.0:9000");
        assert_eq!(args.database_url.as_deref(), Some("postgres://u@h/db"));
        assert_eq!(args.log, "debug");
        assert!(matches!(args.log_format, LogFormat::Json));
        assert_eq!(args.setup_code_file, PathBuf::from("/tmp/code"));
    }

    #[test]
    fn a_url_file_and_a_url_on_the_command_line_are_refused_together() {
        assert!(Cli::try_parse_from([
            "gatehouse",
            "serve",
            "--database-url",
            "sqlite://a.db",
            "--database-url-file",
            "/run/secrets/url",
        ])
        .is_err());
    }

    #[test]
    fn the_help_says_where_a_url_with_a_password_belongs() {
        let help = Cli::command()
            .find_subcommand_mut("serve")
            .unwrap()
            .render_long_help()
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(help.contains("--database-url-file"), "{help}");
        assert!(help.contains("not on the command line"), "{help}");
    }

    #[test]
    fn a_bad_address_is_refused() {
        assert!(Cli::try_parse_from(["gatehouse", "serve", "--bind", "nowhere"]).is_err());
    }
}
