//! The server's defences: sign-in and evaluation throttles per source address
//! (429 with Retry-After, before the body is read), the capped password-hashing
//! queue (503 with Retry-After; /healthz stays fast), header and whole-request
//! timeouts (slowloris), and the setup code file that a planted symlink cannot
//! redirect.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::helpers::*;
use gatehouse_domain::ManualClock;
use gatehouse_server::hashing::HashingLimits;
use gatehouse_server::{Limits, ServeOptions};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A client whose connections come from `ip` (any 127.0.0.0/8 address is loopback).
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(ip))
        .build()
        .expect("client")
}

async fn sign_in_from(app: &App, client: &reqwest::Client, login: &str, password: &str) -> Resp {
    let response = client
        .post(app.url("/api/v1/sessions"))
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .expect("sent");
    Resp::from(response).await
}

fn retry_after(response: &Resp) -> u64 {
    response
        .headers
        .get("retry-after")
        .unwrap_or_else(|| panic!("Retry-After on {}", response.text))
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds")
}

async fn start_with_clock(db: TestDb) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::default());
    let app = App::start_with(db, clock.clone(), |router| router).await;
    (app, clock)
}

#[on_both]
async fn forty_usernames_from_one_address_get_429_with_retry_after_once_the_burst_is_spent(
    db: TestDb,
) {
    let (app, clock) = start_with_clock(db).await;
    app.set_up().await;
    let sprayer = client_from([127, 0, 0, 1]);
    let mut statuses = Vec::new();
    let mut last = None;
    for i in 0..40 {
        let response = sign_in_from(&app, &sprayer, &format!("user{i}"), "Spring-2026-guess").await;
        statuses.push(response.status);
        last = Some(response);
    }
    assert_eq!(statuses[..10], [401; 10], "the burst");
    assert_eq!(statuses[10..], [429; 30], "then throttled");
    let last = last.unwrap();
    last.assert_problem(429, "too_many_requests");
    let wait = retry_after(&last);
    assert!((1..=6).contains(&wait), "Retry-After {wait}");

    // Another address is unaffected, and after Retry-After the first one may try again.
    let other = sign_in_from(&app, &client_from([127, 0, 0, 2]), "alice", ADMIN_PASSWORD).await;
    assert_eq!(other.status, 201, "{}", other.text);
    clock.advance(chrono::Duration::seconds(wait as i64));
    let again = sign_in_from(&app, &sprayer, "alice", ADMIN_PASSWORD).await;
    assert_eq!(again.status, 201, "{}", again.text);
}

#[on_both]
async fn the_openapi_document_lists_429_and_503_with_retry_after_for_sign_in(db: TestDb) {
    let app = App::start(db).await;
    let document = app.get("/openapi.json", None).await.body;
    let responses = &document["paths"]["/api/v1/sessions"]["post"]["responses"];
    for status in ["429", "503"] {
        assert!(
            responses[status]["headers"]["Retry-After"].is_object(),
            "{status}: {}",
            responses[status]
        );
    }
    let evaluate = &document["paths"]["/api/v1/password-policy/evaluate"]["post"]["responses"];
    assert!(evaluate["429"]["headers"]["Retry-After"].is_object());
}

#[on_both]
async fn a_throttled_address_is_refused_before_its_body_is_read(db: TestDb) {
    let app = App::start(db).await;
    app.set_up().await;
    let client = client_from([127, 0, 0, 3]);
    for _ in 0..10 {
        sign_in_from(&app, &client, "nobody", "Wrong-password-1").await;
    }
    // Not even JSON, and not JSON-typed: the throttle answers first.
    let response = client
        .post(app.url("/api/v1/sessions"))
        .body("not json at all")
        .send()
        .await
        .unwrap();
    Resp::from(response)
        .await
        .assert_problem(429, "too_many_requests");
}

