//! Editing and deleting users, and managing accounts, over HTTP (issue 14).

use crate::helpers::*;
use serde_json::json;

#[on_both]
async fn an_edit_patches_a_user_and_a_stale_version_is_409_stale_version(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let id = app.create_user(&admin, "jsmith", &["viewer"]).await;
    let before = app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await;
    let version = before.body["version"].as_u64().unwrap();
    let path = format!("/api/v1/users/{id}");
    let edited = app
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({ "version": version, "first_name": "Janet" })),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.body["first_name"], "Janet");
    assert_eq!(edited.body["version"], version + 1);
    let stale = app
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({ "version": version, "first_name": "Jan" })),
        )
        .await;
    stale.assert_problem(409, "stale_version");
    let bad = app
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({ "version": version + 1, "email": "nope" })),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), ["email"]);
}

#[on_both]
async fn deleting_a_user_is_200_with_what_went_and_then_404(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let id = app.create_user(&admin, "jsmith", &["viewer"]).await;
    let session = app.sign_in("jsmith", GOOD_PASSWORD).await;
    let path = format!("/api/v1/users/{id}");
    let deleted = app.delete(&path, Some(&admin)).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.body["username"], "jsmith");
    app.get(&path, Some(&admin))
        .await
        .assert_problem(404, "not_found");
    app.get("/api/v1/me", Some(&session))
        .await
        .assert_problem(401, "unauthenticated");
}

#[on_both]
async fn an_account_is_renamed_suspended_and_deleted_and_its_tokens_listed(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let created = app
        .post(
            "/api/v1/accounts",
            Some(&admin),
            json!({
                "name": "Acme",
                "username": "owner@acme.example.com",
                "password": GOOD_PASSWORD,
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["account"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/accounts/{id}");
    let renamed = app
        .send(
            reqwest::Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({ "name": "Acme Rockets" })),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["name"], "Acme Rockets");
    let plans = app.get("/api/v1/plans", Some(&admin)).await;
    assert_eq!(plans.status, 200, "{}", plans.text);
    assert!(!plans.body["items"].as_array().unwrap().is_empty());
    let suspended = app
        .put(
            &format!("{path}/status"),
            Some(&admin),
            json!({ "status": "suspended" }),
        )
        .await;
    assert_eq!(suspended.body["status"], "suspended", "{}", suspended.text);
    let tokens = app
        .get(
            &format!("/api/v1/admin/tokens?account_id={id}"),
            Some(&admin),
        )
        .await;
    assert_eq!(tokens.status, 200, "{}", tokens.text);
    assert_eq!(tokens.body["total"], 1);
    let detail = app.get(&format!("{path}/detail"), Some(&admin)).await;
    assert_eq!(detail.body["member_count"], 1, "{}", detail.text);
    assert_eq!(detail.body["live_api_token_count"], 1);
    let deleted = app.delete(&path, Some(&admin)).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.body["deleted_users"], 1);
    assert_eq!(deleted.body["deleted_api_tokens"], 1);
}
