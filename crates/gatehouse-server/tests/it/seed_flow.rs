//! The seeds' flow end to end: 000 (setup) → 001 (create account) → 003 (create
//! admin) → 004 (that admin creates a user), with each seed's refusals.

use crate::helpers::*;
use serde_json::json;

#[on_both]
async fn the_seed_flow_000_001_003_004_works_end_to_end(db: TestDb) {
    let app = App::start(db).await;

    // 000: the first admin and organization; only once; an access token back.
    let code = app.setup_code.clone().unwrap();
    app.setup_with_code(None, App::setup_body())
        .await
        .assert_problem(401, "unauthenticated");
    let setup = app.setup_with_code(Some(&code), App::setup_body()).await;
    assert_eq!(setup.status, 200, "{}", setup.text);
    let admin = setup.body["data"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    app.setup_with_code(Some(&code), App::setup_body())
        .await
        .assert_problem(400, "already_initialized");

    // 001: account + primary user + default API token, inheriting the caller's plan.
    let account = app
        .post("/api/v1/accounts", Some(&admin), json!({"name": "Zydro Marine", "username": "owner@zydromarine.com", "password": GOOD_PASSWORD}))
        .await;
    assert_eq!(account.status, 201, "{}", account.text);
    assert_eq!(
        account.body["account"]["plan"],
        setup.body["account"]["plan"]
    );
    let owner_token = account.body["initial_token_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        "/api/v1/accounts",
        None,
        json!({"name": "X", "username": "x@example.com", "password": GOOD_PASSWORD}),
    )
    .await
    .assert_problem(401, "unauthenticated");
    app.post(
        "/api/v1/accounts",
        Some(&owner_token),
        json!({"name": "X", "username": "x@example.com", "password": GOOD_PASSWORD}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        "/api/v1/accounts",
        Some(&admin),
        json!({"name": "Again", "username": "owner@zydromarine.com", "password": GOOD_PASSWORD}),
    )
    .await
    .assert_problem(409, "conflict");

    // 003: an admin creates an admin; email confirmed; duplicate refused; 401 vs 403.
    let created = app
        .post(
            "/api/v1/admins",
            Some(&admin),
            json!({"email": "ops@acme.example.com", "password": "Granite-Pillow-38-wren"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["roles"], json!(["admin"]));
    assert!(created.body["email_confirmed_at"].is_string());
    app.post("/api/v1/admins", Some(&admin), json!({"email": "ops@acme.example.com", "username": "ops2", "password": "Granite-Pillow-38-wren"}))
        .await
        .assert_problem(409, "conflict");
    app.post(
        "/api/v1/admins",
        None,
        json!({"email": "z@example.com", "password": GOOD_PASSWORD}),
    )
    .await
    .assert_problem(401, "unauthenticated");
    app.post(
        "/api/v1/admins",
        Some(&owner_token),
        json!({"email": "z@example.com", "password": GOOD_PASSWORD}),
    )
    .await
    .assert_problem(403, "forbidden");

    // 004: the new admin creates a user; role defaults to viewer; RFC 7807 errors.
    let ops = app
        .sign_in("ops@acme.example.com", "Granite-Pillow-38-wren")
        .await;
    let user = app
        .post("/api/v1/users", Some(&ops), json!({"username": "example", "password": "Quartz-Ribbon-75-moth", "email": "example@acme.example.com"}))
        .await;
    assert_eq!(user.status, 201, "{}", user.text);
    assert!(uuid::Uuid::parse_str(user.body["id"].as_str().unwrap()).is_ok());
    assert_eq!(user.body["username"], "example");
    assert_eq!(user.body["is_active"], true);
    assert_eq!(user.body["status"], "active");
    assert!(user.body["created_at"].is_string());
    assert_eq!(user.body["roles"], json!(["viewer"]));
    let weak = app
        .post("/api/v1/users", Some(&ops), json!({"username": "weakling", "password": "abcdefgh", "email": "weak@acme.example.com"}))
        .await;
    weak.assert_problem(422, "validation_failed");
    assert!(weak.error_fields().iter().all(|f| f == "password"));
    app.post("/api/v1/users", Some(&ops), json!({"username": "example", "password": "Quartz-Ribbon-75-moth", "email": "other@acme.example.com"}))
        .await
        .assert_problem(409, "conflict");

    // Everything made is there: the admin, the owner, ops and the user.
    assert_eq!(app.user_total(&admin).await, 4);
}
