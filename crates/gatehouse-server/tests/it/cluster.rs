//! A throwaway PostgreSQL cluster a test owns: initdb into a temp dir, a free port
//! on 127.0.0.1, a socket dir of its own, trust authentication for `postgres`. The
//! test may stop and start it; dropping it stops the server and removes the dir.
//! The system PostgreSQL and its configuration are never touched.
//!
//! initdb refuses to run as root: as root, the cluster runs as the `postgres` user.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TestCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl TestCluster {
    /// Creates and starts a cluster (a few seconds).
    pub fn start() -> TestCluster {
        let bin = postgres_bin();
        let dir = tempfile::tempdir().expect("temp dir");
        if is_root() {
            run(Command::new("chown").arg("postgres:").arg(dir.path()));
        }
        let port = free_port();
        let cluster = TestCluster { dir, bin, port };
        cluster.as_owner(&cluster.bin.join("initdb"), |c| {
            c.arg("-D")
                .arg(cluster.data())
                .args(["-A", "trust", "-U", "postgres", "--no-sync"]);
        });
        cluster.resume();
        cluster
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server at once, as a crash or a pulled cable would.
    pub fn stop(&self) {
        self.as_owner(&self.bin.join("pg_ctl"), |c| {
            c.arg("-D")
                .arg(self.data())
                .args(["-m", "immediate", "-w", "stop"]);
        });
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn resume(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        self.as_owner(&self.bin.join("pg_ctl"), |c| {
            c.arg("-D")
                .arg(self.data())
                .arg("-l")
                .arg(self.dir.path().join("server.log"))
                .arg("-o")
                .arg(&options)
                .args(["-w", "start"]);
        });
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs a PostgreSQL program as the cluster's owner and fails the test if it fails.
    fn as_owner(&self, program: &Path, args: impl FnOnce(&mut Command)) {
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        args(&mut command);
        run(&mut command);
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        let pg_ctl = self.bin.join("pg_ctl");
        let data = self.data();
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
            c
        } else {
            Command::new(&pg_ctl)
        };
        // Best effort: it may be stopped already. The temp dir goes with `dir`.
        let _ = command
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The newest installed PostgreSQL's programs (Debian keeps them out of PATH), or
/// the ones on PATH (`pg_config --bindir`).
fn postgres_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().map(|d| d.path().join("bin")).collect())
        .unwrap_or_default();
    versions.retain(|bin| bin.join("initdb").exists());
    versions.sort_by_key(|bin| {
        bin.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(bin) = versions.pop() {
        return bin;
    }
    let output = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .expect("PostgreSQL's programs (initdb, pg_ctl): install postgresql");
    PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
