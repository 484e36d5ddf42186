//! The audit trail over HTTP and on the command line: filtered pages by cursor, the
//! client's address as a sign-in's source, and verification that names a broken link.

use std::process::Command;

use serde_json::json;

use crate::helpers::*;

#[on_both]
async fn the_trail_pages_by_cursor_and_filters_and_records_the_clients_address(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let grace = app.create_user(&admin, "grace", &["viewer"]).await;
    app.sign_in("grace", GOOD_PASSWORD).await;
    let failed = app
        .post(
            "/api/v1/sessions",
            None,
            json!({ "login": "grace", "password": "not-her-password" }),
        )
        .await;
    assert_eq!(failed.status, 401, "{}", failed.body);

    let about_grace = app
        .get(
            &format!("/api/v1/audit-events?target={grace}"),
            Some(&admin),
        )
        .await;
    assert_eq!(about_grace.status, 200, "{}", about_grace.body);
    let actions: Vec<_> = about_grace.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        ["sign_in.failed", "sign_in.succeeded", "user.created"]
    );
    assert_eq!(
        about_grace.body["items"][1]["detail"]["source"],
        "ip:127.0.0.1"
    );

    let first = app.get("/api/v1/audit-events?limit=2", Some(&admin)).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["next_cursor"].as_str().expect("a next page");
    let second = app
        .get(
            &format!("/api/v1/audit-events?limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    let seqs: Vec<_> = [&first, &second]
        .iter()
        .flat_map(|page| page.body["items"].as_array().unwrap().clone())
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [4, 3, 2, 1]);
    assert!(second.body["next_cursor"].is_null());

    let named = app
        .get(
            "/api/v1/audit-events?action=user.created&q=GRA&from=2000-01-01T00:00:00Z",
            Some(&admin),
        )
        .await;
    assert_eq!(
        named.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        named.body
    );
    let bad = app
        .get("/api/v1/audit-events?from=yesterday", Some(&admin))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    let unknown = app
        .get("/api/v1/audit-events?action=user.teleported", Some(&admin))
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
}

#[on_both]
async fn verification_answers_over_http_and_on_the_command_line(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    app.create_user(&admin, "grace", &["viewer"]).await;
    let verified = app
        .post("/api/v1/audit-events/verify", Some(&admin), json!(null))
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(verified.body["verified"], 2);
    assert!(verified.body["broken_at"].is_null());

    let cli = |url: &str| {
        Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .env_remove("GATEHOUSE_DATABASE_URL")
            .env_remove("GATEHOUSE_DATABASE_URL_FILE")
            .args(["audit", "verify", "--database-url", url])
            .output()
            .expect("gatehouse runs")
    };
    let intact = cli(&app.db.url());
    let stdout = String::from_utf8_lossy(&intact.stdout);
    assert_eq!(intact.status.code(), Some(0), "{stdout}");
    // The verification above is audited too.
    assert!(stdout.contains("intact: 3 events verify"), "{stdout}");

    app.db
        .execute("update audit_events set action = 'user.deleted' where seq = 2")
        .await;
    let broken = cli(&app.db.url());
    let stdout = String::from_utf8_lossy(&broken.stdout);
    assert_eq!(broken.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("broken at event 2"), "{stdout}");
    assert!(
        stdout.contains("user.deleted") && stdout.contains("altered"),
        "{stdout}"
    );
    let over_http = app
        .post("/api/v1/audit-events/verify", Some(&admin), json!(null))
        .await;
    assert_eq!(over_http.body["broken_at"]["seq"], 2, "{}", over_http.body);
    assert_eq!(over_http.body["broken_at"]["reason"], "altered");
}
