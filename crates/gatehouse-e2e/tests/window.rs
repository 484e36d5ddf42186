//! The desktop app end to end, in a real window: the built binary under Xvfb, driven
//! through WebDriver (tauri-driver + WebKitWebDriver), on a fresh local database.
//!
//! `scripts/test-e2e` sets everything up and runs this with:
//! - `GATEHOUSE_E2E_APP`: absolute path of the built app (with the custom-protocol feature);
//! - `GATEHOUSE_E2E_WEBDRIVER`: tauri-driver's URL, e.g. `http://127.0.0.1:4444`;
//! - `GATEHOUSE_E2E_ARTIFACTS`: where the screenshots go;
//! - `GATEHOUSE_E2E_REQUIRED=1`: a missing piece fails instead of skipping.
//!
//! Without the app or the driver the test prints why and passes, so a plain
//! `cargo test --workspace` needs neither.

use std::future::Future;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const ORG: &str = "Acme Provisioning";
const ADMIN: &str = "ada.admin";
const ADMIN_PASSWORD: &str = "Velvet-Harbor-Quartz-58";
const WEAK_PASSWORD: &str = "password";
const STRONG_PASSWORD: &str = "Juniper!Orbit7-Cascade";
const NEW_ADMIN_PASSWORD: &str = "Marble-Comet-Thistle-64";
const WAIT: Duration = Duration::from_secs(30);
/// The local PostgreSQL has trust auth, so any password connects; the test follows it
/// into the keychain and makes sure it never reaches a file or the page.
const REMOTE_PASSWORD: &str = "pg-secret-Quokka-41";

struct Setup {
    app: PathBuf,
    /// The `gatehouse` server binary, for the second run over a Gatehouse server.
    server: PathBuf,
    webdriver: String,
    artifacts: PathBuf,
}

/// What the test needs, or the reason it cannot run here.
fn setup() -> Result<Setup, String> {
    let app = std::env::var_os("GATEHOUSE_E2E_APP")
        .map(PathBuf::from)
        .ok_or("GATEHOUSE_E2E_APP is not set (run scripts/test-e2e)")?;
    if !app.is_file() {
        return Err(format!("the app binary {} does not exist", app.display()));
    }
    let server = std::env::var_os("GATEHOUSE_E2E_SERVER")
        .map(PathBuf::from)
        .ok_or("GATEHOUSE_E2E_SERVER (the gatehouse binary) is not set")?;
    if !server.is_file() {
        return Err(format!(
            "the server binary {} does not exist",
            server.display()
        ));
    }
    let webdriver = std::env::var("GATEHOUSE_E2E_WEBDRIVER")
        .map_err(|_| "GATEHOUSE_E2E_WEBDRIVER (tauri-driver's URL) is not set")?;
    let artifacts = std::env::var_os("GATEHOUSE_E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/e2e"));
    std::fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
    Ok(Setup {
        app,
        server,
        webdriver,
        artifacts,
    })
}

/// A fresh database on the local PostgreSQL, dropped when the value is.
struct PostgresDatabase(String);

impl PostgresDatabase {
    fn create() -> PostgresDatabase {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!("gh_e2e_{nanos}");
        psql(&format!("create database {name}"));
        PostgresDatabase(name)
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        // The app may still hold connections: force them out.
        psql(&format!("drop database if exists {} with (force)", self.0));
    }
}

/// A real `gatehouse serve` on loopback over TLS with a self-signed certificate (the
/// team mode the window signs in to), on a database of its own.
struct TeamServer {
    binary: PathBuf,
    dir: PathBuf,
    port: u16,
    database_url: String,
    child: Option<std::process::Child>,
    /// The one-time setup code it printed on its first start.
    setup_code: String,
    /// The certificate fingerprint it printed at its last start.
    fingerprint: String,
}

