//! Gatehouse desktop: the Tauri shell over the domain core.
//!
//! The commands ([`commands`]) are thin adapters; the state they share is the
//! [`shell::Shell`]. Secrets stay in Rust: the session's access token in memory,
//! remote passwords and signing keys in the OS keychain, copied secrets on the
//! clipboard only until they are cleared.

pub mod clipboard;
pub mod commands;
pub mod files;
pub mod shell;
pub mod types;
pub mod window;

use std::sync::Arc;

use tauri::Manager;

use crate::clipboard::{ClipboardGuard, SystemClipboard};
use crate::files::AppDirs;
use crate::shell::Shell;

/// Logs to stderr; `RUST_LOG` overrides the default level.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// How long the start waits for the last connection to open again.
const REOPEN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

pub fn run() {
    init_tracing();
    let app = tauri::Builder::default()
        .setup(|app| {
            let paths = app.path();
            let dirs = AppDirs {
                config: paths.app_config_dir()?,
                data: paths.app_data_dir()?,
            };
            tracing::info!(config = %dirs.config.display(), data = %dirs.data.display(), "starting");
            if let Err(error) = dirs.make_private() {
                tracing::warn!(%error, "could not make the app's dirs private");
            }
            let secrets = Arc::new(gatehouse_keychain::Keychain::default());
            let shell = Shell::new(dirs, secrets, ClipboardGuard::new(SystemClipboard::new()));
            // `GATEHOUSE_DATABASE=local` (scripts/dev) opens the local database at start,
            // before the window asks for the state; otherwise the connection made last
            // is opened again (the window then starts on its sign-in), for at most a few
            // seconds, after which the connect screen shows.
            if std::env::var("GATEHOUSE_DATABASE").as_deref() == Ok("local") {
                if let Err(problem) = tauri::async_runtime::block_on(shell.open_local()) {
                    tracing::warn!(detail = %problem.detail, "could not open the local database");
                }
            } else {
                let reopened = tauri::async_runtime::block_on(async {
                    tokio::time::timeout(REOPEN_WAIT, shell.reopen_last()).await
                });
                match reopened {
                    Ok(Ok(())) => {}
                    Ok(Err(problem)) => {
                        tracing::warn!(detail = %problem.detail, "could not open the last connection")
                    }
                    Err(_) => tracing::warn!("the last connection did not answer in time"),
                }
            }
            app.manage(shell);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!())
        .expect("error while building the Gatehouse window");

    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            if let Some(shell) = app.try_state::<Shell>() {
                shell.clipboard.clear_ours();
            }
        }
    });
}
