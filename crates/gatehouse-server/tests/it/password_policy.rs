//! Settings, the password policy, live evaluation, and the audit trail.

use crate::helpers::*;
use serde_json::json;

#[on_both]
async fn an_admin_reads_and_replaces_the_settings(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let current = app.get("/api/v1/settings", Some(&admin)).await;
    assert_eq!(current.status, 200, "{}", current.text);
    let mut settings = current.body.clone();
    settings["access_token_minutes"] = json!(30);
    settings["password_policy"]["min_length"] = json!(16);
    let updated = app
        .put("/api/v1/settings", Some(&admin), settings.clone())
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.body, settings);
    let policy = app.get("/api/v1/password-policy", None).await;
    assert_eq!(policy.status, 200);
    assert_eq!(policy.body["min_length"], 16);
    // Enforced at once: a 14-character password no longer passes.
    app.post(
        "/api/v1/users",
        Some(&admin),
        json!({"username": "pat", "email": "pat@example.com", "password": "Velvet-Harb-57"}),
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[on_both]
async fn invalid_settings_are_422_and_change_nothing(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let before = app.get("/api/v1/settings", Some(&admin)).await.body;
    let mut settings = before.clone();
    settings["access_token_minutes"] = json!(1);
    settings["lockout_threshold"] = json!(1000);
    let response = app.put("/api/v1/settings", Some(&admin), settings).await;
    response.assert_problem(422, "validation_failed");
    let fields = response.error_fields();
    assert!(
        fields.contains(&"access_token_minutes".to_owned())
            && fields.contains(&"lockout_threshold".to_owned()),
        "{fields:?}"
    );
    assert_eq!(app.get("/api/v1/settings", Some(&admin)).await.body, before);
}

#[on_both]
async fn evaluating_a_password_needs_no_token_and_reports_every_rule(db: TestDb) {
    let app = App::start(db).await;
    app.set_up().await;
    let weak = app
        .post(
            "/api/v1/password-policy/evaluate",
            None,
            json!({"password": "password"}),
        )
        .await;
    assert_eq!(weak.status, 200, "{}", weak.text);
    assert_eq!(weak.body["passed"], false);
    let failed: Vec<_> = weak.body["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["passed"] == false)
        .map(|r| r["rule"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        failed.contains(&"min_length".to_owned()) && failed.contains(&"not_common".to_owned()),
        "{failed:?}"
    );
    let strong = app
        .post(
            "/api/v1/password-policy/evaluate",
            None,
            json!({"password": GOOD_PASSWORD}),
        )
        .await;
    assert_eq!(strong.body["passed"], true, "{}", strong.text);
    assert!(strong.body["strength"]["score"].as_u64().unwrap() >= 3);
    let personal = app
        .post(
            "/api/v1/password-policy/evaluate",
            None,
            json!({"password": "Marjorie-Quill-41-x", "context": {"first_name": "Marjorie"}}),
        )
        .await;
    assert_eq!(personal.body["passed"], false, "{}", personal.text);
}

#[on_both]
async fn evaluation_input_is_bounded(db: TestDb) {
    let app = App::start(db).await;
    let long = "a".repeat(1025);
    let response = app
        .post(
            "/api/v1/password-policy/evaluate",
            None,
            json!({"password": long}),
        )
        .await;
    response.assert_problem(422, "validation_failed");
    assert_eq!(response.error_fields(), vec!["password"]);
    let bad_policy = app
        .post("/api/v1/password-policy/evaluate", None, json!({"password": "x", "policy": {
            "min_length": 50, "max_length": 10, "require_uppercase": false, "require_lowercase": false,
            "require_digit": false, "require_special": false, "min_character_classes": 0,
            "forbid_whitespace": false, "forbid_personal_info": false, "min_strength_score": 0, "forbid_common": false}}))
        .await;
    bad_policy.assert_problem(422, "validation_failed");
}

#[on_both]
async fn evaluation_is_rate_limited_per_client_with_429(db: TestDb) {
    let app = App::start(db).await;
    let mut statuses = Vec::new();
    // The burst is 20; at most 100 tries (refills are 5 per second).
    for _ in 0..100 {
        let response = app
            .post(
                "/api/v1/password-policy/evaluate",
                None,
                json!({"password": "Correct-Horse"}),
            )
            .await;
        statuses.push(response.status);
        if response.status == 429 {
            response.assert_problem(429, "too_many_requests");
            assert_eq!(response.headers["retry-after"], "1");
            break;
        }
    }
    assert!(statuses.len() > 20, "the burst is allowed: {statuses:?}");
    assert_eq!(statuses[0], 200);
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 429));
}

#[on_both]
async fn the_audit_trail_lists_mutations_newest_first(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    app.create_user(&admin, "audited", &["viewer"]).await;
    let events = app.get("/api/v1/audit-events?limit=10", Some(&admin)).await;
    assert_eq!(events.status, 200, "{}", events.text);
    let actions: Vec<_> = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions.first().map(String::as_str),
        Some("user.created"),
        "{actions:?}"
    );
    assert!(actions.contains(&"instance.set_up".to_owned()));
    assert!(!events.text.contains(GOOD_PASSWORD));
}
