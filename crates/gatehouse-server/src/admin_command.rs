//! `gatehouse admin`: recovery on the machine that holds the database, for when no
//! admin can sign in any more (the last admin locked out, or her password forgotten).
//!
//! Each command opens the database itself, so it needs what the database needs: the
//! SQLite file (which it never creates: a wrong path is an error, not a new empty
//! instance) or the PostgreSQL URL with its password. Without that access it stops
//! with a message and exit code 1. The changes are the core's
//! (`Gatehouse::recover_unlock`, `Gatehouse::recover_reset_password`): audited with the
//! command line as their source, a new password checked against the instance's policy.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use gatehouse_domain::{DatabaseConfig, Error, Gatehouse, SecretString};
use secrecy::ExposeSecret;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Lift a user's sign-in lock: the username-wide lock, every source's wait and the
    /// failure counts. Audited, with the command line as its source.
    Unlock(UnlockArgs),
    /// Give a user a new password, read from standard input (one line) or asked for
    /// twice without echo on a terminal. It must pass the instance's password policy
    /// and be changed at the next sign-in; the user's sessions end and the sign-in lock
    /// is lifted. Audited, with the command line as its source.
    ResetPassword(ResetPasswordArgs),
}

/// Where the database is: the same sources as `gatehouse serve`, but no default, so a
/// command never works on a database nobody named.
#[derive(Args)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` or `postgres://USER@HOST:PORT/DB`. A URL with a password belongs
    /// in the environment (GATEHOUSE_DATABASE_URL) or in a file (--database-url-file),
    /// not on the command line, where every user of the machine can read it.
    #[arg(
        long,
        env = "GATEHOUSE_DATABASE_URL",
        hide_env_values = true,
        conflicts_with = "database_url_file",
        required_unless_present = "database_url_file"
    )]
    database_url: Option<String>,
    /// A file holding the database URL (one line, mode 0600).
    #[arg(long, env = "GATEHOUSE_DATABASE_URL_FILE")]
    database_url_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct UnlockArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// The user's username or email (in any case or width, as sign-in takes it).
    username: String,
}

#[derive(Args)]
pub struct ResetPasswordArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Also revoke the user's live API tokens (after a stolen password; a forgotten one
    /// leaves them).
    #[arg(long)]
    revoke_api_tokens: bool,
    /// The user's username or email (in any case or width, as sign-in takes it).
    username: String,
}

/// Runs the command; what it did goes to stdout, why it failed to stderr.
pub async fn run(command: AdminCommand) -> ExitCode {
    match execute(command).await {
        Ok(done) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("gatehouse admin: {why}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(command: AdminCommand) -> Result<String, String> {
    match command {
        AdminCommand::Unlock(args) => {
            let core = open(&args.database).await?;
            let result = core.recover_unlock(&args.username).await;
            core.close().await;
            let user = result.map_err(|error| explain(error, &args.username))?;
            Ok(format!(
                "Unlocked {}: the sign-in lock, every source's wait and the failure count are gone (audited as a command-line change).",
                user.username
            ))
        }
        AdminCommand::ResetPassword(args) => {
            // The database first: no password is asked for a database that cannot be opened.
            let core = open(&args.database).await?;
            let result = match read_new_password(&args.username) {
                Ok(password) => {
                    core.recover_reset_password(&args.username, password, args.revoke_api_tokens)
                        .await
                }
                Err(why) => {
                    core.close().await;
                    return Err(why);
                }
            };
            core.close().await;
            let reset = result.map_err(|error| explain(error, &args.username))?;
            let mut done = format!(
                "Reset the password of {}: it must be changed at the next sign-in; every session of theirs has ended and the sign-in lock is lifted (audited as a command-line change).",
                reset.user.username
            );
            if args.revoke_api_tokens {
                done.push_str(&format!(
                    "\nRevoked {} API token(s).",
                    reset.revoked_api_tokens
                ));
            }
            if !reset.user.is_active {
                done.push_str(&format!(
                    "\nNote: {} is {}, so cannot sign in until an admin reactivates them.",
                    reset.user.username,
                    reset.user.status.as_str()
                ));
            }
            Ok(done)
        }
    }
}

/// The core on the named database, or why it cannot be opened.
pub async fn open(args: &DatabaseArgs) -> Result<Gatehouse, String> {
    let url = match (&args.database_url_file, &args.database_url) {
        (Some(file), _) => gatehouse_server::database_url::read_url_file(file)
            .map_err(|error| error.to_string())?,
        (None, Some(url)) => url.clone(),
        // clap requires one of them.
        (None, None) => return Err("give --database-url or --database-url-file".to_owned()),
    };
    let config = DatabaseConfig::from_url(&url)
        .map_err(|_| "the database URL is not a sqlite:// or postgres:// URL".to_owned())?;
    if let DatabaseConfig::Sqlite { path, .. } = &config {
        // Opening would create an empty database: a typo must not look like success.
        let metadata = std::fs::metadata(path)
            .map_err(|error| format!("cannot open the database {}: {error}", path.display()))?;
        if !metadata.is_file() {
            return Err(format!(
                "cannot open the database {}: not a file",
                path.display()
            ));
        }
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|error| format!("cannot open the database {}: {error}", path.display()))?;
    }
    gatehouse_server::connect(&config)
        .await
        .map_err(|error| format!("cannot open the database: {}", cause(&error)))
}

/// The most telling message of a connect error: the core's `Internal` hides its cause
/// behind "the details are in the log", and this command has no log.
fn cause(error: &anyhow::Error) -> String {
    match error.downcast_ref::<Error>() {
        Some(Error::Internal(source)) => source.to_string(),
        _ => error.to_string(),
    }
}

/// A core error as a sentence for the person at the terminal.
fn explain(error: Error, login: &str) -> String {
    match error {
        Error::NotFound(_) => format!("there is no user {login:?} (give a username or an email)"),
        Error::NotInitialized => {
            "this database holds no Gatehouse instance yet (run the setup first)".to_owned()
        }
        Error::Validation(fields) => {
            let reasons: Vec<String> = fields.into_iter().map(|field| field.message).collect();
            format!("the password was not changed:\n  {}", reasons.join("\n  "))
        }
        Error::Internal(source) => source.to_string(),
        other => other.to_string(),
    }
}

/// The new password: asked for twice without echo on a terminal, else the first line
/// of standard input (without its line ending).
fn read_new_password(login: &str) -> Result<SecretString, String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("New password for {login}: "))
            .map_err(|error| format!("cannot read the password: {error}"))?;
        let again = rpassword::prompt_password("The same again: ")
            .map_err(|error| format!("cannot read the password: {error}"))?;
        if first != again {
            return Err("the two passwords differ; nothing was changed".to_owned());
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|error| format!("cannot read the password from standard input: {error}"))?;
        let without_ending = line
            .strip_suffix('\n')
            .map(|rest| rest.strip_suffix('\r').unwrap_or(rest))
            .unwrap_or(&line)
            .to_owned();
        line.clear();
        without_ending
    };
    let password = SecretString::from(password);
    if password.expose_secret().is_empty() {
        return Err(
            "no password given (on standard input or at the prompt); nothing was changed"
                .to_owned(),
        );
    }
    Ok(password)
}
