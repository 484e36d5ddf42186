//! The `gatehouse` command: `gatehouse serve` runs the headless HTTP admin API.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
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
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "GATEHOUSE_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// `sqlite://PATH` or `postgres://USER[:PASSWORD]@HOST:PORT/DB`.
    #[arg(
        long,
        env = "GATEHOUSE_DATABASE_URL",
        default_value = "sqlite://gatehouse.db",
        hide_env_values = true
    )]
    database_url: String,
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Command::Serve(args) = Cli::parse().command;
    init_logs(&args.log, args.log_format);
    let database = DatabaseConfig::from_url(&args.database_url)
        .map_err(|_| anyhow::anyhow!("--database-url: not a sqlite:// or postgres:// URL"))?;
    let config = gatehouse_server::Config {
        bind: args.bind,
        database,
        setup_code_file: args.setup_code_file,
    };
    // The code goes to the console (stdout), never into the log stream (stderr).
    let show_code = |code: &secrecy::SecretString, file: &std::path::Path| {
        println!(
            "The instance is not set up yet. One-time setup code (also in {}):",
            file.display()
        );
        println!("setup code: {}", code.expose_secret());
        println!("Send it as the X-Setup-Code header of POST /api/v1/setup.");
    };
    gatehouse_server::run(config, show_code, gatehouse_server::shutdown_signal()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_args(args: &[&str]) -> ServeArgs {
        let cli = Cli::try_parse_from(["gatehouse", "serve"].iter().chain(args)).expect("parses");
        let Command::Serve(args) = cli.command;
        args
    }

    #[test]
    fn serve_binds_loopback_and_uses_a_local_sqlite_file_by_default() {
        // Holds only while the environment does not set them (as in CI).
        if std::env::var_os("GATEHOUSE_BIND").is_none() {
            assert_eq!(serve_args(&[]).bind.to_string(), "127.0.0.1:8080");
        }
        if std::env::var_os("GATEHOUSE_DATABASE_URL").is_none() {
            assert_eq!(serve_args(&[]).database_url, "sqlite://gatehouse.db");
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
        assert_eq!(args.database_url, "postgres://u@h/db");
        assert_eq!(args.log, "debug");
        assert!(matches!(args.log_format, LogFormat::Json));
        assert_eq!(args.setup_code_file, PathBuf::from("/tmp/code"));
    }

    #[test]
    fn a_bad_address_is_refused() {
        assert!(Cli::try_parse_from(["gatehouse", "serve", "--bind", "nowhere"]).is_err());
    }
}
