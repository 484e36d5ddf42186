//! The PostgreSQL server the tests create their databases on: `GATEHOUSE_TEST_POSTGRES_URL`
//! when set (scripts/test sets it); otherwise this test process starts a throwaway
//! cluster of its own with `scripts/throwaway-postgres` (initdb into a temp dir, a free
//! loopback port) and a watchdog removes it once the process has exited. No system
//! service is touched either way.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The variable that points the tests at a PostgreSQL server.
pub const POSTGRES_URL_VAR: &str = "GATEHOUSE_TEST_POSTGRES_URL";

/// The URL of a PostgreSQL server (its `postgres` database) whose user may create
/// databases. Starts a throwaway cluster on first use when the variable is not set.
pub fn postgres_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => url,
        _ => throwaway_cluster(),
    })
    .clone()
}

/// The same URL with another database name.
pub fn postgres_database_url(database: &str) -> String {
    let url = postgres_url();
    let (server, _) = url.rsplit_once('/').expect("a URL with a database");
    format!("{server}/{database}")
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/throwaway-postgres")
}

fn throwaway_cluster() -> String {
    let dir = std::env::temp_dir().join(format!(
        "gatehouse-test-pg-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    ));
    let output = Command::new(script())
        .arg("start")
        .arg(&dir)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", script().display()));
    assert!(
        output.status.success(),
        "no throwaway PostgreSQL cluster (set {POSTGRES_URL_VAR} to use a server instead)"
    );
    // Removed once this process is gone: a test binary has no hook at exit, so a
    // detached watchdog polls for it.
    let _ = Command::new("setsid")
        .args([
            "bash",
            "-c",
            r#"while kill -0 "$0" 2>/dev/null; do sleep 1; done; exec "$1" stop "$2""#,
        ])
        .arg(std::process::id().to_string())
        .arg(script())
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    String::from_utf8(output.stdout)
        .expect("a UTF-8 URL")
        .trim()
        .to_owned()
}
