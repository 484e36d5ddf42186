//! Health, readiness, verification keys, the OpenAPI document, internal errors,
//! graceful shutdown, and the `gatehouse serve` binary itself.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::helpers::*;
use base64::Engine;
use gatehouse_domain::SystemClock;
use serde_json::json;

#[on_both]
async fn health_and_readiness_answer_without_a_token(db: TestDb) {
    let app = App::start(db).await;
    let health = app.get("/healthz", None).await;
    assert_eq!(
        (health.status, health.body["status"].as_str()),
        (200, Some("ok"))
    );
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.body, json!({"status": "ready", "initialized": false}));
    app.set_up().await;
    assert_eq!(app.get("/readyz", None).await.body["initialized"], true);
}

#[on_both]
async fn the_jwks_holds_the_key_that_signed_the_access_token(db: TestDb) {
    let app = App::start(db).await;
    let token = app.set_up().await;
    let header = token.split('.').next().unwrap();
    let header: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .unwrap(),
    )
    .unwrap();
    let jwks = app.get("/.well-known/jwks.json", None).await;
    assert_eq!(jwks.status, 200);
    let keys = jwks.body["keys"].as_array().unwrap();
    let key = keys
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the signing key is published");
    assert_eq!(
        (
            key["kty"].as_str(),
            key["crv"].as_str(),
            key["alg"].as_str()
        ),
        (Some("OKP"), Some("Ed25519"), Some("EdDSA"))
    );
    assert_eq!(header["alg"], "EdDSA");
}

#[on_both]
async fn the_openapi_document_is_3_1_and_describes_every_endpoint(db: TestDb) {
    let app = App::start(db).await;
    let doc = app.get("/openapi.json", None).await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.body["openapi"], "3.1.0");
    let paths = doc.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/setup", "post"),
        ("/api/v1/sessions", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/me/password", "put"),
        ("/api/v1/users", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/users/{id}", "get"),
        ("/api/v1/users/{id}/status", "put"),
        ("/api/v1/users/{id}/roles", "put"),
        ("/api/v1/users/{id}/password-reset", "post"),
        ("/api/v1/users/{id}/unlock", "post"),
        ("/api/v1/admins", "post"),
        ("/api/v1/accounts", "get"),
        ("/api/v1/accounts", "post"),
        ("/api/v1/accounts/{id}", "get"),
        ("/api/v1/tokens", "get"),
        ("/api/v1/tokens", "post"),
        ("/api/v1/tokens/{id}", "delete"),
        ("/api/v1/settings", "get"),
        ("/api/v1/settings", "put"),
        ("/api/v1/password-policy", "get"),
        ("/api/v1/password-policy/evaluate", "post"),
        ("/api/v1/audit-events", "get"),
        ("/api/v1/instance", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/.well-known/jwks.json", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path}"
        );
    }
    let schemas = doc.body["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("Problem") && schemas.contains_key("NewUser"));
    assert_eq!(
        doc.body["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[on_both]
async fn an_internal_failure_is_a_500_problem_that_shows_nothing_of_its_cause(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    app.core.close().await;
    let response = app.get("/api/v1/users", Some(&admin)).await;
    response.assert_problem(500, "internal");
    assert_eq!(
        response.body["detail"],
        "Internal error: the details are in the log."
    );
    assert!(
        !response.text.to_lowercase().contains("pool"),
        "{}",
        response.text
    );
    app.get("/readyz", None)
        .await
        .assert_problem(503, "unavailable");
}

#[on_both]
async fn shutdown_finishes_the_requests_in_flight(db: TestDb) {
    let started = Arc::new(AtomicBool::new(false));
    let flag = started.clone();
    let mut app = App::start_with(db, Arc::new(SystemClock), move |router| {
        router.route(
            "/test/slow",
            axum::routing::get(move || {
                let flag = flag.clone();
                async move {
                    flag.store(true, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    "finished"
                }
            }),
        )
    })
    .await;
    let request = tokio::spawn(app.client.get(app.url("/test/slow")).send());
    while !started.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    app.stop().await.expect("server stops cleanly");
    let response = request
        .await
        .unwrap()
        .expect("the request in flight is answered");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "finished");
    assert!(
        app.client.get(app.url("/healthz")).send().await.is_err(),
        "no longer listening"
    );
}

/// The real binary: prints the setup code on stdout (and into a 0600 file), logs
/// without secrets on stderr, serves, and exits cleanly on SIGTERM.
#[on_both]
async fn the_gatehouse_binary_prints_a_setup_code_serves_and_stops_on_sigterm(db: TestDb) {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};

    let code_file = db.dir().join("code.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--log",
            "info",
            "--log-format",
            "json",
        ])
        .arg("--database-url")
        .arg(db.url())
        .arg("--setup-code-file")
        .arg(&code_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
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
    assert_eq!(std::fs::read_to_string(&code_file).unwrap().trim(), code);
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
    let client = reqwest::Client::new();
    let setup = client
        .post(format!("{base}/api/v1/setup"))
        .header("X-Setup-Code", &code)
        .json(&App::setup_body())
        .send()
        .await
        .unwrap();
    assert_eq!(setup.status(), 200);
    let token = setup.json::<serde_json::Value>().await.unwrap()["data"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    assert!(!code_file.exists());
    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exits cleanly on SIGTERM: {status}");
    let mut logs = String::new();
    stderr.read_to_string(&mut logs).unwrap();
    assert!(
        logs.contains("/api/v1/me") && logs.contains("shutting down"),
        "{logs}"
    );
    for secret in [ADMIN_PASSWORD, token.as_str(), code.as_str()] {
        assert!(!logs.contains(secret), "a secret in the log");
    }
}
