//! Accounts (seed 001) and idempotent creation.

use crate::helpers::*;
use serde_json::{json, Value};

fn zydro() -> Value {
    json!({
        "name": "Zydro Marine",
        "username": "owner@zydromarine.com",
        "password": GOOD_PASSWORD,
    })
}

#[on_both]
async fn creating_an_account_makes_the_account_its_primary_user_and_a_working_token(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let response = app.post("/api/v1/accounts", Some(&admin), zydro()).await;
    assert_eq!(response.status, 201, "{}", response.text);
    let created = &response.body;
    assert_eq!(created["account"]["name"], "Zydro Marine");
    assert_eq!(
        created["account"]["plan"], "standard",
        "inherits the caller's plan"
    );
    assert_eq!(created["user"]["email"], "owner@zydromarine.com");
    assert_eq!(created["user"]["account_id"], created["account"]["id"]);
    assert_eq!(created["initial_token"]["name"], "Default");
    assert_eq!(created["replayed"], false);
    let secret = created["initial_token_secret"].as_str().unwrap();
    assert!(secret.starts_with("gth_"));
    let me = app.get("/api/v1/me", Some(secret)).await;
    assert_eq!(me.body["id"], created["user"]["id"]);
    let id = created["account"]["id"].as_str().unwrap();
    assert_eq!(
        response.headers["location"].to_str().unwrap(),
        format!("/api/v1/accounts/{id}")
    );
    let fetched = app
        .get(&format!("/api/v1/accounts/{id}"), Some(&admin))
        .await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body["name"], "Zydro Marine");
    let listed = app
        .get("/api/v1/accounts?limit=10&offset=0", Some(&admin))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.body["total"], 2);
    assert_eq!(listed.body["items"][0]["id"], id, "newest first");
}

#[on_both]
async fn a_retried_create_account_with_the_same_idempotency_key_returns_the_first_result(
    db: TestDb,
) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let send = |body: Value| {
        app.client
            .post(app.url("/api/v1/accounts"))
            .bearer_auth(&admin)
            .header("Idempotency-Key", "order-7781")
            .json(&body)
            .send()
    };
    let first = Resp::from(send(zydro()).await.unwrap()).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let retry = Resp::from(send(zydro()).await.unwrap()).await;
    assert_eq!(retry.status, 200, "{}", retry.text);
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(retry.body["replayed"], true);
    for part in ["account", "user", "initial_token"] {
        assert_eq!(retry.body[part]["id"], first.body[part]["id"], "{part}");
    }
    assert!(
        retry.body["initial_token_secret"].is_null(),
        "a secret is shown once"
    );
    let listed = app.get("/api/v1/accounts", Some(&admin)).await;
    assert_eq!(listed.body["total"], 2);
    let mut other = zydro();
    other["name"] = json!("Another Name");
    let reused = Resp::from(send(other).await.unwrap()).await;
    reused.assert_problem(409, "idempotency_key_reused");
}

#[on_both]
async fn a_taken_primary_username_is_409_and_creates_no_account(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    assert_eq!(
        app.post("/api/v1/accounts", Some(&admin), zydro())
            .await
            .status,
        201
    );
    let mut again = zydro();
    again["name"] = json!("Zydro Two");
    let response = app.post("/api/v1/accounts", Some(&admin), again).await;
    response.assert_problem(409, "conflict");
    assert_eq!(
        app.get("/api/v1/accounts", Some(&admin)).await.body["total"],
        2
    );
}

#[on_both]
async fn an_unknown_account_is_404(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let unknown = uuid::Uuid::new_v4();
    app.get(&format!("/api/v1/accounts/{unknown}"), Some(&admin))
        .await
        .assert_problem(404, "not_found");
}
