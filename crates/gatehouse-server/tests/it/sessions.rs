//! Sign-in, the caller, password changes, and what 401 and 403 mean.

use std::sync::Arc;

use crate::helpers::*;
use gatehouse_domain::ManualClock;
use serde_json::json;

#[on_both]
async fn signing_in_returns_an_access_token_that_works(db: TestDb) {
    let app = App::start(db).await;
    app.set_up().await;
    let response = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.body["access_token"]["token_type"], "Bearer");
    assert_eq!(response.body["user"]["email"], ADMIN_EMAIL);
    let token = response.body["access_token"]["access_token"]
        .as_str()
        .unwrap();
    assert_eq!(
        app.get("/api/v1/me", Some(token)).await.body["username"],
        "alice"
    );
}

#[on_both]
async fn a_wrong_password_is_401_invalid_credentials(db: TestDb) {
    let app = App::start(db).await;
    app.set_up().await;
    let response = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": "alice", "password": "Wrong-Password-1"}),
        )
        .await;
    response.assert_problem(401, "invalid_credentials");
    assert!(!response.text.contains("Wrong-Password-1"));
}

#[on_both]
async fn signing_in_before_setup_is_409_not_initialized(db: TestDb) {
    let app = App::start(db).await;
    let response = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": "alice", "password": ADMIN_PASSWORD}),
        )
        .await;
    response.assert_problem(409, "not_initialized");
}

#[on_both]
async fn requests_without_a_valid_token_are_401_unauthenticated(db: TestDb) {
    let app = App::start(db).await;
    app.set_up().await;
    for path in [
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/accounts",
        "/api/v1/tokens",
        "/api/v1/settings",
        "/api/v1/audit-events",
    ] {
        let response = app.get(path, None).await;
        response.assert_problem(401, "unauthenticated");
        assert!(response.headers.contains_key("www-authenticate"), "{path}");
        app.get(path, Some("not.a.jwt"))
            .await
            .assert_problem(401, "unauthenticated");
        app.get(path, Some("gth_notatoken"))
            .await
            .assert_problem(401, "unauthenticated");
    }
    let create = app
        .post(
            "/api/v1/users",
            None,
            json!({"username": "bob", "email": "bob@example.com", "password": GOOD_PASSWORD}),
        )
        .await;
    create.assert_problem(401, "unauthenticated");
}

#[on_both]
async fn a_signed_in_non_admin_is_403_forbidden(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    app.create_user(&admin, "victor", &["viewer"]).await;
    let viewer = app.sign_in("victor", GOOD_PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", Some(&viewer)).await.status, 200);
    app.get("/api/v1/users", Some(&viewer))
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/v1/settings", Some(&viewer))
        .await
        .assert_problem(403, "forbidden");
    app.post(
        "/api/v1/users",
        Some(&viewer),
        json!({"username": "mallory", "email": "m@example.com", "password": GOOD_PASSWORD}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        "/api/v1/admins",
        Some(&viewer),
        json!({"email": "m@example.com", "password": GOOD_PASSWORD}),
    )
    .await
    .assert_problem(403, "forbidden");
    assert_eq!(app.user_total(&admin).await, 2);
}

#[on_both]
async fn changing_ones_password_replaces_the_old_one(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    // Tokens carry whole seconds, and one issued in the second of the change still
    // counts: change in a later second than the session began.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let response = app
        .put(
            "/api/v1/me/password",
            Some(&admin),
            json!({"current_password": ADMIN_PASSWORD, "new_password": GOOD_PASSWORD}),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    // The old session is over; the new token returned works.
    app.get("/api/v1/me", Some(&admin))
        .await
        .assert_problem(401, "unauthenticated");
    let fresh = response.body["access_token"]["access_token"]
        .as_str()
        .unwrap();
    assert_eq!(app.get("/api/v1/me", Some(fresh)).await.status, 200);
    app.post(
        "/api/v1/sessions",
        None,
        json!({"login": "alice", "password": ADMIN_PASSWORD}),
    )
    .await
    .assert_problem(401, "invalid_credentials");
    app.sign_in("alice", GOOD_PASSWORD).await;
}

#[on_both]
async fn a_wrong_current_password_is_422_naming_the_field(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let response = app
        .put(
            "/api/v1/me/password",
            Some(&admin),
            json!({"current_password": "nope-nope-nope", "new_password": GOOD_PASSWORD}),
        )
        .await;
    response.assert_problem(422, "validation_failed");
    assert_eq!(response.error_fields(), vec!["current_password"]);
}

#[on_both]
async fn a_temporary_password_is_403_password_change_required_until_changed(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let id = app.create_user(&admin, "tina", &["admin"]).await;
    let reset = app
        .post(
            &format!("/api/v1/users/{id}/password-reset"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    let temporary = reset.body["temporary_password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(reset.body["user"]["must_change_password"], true);
    let signed_in = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": "tina", "password": temporary}),
        )
        .await;
    assert_eq!(signed_in.body["must_change_password"], true);
    let token = signed_in.body["access_token"]["access_token"]
        .as_str()
        .unwrap();
    app.get("/api/v1/users", Some(token))
        .await
        .assert_problem(403, "password_change_required");
    let change = app
        .put(
            "/api/v1/me/password",
            Some(token),
            json!({"current_password": temporary, "new_password": "Amber-Lantern-82-fjord"}),
        )
        .await;
    assert_eq!(change.status, 200, "{}", change.text);
    let token = app.sign_in("tina", "Amber-Lantern-82-fjord").await;
    assert_eq!(app.get("/api/v1/users", Some(&token)).await.status, 200);
}

#[on_both]
async fn a_suspended_user_cannot_sign_in_and_loses_access_at_once(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let id = app.create_user(&admin, "sam", &["admin"]).await;
    let token = app.sign_in("sam", GOOD_PASSWORD).await;
    let suspended = app
        .put(
            &format!("/api/v1/users/{id}/status"),
            Some(&admin),
            json!({"status": "suspended"}),
        )
        .await;
    assert_eq!(suspended.status, 200, "{}", suspended.text);
    app.get("/api/v1/users", Some(&token))
        .await
        .assert_problem(403, "forbidden");
    // No password oracle: the right password and a wrong one get the same answer.
    let right = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": "sam", "password": GOOD_PASSWORD}),
        )
        .await;
    let wrong = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": "sam", "password": "Wrong-Guess-123"}),
        )
        .await;
    right.assert_problem(401, "invalid_credentials");
    assert_eq!(right.body, wrong.body);
}

#[on_both]
async fn guesses_from_one_address_do_not_keep_the_user_out_from_another(db: TestDb) {
    let app = App::start(db).await;
    app.set_up().await;
    // Loopback is a whole /8: this client's guesses come from 127.0.0.2.
    let guesser = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let attempt = |password: &str| {
        guesser
            .post(app.url("/api/v1/sessions"))
            .json(&json!({"login": ADMIN_EMAIL, "password": password}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("Wrong-Guess-123").await.unwrap().status(), 401);
    }
    assert_eq!(
        attempt(ADMIN_PASSWORD).await.unwrap().status(),
        401,
        "127.0.0.2 waits"
    );
    app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

#[on_both]
async fn an_expired_access_token_is_401_token_expired(db: TestDb) {
    let clock = Arc::new(ManualClock::default());
    let app = App::start_with(db, clock.clone(), |router| router).await;
    let admin = app.set_up().await;
    assert_eq!(app.get("/api/v1/me", Some(&admin)).await.status, 200);
    clock.advance(chrono::Duration::hours(2));
    app.get("/api/v1/me", Some(&admin))
        .await
        .assert_problem(401, "token_expired");
}