#[on_both]
async fn password_evaluation_is_throttled_per_address_before_the_body_with_retry_after(db: TestDb) {
    // A clock that stands still: no token drips back during the test.
    let (app, _clock) = start_with_clock(db).await;
    let client = client_from([127, 0, 0, 4]);
    let evaluate = |body: serde_json::Value| {
        let request = client
            .post(app.url("/api/v1/password-policy/evaluate"))
            .json(&body);
        async move { Resp::from(request.send().await.unwrap()).await }
    };
    for _ in 0..20 {
        let response = evaluate(json!({"password": "correct horse"})).await;
        assert_eq!(response.status, 200, "{}", response.text);
    }
    let throttled = evaluate(json!({"no": "such field"})).await;
    throttled.assert_problem(429, "too_many_requests");
    assert!(retry_after(&throttled) >= 1);
    let elsewhere = client_from([127, 0, 0, 5])
        .post(app.url("/api/v1/password-policy/evaluate"))
        .json(&json!({"password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 200);
}

#[on_both]
async fn a_full_hashing_queue_answers_503_with_retry_after_while_healthz_stays_fast(db: TestDb) {
    let limits = Limits {
        hashing: HashingLimits {
            concurrent: 1,
            queue: 2,
            max_wait: Duration::from_secs(30),
        },
        ..Limits::default()
    };
    let app = start_with_limits(db, limits).await;
    app.set_up().await;
    // The one turn is taken; two sign-ins queue behind it.
    let held = app.state.hashing.turn().await.expect("a turn");
    let queued: Vec<_> = (0..2)
        .map(|_| {
            let request = app
                .client
                .post(app.url("/api/v1/sessions"))
                .json(&json!({"login": "alice", "password": "Wrong-password-1"}));
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.state.hashing.waiting() < 2 {
        assert!(Instant::now() < deadline, "the two requests queue");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let started = Instant::now();
    let refused = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": "alice", "password": ADMIN_PASSWORD}),
        )
        .await;
    refused.assert_problem(503, "unavailable");
    assert!(retry_after(&refused) >= 1);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "refused at once: {:?}",
        started.elapsed()
    );

    let started = Instant::now();
    assert_eq!(app.get("/healthz", None).await.status, 200);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "healthz took {:?}",
        started.elapsed()
    );

    drop(held);
    for request in queued {
        assert_eq!(request.await.unwrap(), 401, "the queued ones are served");
    }
    assert_eq!(app.state.hashing.waiting(), 0);
}

#[on_both]
async fn a_request_that_waits_too_long_to_hash_gets_503(db: TestDb) {
    let limits = Limits {
        hashing: HashingLimits {
            concurrent: 1,
            queue: 8,
            max_wait: Duration::from_millis(300),
        },
        ..Limits::default()
    };
    let app = start_with_limits(db, limits).await;
    let admin = app.set_up().await;
    let _held = app.state.hashing.turn().await.expect("a turn");
    let started = Instant::now();
    let response = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "late", "email": "late@example.com", "password": GOOD_PASSWORD}),
        )
        .await;
    response.assert_problem(503, "unavailable");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(retry_after(&response) >= 1);
    drop(_held);
    assert_eq!(app.user_total(&admin).await, 1, "nothing was created");
}

#[on_both]
async fn a_client_trickling_its_headers_is_disconnected_after_the_header_timeout(db: TestDb) {
    let app = start_with_timeouts(db, Duration::from_millis(500), Duration::from_secs(30)).await;
    let (mut reader, mut writer) = raw_connection(&app).await;
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        writer
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await?;
        // One header byte every 100 ms, never finishing the headers.
        loop {
            writer.write_all(b"X").await?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        #[allow(unreachable_code)]
        Ok::<(), std::io::Error>(())
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), reader.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "the connection is still open after 5 s of trickling"
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(450),
        "closed too early: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(3), "closed late: {elapsed:?}");
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));
    trickle.abort();
    // The server still serves others.
    assert_eq!(app.get("/healthz", None).await.status, 200);
}

#[on_both]
async fn a_slow_body_is_cut_by_the_request_timeout(db: TestDb) {
    let app = start_with_timeouts(db, Duration::from_secs(10), Duration::from_millis(700)).await;
    let (mut reader, mut writer) = raw_connection(&app).await;
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        writer
            .write_all(
                b"POST /api/v1/password-policy/evaluate HTTP/1.1\r\nHost: x\r\n\
                  Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"password\": \"",
            )
            .await?;
        loop {
            writer.write_all(b"a").await?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        #[allow(unreachable_code)]
        Ok::<(), std::io::Error>(())
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), reader.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the request is still running after 5 s");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(650),
        "cut too early: {elapsed:?}"
    );
    let answer = String::from_utf8_lossy(&answer).to_lowercase();
    assert!(answer.starts_with("http/1.1 503"), "{answer}");
    assert!(answer.contains("retry-after: 1"), "{answer}");
    assert!(answer.contains("\"code\":\"unavailable\""), "{answer}");
    trickle.abort();
}

#[on_both]
async fn a_symlink_planted_at_the_setup_code_path_is_replaced_and_its_target_left_alone(
    db: TestDb,
) {
    use std::os::unix::fs::PermissionsExt;
    let victim = db.dir().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    std::os::unix::fs::symlink(&victim, db.dir().join("setup-code.txt")).unwrap();

    let app = App::start(db).await;
    let code = app.setup_code.clone().expect("a setup code");
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "precious\n",
        "the target is untouched"
    );
    let meta = std::fs::symlink_metadata(&app.code_file).unwrap();
    assert!(
        meta.file_type().is_file(),
        "the symlink was replaced by a regular file"
    );
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(&app.code_file).unwrap().trim(),
        code
    );
    let leftovers: Vec<_> = std::fs::read_dir(app.db.dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    app.set_up().await;
    assert!(!app.code_file.exists());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}

/// A server with these throttles and the usual timeouts, on the real clock.
async fn start_with_limits(db: TestDb, limits: Limits) -> App {
    let clock = Arc::new(gatehouse_domain::SystemClock);
    App::start_configured(db, clock, limits, ServeOptions::default(), |r| r).await
}

/// A server with these timeouts (header read, whole request) and the usual throttles.
async fn start_with_timeouts(db: TestDb, header: Duration, request: Duration) -> App {
    let options = ServeOptions {
        header_read_timeout: header,
        request_timeout: request,
    };
    let clock = Arc::new(gatehouse_domain::SystemClock);
    App::start_configured(db, clock, Limits::default(), options, |r| r).await
}

/// A plain TCP connection to the server, for clients that misbehave below HTTP.
async fn raw_connection(
    app: &App,
) -> (
    tokio::net::tcp::OwnedReadHalf,
    tokio::net::tcp::OwnedWriteHalf,
) {
    let address = app.base.trim_start_matches("http://");
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.into_split()
}
