//! `gatehouse audit verify`: the audit trail's hash chain walked from the command line,
//! on the database named as for `gatehouse admin` (no default: a command never works on
//! a database nobody named).

use std::process::ExitCode;

use clap::Subcommand;
use gatehouse_domain::BrokenLink;

use crate::admin_command::{open, DatabaseArgs};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the audit trail's hash chain: exit 0 when every event verifies, 1 naming
    /// the first broken link (an edited, deleted or inserted event), 2 when the
    /// database cannot be read.
    Verify(DatabaseArgs),
}

pub async fn run(command: AuditCommand) -> ExitCode {
    let AuditCommand::Verify(database) = command;
    let verification = match open(&database).await {
        Ok(gatehouse) => gatehouse.audit_trail_verification().await,
        Err(why) => {
            eprintln!("gatehouse: {why}");
            return ExitCode::from(2);
        }
    };
    let verification = match verification {
        Ok(verification) => verification,
        Err(error) => {
            eprintln!("gatehouse: cannot read the audit trail: {error}");
            return ExitCode::from(2);
        }
    };
    match verification.broken_at {
        None => {
            println!(
                "audit trail intact: {} events verify (head {} {})",
                verification.verified, verification.head_seq, verification.head_hash
            );
            ExitCode::SUCCESS
        }
        Some(BrokenLink { seq, reason, event }) => {
            let place = seq.map_or("an event without a place".to_owned(), |s| {
                format!("event {s}")
            });
            let what = event.map_or(" (no event there)".to_owned(), |e| {
                format!(" (id {}, {}, at {})", e.id, e.action, e.at.to_rfc3339())
            });
            let reason = serde_json::to_value(reason)
                .ok()
                .and_then(|r| r.as_str().map(str::to_owned))
                .unwrap_or_default();
            println!(
                "audit trail broken at {place}{what}: {reason}; {} events before it verify",
                verification.verified
            );
            ExitCode::from(1)
        }
    }
}
