//! Setup (seed 000) and the one-time setup code.

use crate::helpers::*;
use serde_json::json;

#[on_both]
async fn setup_returns_the_first_admins_access_token_as_seed_000_does(db: TestDb) {
    let app = App::start(db).await;
    let code = app.setup_code.clone().expect("a code while not set up");
    let response = app.setup_with_code(Some(&code), App::setup_body()).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let token = response.body["data"]["accessToken"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");
    assert_eq!(
        response.text.matches(token).count(),
        1,
        "the token is in the response once"
    );
    assert_eq!(response.body["data"]["tokenType"], "Bearer");
    assert_eq!(response.body["admin"]["roles"], json!(["admin"]));
    assert_eq!(response.body["account"]["name"], "Acme Marine");
    assert!(!response.text.contains(ADMIN_PASSWORD));
    let me = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["username"], "alice");
    let status = app.get("/api/v1/instance", None).await;
    assert_eq!(status.body["initialized"], true);
}

#[on_both]
async fn setup_without_the_setup_code_is_401_and_sets_nothing_up(db: TestDb) {
    let app = App::start(db).await;
    let missing = app.setup_with_code(None, App::setup_body()).await;
    missing.assert_problem(401, "unauthenticated");
    let wrong = app
        .setup_with_code(Some("not-the-code"), App::setup_body())
        .await;
    wrong.assert_problem(401, "unauthenticated");
    let status = app.get("/api/v1/instance", None).await;
    assert_eq!(status.body["initialized"], false);
    // The rightful owner can still set up.
    app.set_up().await;
}

#[on_both]
async fn the_setup_code_is_checked_before_the_body_is_read(db: TestDb) {
    let app = App::start(db).await;
    let response = app
        .setup_with_code(Some("guess"), json!({"unexpected": true}))
        .await;
    response.assert_problem(401, "unauthenticated");
}

#[on_both]
async fn a_second_setup_is_400_already_initialized_and_the_code_is_dead(db: TestDb) {
    let app = App::start(db).await;
    app.set_up().await;
    let code = app.setup_code.clone().unwrap();
    let again = app.setup_with_code(Some(&code), App::setup_body()).await;
    again.assert_problem(400, "already_initialized");
    let without = app.setup_with_code(None, App::setup_body()).await;
    without.assert_problem(400, "already_initialized");
    assert!(
        !app.code_file.exists(),
        "the code file is deleted after setup"
    );
}

#[on_both]
async fn the_setup_code_file_holds_the_code_and_only_its_user_can_read_it(db: TestDb) {
    use std::os::unix::fs::PermissionsExt;
    let app = App::start(db).await;
    let code = app.setup_code.clone().unwrap();
    assert!(code.len() >= 22, "at least 128 bits");
    let mode = std::fs::metadata(&app.code_file)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(&app.code_file).unwrap().trim(),
        code
    );
}

#[on_both]
async fn setup_with_invalid_values_is_422_listing_every_field_and_keeps_the_code(db: TestDb) {
    let app = App::start(db).await;
    let code = app.setup_code.clone().unwrap();
    let response = app
        .setup_with_code(
            Some(&code),
            json!({
                "organization": "Acme",
                "first_name": "Al",
                "email": "alice@localhost",
                "password": "short",
            }),
        )
        .await;
    response.assert_problem(422, "validation_failed");
    let fields = response.error_fields();
    for field in ["first_name", "email", "password"] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    assert_eq!(
        app.get("/api/v1/instance", None).await.body["initialized"],
        false
    );
    app.set_up().await;
}

#[on_both]
async fn a_server_started_on_a_set_up_instance_issues_no_code(db: TestDb) {
    let mut first = App::start(db).await;
    let token = first.set_up().await;
    first.stop().await.unwrap();
    let db = std::mem::replace(&mut first.db, TestDb::sqlite());
    let second = App::start(db).await;
    assert!(second.setup_code.is_none());
    second
        .setup_with_code(Some("anything"), App::setup_body())
        .await
        .assert_problem(400, "already_initialized");
    // The first process's tokens still verify: its public key is in the database.
    assert_eq!(second.get("/api/v1/me", Some(&token)).await.status, 200);
    // The new process signs with a key of its own, published beside the first.
    let fresh = second.sign_in("alice", ADMIN_PASSWORD).await;
    assert_eq!(second.get("/api/v1/me", Some(&fresh)).await.status, 200);
    let jwks = second.get("/.well-known/jwks.json", None).await;
    assert_eq!(jwks.body["keys"].as_array().unwrap().len(), 2);
}
