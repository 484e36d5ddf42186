//! The `gatehouse serve` binary's database URL: from a file (`--database-url-file`),
//! so a password never shows in the process list, and a warning when a password is
//! given on the command line anyway.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command, Stdio};

use crate::helpers::*;

fn gatehouse() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    command
        .env_remove("GATEHOUSE_DATABASE_URL")
        .env_remove("GATEHOUSE_DATABASE_URL_FILE")
        // Its keys in a folder of its own, not in the working directory.
        .env(
            "GATEHOUSE_DATA_DIR",
            std::env::temp_dir().join(format!("gh-cli-{}", uuid::Uuid::new_v4().simple())),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

#[on_both]
async fn the_binary_reads_its_database_url_from_a_file(db: TestDb) {
    let url_file = db.dir().join("database-url");
    std::fs::write(&url_file, format!("{}\n", db.url())).unwrap();
    std::fs::set_permissions(&url_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut child = gatehouse()
        .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json"])
        .arg("--database-url-file")
        .arg(&url_file)
        .arg("--setup-code-file")
        .arg(db.dir().join("code.txt"))
        .spawn()
        .expect("gatehouse starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut code = None;
    let mut line = String::new();
    while code.is_none() && stdout.read_line(&mut line).unwrap() > 0 {
        code = line
            .strip_prefix("setup code: ")
            .map(|c| c.trim().to_owned());
        line.clear();
    }
    let code = code.expect("a setup code on stdout");
    let mut address = None;
    while address.is_none() && stderr.read_line(&mut line).unwrap() > 0 {
        let entry: serde_json::Value = serde_json::from_str(&line).expect("JSON log lines");
        address = entry["fields"]["address"].as_str().map(str::to_owned);
        line.clear();
    }
    let base = format!(
        "http://{}",
        address.expect("the listening address is logged")
    );
    let setup = reqwest::Client::new()
        .post(format!("{base}/api/v1/setup"))
        .header("X-Setup-Code", &code)
        .json(&App::setup_body())
        .send()
        .await
        .unwrap();
    assert_eq!(setup.status(), 200);
    terminate(&mut child);
    // The instance set up over HTTP is the one in the file's database.
    let core = gatehouse_server::connect(&db.config()).await.unwrap();
    assert!(core.instance_status().await.unwrap().initialized);
    core.close().await;
}

#[test]
fn a_password_in_database_url_on_the_command_line_is_warned_about_and_never_logged() {
    let mut child = gatehouse()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args([
            "--database-url",
            "postgres://gatehouse:hunter2-secret@127.0.0.1:1/gatehouse",
        ])
        .spawn()
        .expect("gatehouse starts");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let mut warned = false;
    while !warned && stderr.read_line(&mut line).unwrap() > 0 {
        warned = line.contains("--database-url holds a password");
        assert!(!line.contains("hunter2-secret"), "{line}");
        line.clear();
    }
    assert!(warned, "a warning about the password on the command line");
    terminate(&mut child);
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(!rest.contains("hunter2-secret"), "{rest}");
}

#[test]
fn an_unreadable_database_url_file_stops_the_server_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = gatehouse()
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url-file"])
        .arg(dir.path().join("missing"))
        .output()
        .expect("gatehouse runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--database-url-file"), "{stderr}");
}