impl TeamServer {
    fn start(binary: &std::path::Path, database: &str) -> TeamServer {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("gatehouse-e2e-server-{nanos}"));
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (server, _) = postgres_url()
            .rsplit_once('/')
            .map(|(s, d)| (s.to_owned(), d.to_owned()))
            .unwrap();
        let mut team = TeamServer {
            binary: binary.to_owned(),
            dir,
            port,
            database_url: format!("{server}/{database}"),
            child: None,
            setup_code: String::new(),
            fingerprint: String::new(),
        };
        let code = team.spawn();
        team.setup_code = code.expect("a fresh server prints its setup code");
        team
    }

    /// Starts the binary; waits for what it prints (the fingerprint, and the setup code
    /// while not set up) and until it answers. The setup code, if printed.
    fn spawn(&mut self) -> Option<String> {
        use std::io::BufRead;
        let mut child = Command::new(&self.binary)
            .args(["serve", "--tls-self-signed", "--bind"])
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--data-dir")
            .arg(&self.dir)
            .arg("--setup-code-file")
            .arg(self.dir.join("setup-code.txt"))
            .env("GATEHOUSE_DATABASE_URL", &self.database_url)
            .env_remove("GATEHOUSE_DATABASE_URL_FILE")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("gatehouse serve starts");
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        self.child = Some(child);
        let mut code = None;
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) else {
                if self.answers() && !self.fingerprint.is_empty() {
                    break;
                }
                continue;
            };
            if let Some(f) = line.strip_prefix("TLS certificate fingerprint: ") {
                self.fingerprint = f.trim().to_owned();
            }
            if let Some(c) = line.strip_prefix("setup code: ") {
                code = Some(c.trim().to_owned());
            }
        }
        assert!(
            self.fingerprint.starts_with("SHA256:"),
            "the server printed its fingerprint"
        );
        code
    }

    fn answers(&self) -> bool {
        std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
    }

    fn url(&self) -> String {
        format!("https://localhost:{}", self.port)
    }

    /// A client that trusts this server's certificate, for what the test does beside
    /// the window (another admin's actions).
    fn client(&self) -> reqwest::Client {
        let pem = std::fs::read(self.dir.join("tls-cert.pem")).unwrap();
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            .build()
            .unwrap()
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }

    /// Stops the server, throws its certificate away and starts it again at the same
    /// address: what a replaced, or an intercepting, server looks like to a desktop.
    fn restart_with_a_new_certificate(&mut self) {
        self.stop();
        let old = std::mem::take(&mut self.fingerprint);
        std::fs::remove_file(self.dir.join("tls-cert.pem")).unwrap();
        std::fs::remove_file(self.dir.join("tls-key.pem")).unwrap();
        self.spawn();
        assert_ne!(self.fingerprint, old, "a new certificate");
    }
}

