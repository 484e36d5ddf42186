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

/// `gatehouse admin SUBCOMMAND --database-url URL USERNAME`, with `stdin` as its input.
fn admin(subcommand: &str, url: &str, username: &str, stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = gatehouse()
        .args(["admin", subcommand, "--database-url", url, username])
        .stdin(Stdio::piped())
        .spawn()
        .expect("gatehouse starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().expect("gatehouse runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The newest audit event, as the admin sees it.
async fn last_audit_event(app: &App, admin: &str) -> serde_json::Value {
    let events = app.get("/api/v1/audit-events", Some(admin)).await;
    assert_eq!(events.status, 200, "{}", events.text);
    events.body["items"][0].clone()
}

/// Five wrong passwords from this test's address: it must wait, even with the right one.
async fn lock_out(app: &App, login: &str) {
    for _ in 0..5 {
        let wrong = app
            .post(
                "/api/v1/sessions",
                None,
                serde_json::json!({"login": login, "password": "Wrong-Guess-123"}),
            )
            .await;
        wrong.assert_problem(401, "invalid_credentials");
    }
    app.post(
        "/api/v1/sessions",
        None,
        serde_json::json!({"login": login, "password": ADMIN_PASSWORD}),
    )
    .await
    .assert_problem(401, "invalid_credentials");
}

#[on_both]
async fn admin_unlock_lets_a_locked_out_admin_sign_in_again(db: TestDb) {
    let app = App::start(db).await;
    app.set_up().await;
    lock_out(&app, "alice").await;
    let output = admin("unlock", &app.db.url(), "ALICE", "");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("Unlocked alice"),
        "{}",
        text(&output.stdout)
    );
    let admin = app.sign_in("alice", ADMIN_PASSWORD).await;
    let event = last_audit_event(&app, &admin).await;
    // The sign-in came after; the unlock is the event before it.
    assert_eq!(event["action"], "sign_in.succeeded");
    let events = app.get("/api/v1/audit-events", Some(&admin)).await;
    let unlock = &events.body["items"][1];
    assert_eq!(unlock["action"], "user.unlocked");
    assert_eq!(unlock["actor_id"], serde_json::Value::Null);
    assert_eq!(unlock["detail"]["source"], "command_line");
}

#[on_both]
async fn admin_reset_password_takes_stdin_obeys_the_policy_and_ends_the_sessions(db: TestDb) {
    let app = App::start(db).await;
    let old_session = app.set_up().await;
    lock_out(&app, ADMIN_EMAIL).await;

    let weak = admin("reset-password", &app.db.url(), ADMIN_EMAIL, "short\n");
    assert!(!weak.status.success());
    let why = text(&weak.stderr);
    assert!(why.contains("the password was not changed"), "{why}");
    assert!(
        why.contains("12"),
        "the policy's minimum length is named: {why}"
    );
    assert_eq!(
        app.get("/api/v1/users", Some(&old_session)).await.status,
        200,
        "a refused reset changes nothing"
    );

    let reset = admin(
        "reset-password",
        &app.db.url(),
        ADMIN_EMAIL,
        &format!("{GOOD_PASSWORD}\n"),
    );
    assert!(reset.status.success(), "{}", text(&reset.stderr));
    assert!(!text(&reset.stdout).contains(GOOD_PASSWORD));
    app.get("/api/v1/users", Some(&old_session))
        .await
        .assert_problem(401, "unauthenticated");
    app.post(
        "/api/v1/sessions",
        None,
        serde_json::json!({"login": "alice", "password": ADMIN_PASSWORD}),
    )
    .await
    .assert_problem(401, "invalid_credentials");
    // The lock went with the old password, and the new one is temporary.
    let signed_in = app
        .post(
            "/api/v1/sessions",
            None,
            serde_json::json!({"login": "alice", "password": GOOD_PASSWORD}),
        )
        .await;
    assert_eq!(signed_in.status, 201, "{}", signed_in.text);
    assert_eq!(signed_in.body["must_change_password"], true);
    let temporary = signed_in.body["access_token"]["access_token"]
        .as_str()
        .unwrap();
    let change = app
        .put(
            "/api/v1/me/password",
            Some(temporary),
            serde_json::json!({"current_password": GOOD_PASSWORD, "new_password": "Amber-Lantern-82-fjord"}),
        )
        .await;
    assert_eq!(change.status, 200, "{}", change.text);
    let admin = app.sign_in("alice", "Amber-Lantern-82-fjord").await;
    let events = app
        .get("/api/v1/audit-events?limit=500", Some(&admin))
        .await;
    let resets: Vec<_> = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == "user.password_reset")
        .collect();
    assert_eq!(
        resets.len(),
        1,
        "one reset, the refused one is not recorded"
    );
    assert_eq!(resets[0]["actor_id"], serde_json::Value::Null);
    assert_eq!(resets[0]["detail"]["source"], "command_line");
}

#[on_both]
async fn admin_commands_name_an_unknown_user_and_an_instance_not_set_up(db: TestDb) {
    let app = App::start(db).await;
    let fresh = admin("unlock", &app.db.url(), "alice", "");
    assert!(!fresh.status.success());
    assert!(
        text(&fresh.stderr).contains("no Gatehouse instance"),
        "{}",
        text(&fresh.stderr)
    );
    app.set_up().await;
    let unknown = admin("unlock", &app.db.url(), "nobody", "");
    assert!(!unknown.status.success());
    assert!(
        text(&unknown.stderr).contains("there is no user \"nobody\""),
        "{}",
        text(&unknown.stderr)
    );
}

#[test]
fn admin_commands_refuse_to_run_without_access_to_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gatehouse.sqlite3");
    let url = format!("sqlite://{}", missing.display());
    for subcommand in ["unlock", "reset-password"] {
        let output = admin(subcommand, &url, "alice", "Velvet-Harbor-57-quill\n");
        assert_eq!(output.status.code(), Some(1));
        let why = text(&output.stderr);
        assert!(why.contains("cannot open the database"), "{why}");
        assert!(!missing.exists(), "no empty database is made");
    }
    let closed = admin(
        "unlock",
        "postgres://gatehouse@127.0.0.1:1/gatehouse",
        "alice",
        "",
    );
    assert_eq!(closed.status.code(), Some(1));
    assert!(
        text(&closed.stderr).contains("cannot open the database"),
        "{}",
        text(&closed.stderr)
    );
    let unnamed = gatehouse()
        .args(["admin", "unlock", "alice"])
        .output()
        .unwrap();
    assert_eq!(unnamed.status.code(), Some(2), "a usage error");
    assert!(
        text(&unnamed.stderr).contains("--database-url"),
        "{}",
        text(&unnamed.stderr)
    );
}