impl Drop for TeamServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The PostgreSQL server the tests use: GATEHOUSE_TEST_POSTGRES_URL (scripts/test
/// starts a throwaway cluster and sets it), else the local one on 5432.
fn postgres_url() -> String {
    std::env::var("GATEHOUSE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The test server's host and port, as typed into the connect screen.
fn postgres_host_port() -> (String, String) {
    let url = postgres_url();
    let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = host_port.rsplit_once(':').unwrap_or((host_port, "5432"));
    (host.to_owned(), port.to_owned())
}

fn psql(sql: &str) {
    let status = Command::new("psql")
        .args(["-d", &postgres_url(), "-qc", sql])
        .status()
        .expect("psql");
    assert!(status.success(), "psql -c {sql:?} failed");
}

fn required() -> bool {
    std::env::var_os("GATEHOUSE_E2E_REQUIRED").is_some_and(|v| v == "1")
}

/// The window, with helpers that find elements by `data-testid` and wait for them.
struct Window {
    client: Client,
    artifacts: PathBuf,
    shots: usize,
    /// Put before every screenshot's name (the second run, over a server: `server-`).
    prefix: &'static str,
}

fn by_id(test_id: &str) -> String {
    format!("[data-testid='{test_id}']")
}

impl Window {
    async fn open(setup: &Setup) -> Window {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({ "application": setup.app.to_string_lossy() }),
        );
        caps.insert("browserName".into(), json!("wry"));
        let client = ClientBuilder::rustls()
            .expect("rustls client")
            .capabilities(caps)
            .connect(&setup.webdriver)
            .await
            .expect("a WebDriver session on the app (is tauri-driver running?)");
        Window {
            client,
            artifacts: setup.artifacts.clone(),
            shots: 0,
            prefix: "",
        }
    }

    /// Waits until `condition` holds, or fails with `what` (and a screenshot).
    async fn eventually<F, Fut>(&mut self, what: &str, mut condition: F)
    where
        F: FnMut(Client) -> Fut,
        Fut: Future<Output = bool>,
    {
        let started = Instant::now();
        while started.elapsed() < WAIT {
            if condition(self.client.clone()).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        self.shot("failure").await;
        panic!("timed out after {WAIT:?} waiting until {what}");
    }

    /// The element with this test id, once it is displayed.
    async fn el(&mut self, test_id: &str) -> Element {
        let css = by_id(test_id);
        self.eventually(&format!("[{test_id}] is shown"), |c| {
            let css = css.clone();
            async move {
                match c.find(Locator::Css(&css)).await {
                    Ok(e) => e.is_displayed().await.unwrap_or(false),
                    Err(_) => false,
                }
            }
        })
        .await;
        self.client.find(Locator::Css(&css)).await.unwrap()
    }

    async fn all(&self, test_id: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(&by_id(test_id)))
            .await
            .unwrap_or_default()
    }

    /// Replaces the field's text the way a user does (select all, delete, type) and
    /// checks it took: WebDriver's clear() alone fires no input event, so React may
    /// put the old value back before the keys arrive ("30" + "5" = "305").
    async fn type_into(&mut self, test_id: &str, text: &str) {
        const SELECT_ALL_AND_DELETE: &str = "\u{E009}a\u{E000}\u{E003}"; // Ctrl+A, release, Backspace
        for _ in 0..3 {
            let field = self.el(test_id).await;
            field.send_keys(SELECT_ALL_AND_DELETE).await.unwrap();
            field.send_keys(text).await.unwrap();
            if field.prop("value").await.unwrap().as_deref() == Some(text) {
                return;
            }
        }
        self.shot("failure").await;
        panic!("[{test_id}] would not take the text {text:?}");
    }

    /// Clicks once the element is enabled.
    async fn click(&mut self, test_id: &str) {
        self.wait_enabled(test_id, true).await;
        self.el(test_id).await.click().await.unwrap();
    }

    async fn wait_enabled(&mut self, test_id: &str, enabled: bool) {
        let css = by_id(test_id);
        let state = if enabled { "enabled" } else { "disabled" };
        self.eventually(&format!("[{test_id}] is {state}"), |c| {
            let css = css.clone();
            async move {
                match c.find(Locator::Css(&css)).await {
                    Ok(e) => e.is_enabled().await.ok() == Some(enabled),
                    Err(_) => false,
                }
            }
        })
        .await;
    }

    async fn text(&mut self, test_id: &str) -> String {
        self.el(test_id).await.text().await.unwrap()
    }

    async fn wait_text(&mut self, test_id: &str, needle: &str) {
        let css = by_id(test_id);
        let needle_owned = needle.to_owned();
        self.eventually(&format!("[{test_id}] says {needle:?}"), |c| {
            let (css, needle) = (css.clone(), needle_owned.clone());
            async move {
                match c.find(Locator::Css(&css)).await {
                    Ok(e) => e.text().await.is_ok_and(|t| t.contains(&needle)),
                    Err(_) => false,
                }
            }
        })
        .await;
    }

    /// The password rules shown, as (passed, text) pairs.
    async fn rules(&self) -> Vec<(bool, String)> {
        let mut rules = Vec::new();
        for rule in self.all("password-rule").await {
            let passed = rule.attr("data-passed").await.unwrap().as_deref() == Some("true");
            rules.push((passed, rule.text().await.unwrap_or_default()));
        }
        rules
    }

    async fn wait_rules(&mut self, all_pass: bool) {
        let what = if all_pass {
            "every password rule passes"
        } else {
            "some password rule fails"
        };
        self.eventually(what, |c| async move {
            let Ok(rules) = c.find_all(Locator::Css(&by_id("password-rule"))).await else {
                return false;
            };
            let mut passed = Vec::new();
            for r in &rules {
                passed.push(r.attr("data-passed").await.ok().flatten().as_deref() == Some("true"));
            }
            !passed.is_empty() && passed.iter().all(|p| *p) == all_pass
        })
        .await;
    }

    async fn shot(&mut self, name: &str) {
        self.shots += 1;
        let path = self
            .artifacts
            .join(format!("{:02}-{}{name}.png", self.shots, self.prefix));
        match self.client.screenshot().await {
            Ok(png) => std::fs::write(&path, png).unwrap(),
            Err(e) => eprintln!("screenshot {name} failed: {e}"),
        }
    }
}

/// The X clipboard, read the way another application would.
fn clipboard() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip (apt install xclip)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The formats the clipboard's owner offers (clipboard managers read the hints here).
fn clipboard_targets() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard", "-t", "TARGETS"])
        .output()
        .expect("xclip");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_sets_up_a_fresh_instance_and_provisions_a_user_and_an_account() {
    let setup = match setup() {
        Ok(setup) => setup,
        Err(reason) if required() => panic!("GATEHOUSE_E2E_REQUIRED=1 but {reason}"),
        Err(reason) => {
            eprintln!("skipping the desktop end-to-end test: {reason}");
            return;
        }
    };
    // fantoccini and reqwest bring more than one TLS provider along: say which.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let started = Instant::now();
    let mut w = Window::open(&setup).await;
    let remote = PostgresDatabase::create();
    let database = remote.0.clone();
    let server_database = PostgresDatabase::create();
    let mut server = TeamServer::start(&setup.server, &server_database.0);
    let outcome = tokio::spawn(async move {
        flow(&mut w, &database).await;
        let in_process = started.elapsed();
        team_mode(&mut w, &mut server).await;
        eprintln!(
            "in-process flows {:.1} s, over the server {:.1} s",
            in_process.as_secs_f64(),
            (started.elapsed() - in_process).as_secs_f64()
        );
        w
    })
    .await;
    drop(remote);
    drop(server_database);
    match outcome {
        Ok(w) => {
            let _ = w.client.close().await;
            eprintln!(
                "desktop end to end: passed in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Err(panic) => std::panic::resume_unwind(panic.into_panic()),
    }
}

/// Fills the connect screen's remote form.
/// The test server has no certificate, so the test chooses "No TLS" and the screen
/// warns what that leaves open (its default verifies the server).
async fn fill_remote(w: &mut Window, port: &str, database: &str) {
    let (host, _) = postgres_host_port();
    w.type_into("remote-host", &host).await;
    w.type_into("remote-port", port).await;
    w.type_into("remote-database", database).await;
    w.type_into("remote-username", "postgres").await;
    w.type_into("remote-password", REMOTE_PASSWORD).await;
    let tls = w.el("remote-tls").await;
    assert_eq!(
        tls.prop("value").await.unwrap().as_deref(),
        Some("verify-full"),
        "the connect screen verifies the server unless told otherwise"
    );
    tls.select_by_value("disable").await.unwrap();
    let warning = w.text("remote-tls-warning").await;
    assert!(warning.contains("Nothing is encrypted"), "{warning}");
}

async fn flow(w: &mut Window, remote_database: &str) {
    // Connect: a fresh local database leads to the setup wizard.
    w.el("connect-local").await;
    w.shot("connect").await;

    // The capabilities grant the app's commands only: Tauri's own APIs are refused.
    let outcome = w
        .client
        .execute(
            "return window.__TAURI_INTERNALS__.invoke('plugin:app|version')\
               .then(v => 'allowed: ' + v, e => 'refused: ' + e)",
            vec![],
        )
        .await
        .unwrap();
    let outcome = outcome.as_str().unwrap_or_default().to_owned();
    eprintln!("Tauri API call from the page: {outcome}");
    assert!(outcome.starts_with("refused"), "{outcome}");

    // Remote PostgreSQL: "Test connection" says plainly what it found, and never the password.
    fill_remote(w, "1", remote_database).await;
    w.click("test-remote").await;
    w.wait_text("test-result", "✗").await;
    let refused = w.text("test-result").await;
    eprintln!("test connection, nothing listening: {refused}");
    assert!(!refused.contains(REMOTE_PASSWORD), "{refused}");
    let (_, port) = postgres_host_port();
    w.type_into("remote-port", &port).await;
    w.click("test-remote").await;
    w.wait_text("test-result", "✓").await;
    let found = w.text("test-result").await;
    assert!(
        found.contains("not set up"),
        "a fresh database is not set up: {found}"
    );
    w.shot("connect-remote-tested").await;

    // This instance lives in the local database.
    w.click("connect-local").await;
    new_instance(w, None).await;
    two_step_sign_in(w).await;
    another_database(w, remote_database).await;
}

/// What an authenticator app holding `secret` (base32, as the window shows it) displays
/// `steps_ahead` 30-second steps from now.
fn authenticator_code(secret: &str, steps_ahead: u64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.trim().to_owned())
        .to_bytes()
        .expect("the key shown is base32");
    let totp = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        bytes,
        None,
        String::new(),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp.generate(now + 30 * steps_ahead)
}

/// Signs in as the first admin with NEW_ADMIN_PASSWORD, up to the code step.
async fn sign_in_to_the_code_step(w: &mut Window) {
    w.type_into("signin-login", ADMIN).await;
    w.type_into("signin-password", NEW_ADMIN_PASSWORD).await;
    w.click("signin-submit").await;
    w.el("signin-code").await;
}

/// Submits `code` at the sign-in's second step and waits until it is refused: the
/// error is shown and the window stays at the code step.
async fn code_is_refused(w: &mut Window, code: &str) -> String {
    w.type_into("signin-code", code).await;
    w.click("signin-code-submit").await;
    w.eventually("the refusal is shown", |c| async move {
        match c.find(Locator::Css(&by_id("form-error"))).await {
            Ok(e) => e.text().await.is_ok_and(|t| !t.trim().is_empty()),
            Err(_) => false,
        }
    })
    .await;
    let error = w.text("form-error").await;
    w.el("signin-code").await;
    assert!(
        w.all("nav-users").await.is_empty(),
        "a refused code signs nobody in"
    );
    error
}

/// Two-step sign-in, set up by the signed-in first admin: the QR code and the key in
/// text, confirmed with the app's code; one recovery code kept. Then a sign-in with
/// password and code, the same code refused a second time, a sign-in with the recovery
/// code, which is refused the next time, and another recovery code that still works.
/// Ends signed in as the first admin.
async fn two_step_sign_in(w: &mut Window) {
    w.click("nav-two-step").await;
    w.wait_text("two-step-status", "is off").await;
    w.shot("two-step-off").await;
    w.click("two-step-start").await;
    w.el("two-step-qr").await;
    let svg = w
        .client
        .find(Locator::Css(&format!("{} svg", by_id("two-step-qr"))))
        .await
        .expect("the QR code is an SVG");
    assert!(svg.is_displayed().await.unwrap(), "the QR code is shown");
    let secret = w.text("two-step-secret").await.trim().to_owned();
    assert!(
        secret.len() >= 32,
        "the key is shown in text too: {secret:?}"
    );
    w.shot("two-step-qr-code").await;

    // The app's current code turns it on; the recovery codes are shown once.
    w.type_into("two-step-code", &authenticator_code(&secret, 0))
        .await;
    w.click("two-step-confirm").await;
    w.el("two-step-on").await;
    let codes: Vec<String> = w
        .text("token-value")
        .await
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes: {codes:?}");
    w.shot("two-step-recovery-codes").await;
    w.wait_enabled("two-step-done", false).await;
    w.click("confirm-saved").await;
    w.click("two-step-done").await;
    w.wait_text("two-step-status", "is on").await;
    let page = w.client.source().await.unwrap();
    assert!(
        !page.contains(&secret) && !page.contains(&codes[0]),
        "the key and the recovery codes leave the page"
    );
    w.shot("two-step-on").await;

    // Password, then a code. The current step's code was spent on turning it on (each
    // works once), so this is the next step's, which a server accepts as one step of
    // clock drift: what the app shows a few seconds later.
    w.click("sign-out").await;
    sign_in_to_the_code_step(w).await;
    w.shot("sign-in-code-step").await;
    let code = authenticator_code(&secret, 1);
    w.type_into("signin-code", &code).await;
    w.click("signin-code-submit").await;
    w.el("nav-users").await;
    w.shot("signed-in-with-code").await;

    // The same code again is refused (RFC 6238 §5.2: each code once).
    w.click("sign-out").await;
    sign_in_to_the_code_step(w).await;
    let refused = code_is_refused(w, &code).await;
    eprintln!("a reused code: {refused}");
    assert!(
        refused.contains("code was not accepted") && !refused.contains("password"),
        "the refusal is about the code: {refused:?}"
    );
    w.shot("sign-in-code-reused").await;

    // A recovery code signs in instead, once.
    w.click("signin-use-recovery").await;
    w.type_into("signin-code", &codes[0]).await;
    w.click("signin-code-submit").await;
    w.el("nav-users").await;
    w.shot("signed-in-with-recovery-code").await;
    w.click("sign-out").await;
    sign_in_to_the_code_step(w).await;
    w.click("signin-use-recovery").await;
    let refused = code_is_refused(w, &codes[0]).await;
    eprintln!("a used recovery code: {refused}");
    assert!(
        refused.contains("used already"),
        "the refusal is about the recovery code: {refused:?}"
    );
    w.shot("recovery-code-reused").await;

    // Another one still works.
    w.type_into("signin-code", &codes[1]).await;
    w.click("signin-code-submit").await;
    w.el("nav-users").await;
}

/// A fresh instance from its setup wizard to an admin's day: users, a forced password
/// change, an account, API tokens, the clipboard, the own password. `setup_code` is the
/// code a Gatehouse server printed (`None` in-process). Ends signed in as the first
/// admin, with NEW_ADMIN_PASSWORD.
async fn new_instance(w: &mut Window, setup_code: Option<&str>) {
    // Wizard, step 1: the organization.
    w.type_into("wizard-org-name", ORG).await;
    w.shot("wizard-organization").await;
    w.click("wizard-next").await;

    // Step 2: the first admin, whose password is checked live.
    w.type_into("wizard-first-name", "Ada").await;
    w.type_into("wizard-last-name", "Lovelace").await;
    w.type_into("wizard-username", ADMIN).await;
    w.type_into("wizard-email", "ada@acme.test").await;
    w.type_into("wizard-password", ADMIN_PASSWORD).await;
    w.type_into("wizard-password-confirm", ADMIN_PASSWORD).await;
    w.wait_rules(true).await;
    w.shot("wizard-admin").await;
    w.click("wizard-next").await;

    // Step 3: the password policy for everyone else (the recommended preset).
    w.el("wizard-policy-preset").await;
    w.shot("wizard-policy").await;
    w.click("wizard-next").await;

    // Step 4: review and create (a server asks for the setup code it printed).
    w.el("wizard-finish").await;
    if let Some(code) = setup_code {
        w.type_into("wizard-setup-code", code).await;
    }
    w.shot("wizard-review").await;
    w.click("wizard-finish").await;

    // Done: the access token, shown once, copied to the clipboard from Rust.
    let token = w.text("token-value").await;
    assert!(token.len() > 40, "an access token is shown, got {token:?}");
    w.click("copy-button").await;
    w.wait_text("clipboard-countdown", "Copied").await;
    assert_eq!(
        clipboard().trim(),
        token.trim(),
        "the clipboard holds the token"
    );
    let targets = clipboard_targets();
    eprintln!(
        "clipboard targets: {}",
        targets.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    assert!(
        targets.contains("x-kde-passwordManagerHint"),
        "the copy is marked as a secret for clipboard managers: {targets}"
    );
    w.shot("wizard-token").await;
    w.wait_enabled("close-dialog", false).await;
    w.click("confirm-saved").await;
    w.click("close-dialog").await;

    // Signed in as the new admin, who is listed; sign out.
    w.el("nav-users").await;
    w.eventually("the admin appears in the user list", |c| async move {
        c.find(Locator::Css(&format!(
            "[data-testid='user-row'][data-username='{ADMIN}']"
        )))
        .await
        .is_ok()
    })
    .await;
    w.shot("users-after-setup").await;
    w.click("sign-out").await;
    assert_ne!(
        clipboard().trim(),
        token.trim(),
        "signing out cleared the token from the clipboard"
    );

    // A wrong password fails with a message; the right one signs in.
    w.type_into("signin-login", ADMIN).await;
    w.type_into("signin-password", "not-the-password").await;
    w.click("signin-submit").await;
    w.wait_text("form-error", "").await;
    let error = w.text("form-error").await;
    assert!(
        error.to_lowercase().contains("password") || error.to_lowercase().contains("invalid"),
        "the sign-in error says why: {error:?}"
    );
    w.shot("sign-in-failed").await;
    w.type_into("signin-password", ADMIN_PASSWORD).await;
    w.click("signin-submit").await;

    // New user: a weak password shows failing rules and keeps submit disabled.
    w.click("nav-users").await;
    w.click("new-user").await;
    w.type_into("user-username", "grace").await;
    w.type_into("user-email", "grace@acme.test").await;
    w.type_into("user-password", WEAK_PASSWORD).await;
    w.wait_rules(false).await;
    let failing: Vec<String> = w
        .rules()
        .await
        .into_iter()
        .filter(|(passed, _)| !passed)
        .map(|(_, text)| text)
        .collect();
    assert!(!failing.is_empty(), "a weak password fails some rule");
    w.el("strength-meter").await;
    w.wait_enabled("user-submit", false).await;
    w.shot("new-user-weak-password").await;

    // A strong one passes every rule, and the user appears in the list.
    w.type_into("user-password", STRONG_PASSWORD).await;
    w.wait_rules(true).await;
    w.shot("new-user-strong-password").await;
    w.click("user-submit").await;
    w.el("users-table").await;
    w.eventually("grace appears in the user list", |c| async move {
        c.find(Locator::Css(
            "[data-testid='user-row'][data-username='grace']",
        ))
        .await
        .is_ok()
    })
    .await;
    w.shot("users-with-grace").await;

    // User detail: suspend and reactivate grace, make her an admin, and reset her
    // password to a generated temporary one, shown once.
    w.client
        .find(Locator::Css(
            "[data-testid='user-row'][data-username='grace'] button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    w.click("user-suspend").await;
    w.click("confirm-ok").await;
    w.el("user-reactivate").await;
    w.shot("user-suspended").await;
    w.click("user-reactivate").await;
    w.el("user-suspend").await;
    w.click("detail-role-admin").await;
    w.click("user-save-roles").await;
    w.wait_enabled("user-save-roles", false).await;
    w.click("user-reset-password").await;
    w.click("confirm-ok").await;
    let temporary = w.text("token-value").await.trim().to_owned();
    assert!(
        temporary.len() >= 12,
        "a temporary password is shown: {temporary:?}"
    );
    w.shot("temporary-password").await;
    w.click("confirm-saved").await;
    w.click("close-dialog").await;
    w.eventually("the temporary password leaves the page", |c| async move {
        c.find(Locator::Css(&by_id("token-value"))).await.is_err()
    })
    .await;

    // Grace signs in with it and must choose her own before anything else.
    w.click("sign-out").await;
    w.type_into("signin-login", "grace").await;
    w.type_into("signin-password", &temporary).await;
    w.click("signin-submit").await;
    w.type_into("change-current", &temporary).await;
    w.type_into("change-new", "Copper-Lantern-Willow-19").await;
    w.type_into("change-confirm", "Copper-Lantern-Willow-19")
        .await;
    w.wait_rules(true).await;
    w.shot("forced-password-change").await;
    w.click("change-submit").await;
    w.el("nav-users").await;
    w.click("sign-out").await;
    w.type_into("signin-login", ADMIN).await;
    w.type_into("signin-password", ADMIN_PASSWORD).await;
    w.click("signin-submit").await;
    w.el("nav-users").await;

    // New account: its default API token is shown once.
    w.click("nav-accounts").await;
    w.click("new-account").await;
    w.type_into("account-name", "Globex").await;
    w.type_into("account-username", "hank").await;
    w.type_into("account-email", "hank@globex.test").await;
    w.type_into("account-password", "Saffron-Lantern-Meadow-33")
        .await;
    w.wait_rules(true).await;
    w.shot("new-account").await;
    w.click("account-submit").await;
    let api_token = w.text("token-value").await;
    assert!(
        api_token.len() > 20,
        "the account's API token is shown, got {api_token:?}"
    );
    w.shot("account-token").await;

    // Once: after confirming it was saved and closing, the secret is nowhere on the page.
    w.click("confirm-saved").await;
    w.click("close-dialog").await;
    w.eventually("the token dialog closes", |c| async move {
        c.find(Locator::Css(&by_id("token-value"))).await.is_err()
    })
    .await;
    let page = w.client.source().await.unwrap();
    assert!(
        !page.contains(&api_token),
        "the API token is shown only once"
    );
    w.shot("accounts-after-token").await;

    // A shorter clipboard delay in Settings; a new API token copied is cleared after it.
    w.click("nav-settings").await;
    w.type_into("settings-clipboard-clear-seconds", "5").await;
    w.click("settings-save").await;
    w.eventually("the settings are saved", |c| async move {
        c.find(Locator::Css("[role='status'].saved")).await.is_ok()
    })
    .await;
    w.shot("settings").await;
    w.click("nav-tokens").await;
    w.click("new-token").await;
    w.type_into("token-name", "CI deploys").await;
    w.click("token-submit").await;
    let ci_token = w.text("token-value").await;
    w.click("copy-button").await;
    w.wait_text("clipboard-countdown", "Copied").await;
    assert_eq!(
        clipboard().trim(),
        ci_token.trim(),
        "the clipboard holds the new token"
    );
    let copied = Instant::now();
    w.shot("token-copied").await;
    let expected = ci_token.trim().to_owned();
    w.eventually("the clipboard is cleared after 5 s", move |_| {
        let expected = expected.clone();
        async move { clipboard().trim() != expected }
    })
    .await;
    let cleared_after = copied.elapsed();
    assert!(
        cleared_after >= Duration::from_secs(3),
        "cleared only after the delay, not at once ({cleared_after:?})"
    );
    eprintln!(
        "the clipboard was cleared {:.1} s after Copy",
        cleared_after.as_secs_f64()
    );
    w.click("confirm-saved").await;
    w.click("close-dialog").await;

    // The admin's own password, from the sidebar: a weak new one keeps submit disabled;
    // afterwards the new password signs in and the old one does not.
    w.click("nav-change-password").await;
    w.type_into("change-current", ADMIN_PASSWORD).await;
    w.type_into("change-new", WEAK_PASSWORD).await;
    w.wait_rules(false).await;
    w.wait_enabled("change-submit", false).await;
    w.type_into("change-new", NEW_ADMIN_PASSWORD).await;
    w.type_into("change-confirm", NEW_ADMIN_PASSWORD).await;
    w.wait_rules(true).await;
    w.click("change-submit").await;
    w.wait_text("change-done", "Password changed").await;
    w.shot("own-password-changed").await;
    w.click("sign-out").await;
    w.type_into("signin-login", ADMIN).await;
    w.type_into("signin-password", ADMIN_PASSWORD).await;
    w.click("signin-submit").await;
    w.wait_text("form-error", "").await;
    w.type_into("signin-password", NEW_ADMIN_PASSWORD).await;
    w.click("signin-submit").await;
    w.el("nav-users").await;
}

/// Another database: leave the local one for the shared PostgreSQL as a named profile
/// (password in the keychain, never in a file), and back. Ends on that database's
/// wizard.
async fn another_database(w: &mut Window, remote_database: &str) {
    // Another database: sign out, leave the local one, connect to the shared PostgreSQL,
    // which is not set up yet, so the wizard opens there.
    w.click("sign-out").await;
    w.click("disconnect").await;
    let (_, port) = postgres_host_port();
    fill_remote(w, &port, remote_database).await;
    w.type_into("remote-name", "Shared").await;
    w.click("connect-remote").await;
    w.el("wizard-org-name").await;
    w.shot("remote-wizard").await;

    // The profile is remembered without its password; the password is in the keychain.
    let config = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from);
    if let Some(config) = config {
        let profiles = std::fs::read_to_string(config.join("dev.gatehouse.desktop/profiles.json"))
            .expect("profiles.json");
        assert!(profiles.contains(remote_database), "{profiles}");
        assert!(
            !profiles.contains(REMOTE_PASSWORD),
            "no password in profiles.json"
        );
    }
    w.click("disconnect").await;
    w.wait_text("saved-profile", "Shared").await;
    let page = w.client.source().await.unwrap();
    assert!(
        page.contains("password in keychain"),
        "the saved profile's password is in the keychain"
    );
    assert!(
        !page.contains(REMOTE_PASSWORD),
        "the password is not on the page"
    );
    w.shot("connect-saved-profile").await;

    // The saved profile connects again with its password left empty (the shell reads
    // the keychain; the local PostgreSQL trusts loopback, so this shows the flow only).
    w.click("saved-profile").await;
    w.click("connect-remote").await;
    w.el("wizard-org-name").await;
}

/// The whole flow a second time, over a real `gatehouse serve` (TLS, self-signed): first
/// contact shows the fingerprint the server printed, the window pins it, runs the
/// wizard with the server's setup code and the admin's day; then a suspended admin's
/// open window loses access at its next action, and a changed certificate is refused.
async fn team_mode(w: &mut Window, server: &mut TeamServer) {
    w.prefix = "server-";
    w.click("disconnect").await;
    w.type_into("server-url", &server.url()).await;
    w.click("server-check").await;
    let shown = w.text("server-fingerprint").await;
    assert_eq!(
        shown.trim(),
        server.fingerprint,
        "the window shows what the server printed"
    );
    w.wait_enabled("server-connect", false).await;
    w.shot("first-contact").await;
    w.click("server-trust").await;
    w.click("server-connect").await;
    new_instance(w, Some(&server.setup_code.clone())).await;

    // Grace (made an admin in the flow) suspends Ada from elsewhere; Ada's open window
    // loses access at its next action.
    let http = server.client();
    let base = server.url();
    let signed_in: serde_json::Value = http
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({ "login": "grace", "password": "Copper-Lantern-Willow-19" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let grace = signed_in["access_token"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let found: serde_json::Value = http
        .get(format!("{base}/api/v1/users?search={ADMIN}"))
        .bearer_auth(&grace)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ada = found["items"][0]["id"].as_str().unwrap().to_owned();
    let suspended = http
        .put(format!("{base}/api/v1/users/{ada}/status"))
        .bearer_auth(&grace)
        .json(&json!({ "status": "suspended" }))
        .send()
        .await
        .unwrap();
    assert_eq!(suspended.status(), 200);
    w.click("nav-accounts").await;
    w.wait_text("form-error", "not allowed").await;
    w.shot("suspended-admin-refused").await;

    // The server's certificate changes: the pinned window refuses it, says why, and
    // offers to change the connection.
    server.restart_with_a_new_certificate();
    w.click("nav-users").await;
    w.wait_text("form-error", "not the one this profile trusts")
        .await;
    w.click("sign-out").await;
    w.wait_text("form-error", "do not sign in").await;
    w.shot("certificate-changed").await;
    w.click("change-connection").await;
    w.click("saved-server").await;
    w.el("server-pinned").await;
    w.click("server-connect").await;
    w.wait_text("form-error", "not the one this profile trusts")
        .await;
    w.shot("certificate-changed-refused").await;

    // Replaced on purpose: checking again shows the new fingerprint, which is trusted
    // once compared, and the window is back at the server's sign-in.
    w.click("server-check").await;
    let shown = w.text("server-fingerprint").await;
    assert_eq!(
        shown.trim(),
        server.fingerprint,
        "the new certificate's fingerprint"
    );
    w.click("server-trust").await;
    w.click("server-connect").await;
    w.el("signin-login").await;
}
