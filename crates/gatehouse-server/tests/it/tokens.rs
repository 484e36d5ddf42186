//! API tokens: create (secret once), list, revoke.

use crate::helpers::*;
use serde_json::json;

#[on_both]
async fn an_api_token_is_shown_once_listed_without_its_secret_and_revoked(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let created = app
        .post(
            "/api/v1/tokens",
            Some(&admin),
            json!({"name": "CI pipeline", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("gth_"));
    let id = created.body["token"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["token"]["state"], "active");
    assert_eq!(app.get("/api/v1/me", Some(&secret)).await.status, 200);
    let listed = app.get("/api/v1/tokens", Some(&admin)).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.body["items"][0]["id"], id.as_str());
    assert!(!listed.text.contains(&secret));
    let revoked = app
        .delete(&format!("/api/v1/tokens/{id}"), Some(&admin))
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text);
    assert_eq!(revoked.body["state"], "revoked");
    app.get("/api/v1/me", Some(&secret))
        .await
        .assert_problem(401, "unauthenticated");
    let again = app
        .delete(&format!("/api/v1/tokens/{id}"), Some(&admin))
        .await;
    assert_eq!(again.status, 200, "revoking twice is harmless");
}

#[on_both]
async fn an_admin_lists_another_users_tokens_and_a_viewer_cannot(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let id = app.create_user(&admin, "nina", &["viewer"]).await;
    let viewer = app.sign_in("nina", GOOD_PASSWORD).await;
    let own = app
        .post("/api/v1/tokens", Some(&viewer), json!({"name": "mine"}))
        .await;
    assert_eq!(own.status, 201, "{}", own.text);
    let theirs = app
        .get(&format!("/api/v1/tokens?user_id={id}"), Some(&admin))
        .await;
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 1);
    let me = app.get("/api/v1/me", Some(&admin)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get(&format!("/api/v1/tokens?user_id={me}"), Some(&viewer))
        .await
        .assert_problem(403, "forbidden");
}

#[on_both]
async fn revoking_an_unknown_token_is_404_and_a_bad_lifetime_422(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let unknown = uuid::Uuid::new_v4();
    app.delete(&format!("/api/v1/tokens/{unknown}"), Some(&admin))
        .await
        .assert_problem(404, "not_found");
    app.post(
        "/api/v1/tokens",
        Some(&admin),
        json!({"name": "x", "expires_in_days": 0}),
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[on_both]
async fn a_token_that_never_expires_needs_no_limit_and_the_callers_password(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let never = |password: Option<&str>| json!({"name": "forever", "never_expires": true, "current_password": password});
    // The default limit of a year: "never" is a field error, and so is a longer lifetime.
    let refused = app
        .post("/api/v1/tokens", Some(&admin), never(Some(ADMIN_PASSWORD)))
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), ["never_expires"]);
    let long = app
        .post(
            "/api/v1/tokens",
            Some(&admin),
            json!({"name": "long", "expires_in_days": 366}),
        )
        .await;
    assert_eq!(long.error_fields(), ["expires_in_days"]);
    let mut settings = app.get("/api/v1/settings", Some(&admin)).await.body;
    assert_eq!(settings["api_token_max_days"], 365);
    settings["api_token_max_days"] = serde_json::Value::Null;
    let updated = app.put("/api/v1/settings", Some(&admin), settings).await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let missing = app.post("/api/v1/tokens", Some(&admin), never(None)).await;
    assert_eq!(missing.error_fields(), ["current_password"]);
    let wrong = app
        .post(
            "/api/v1/tokens",
            Some(&admin),
            never(Some("Not-The-Password-1")),
        )
        .await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.body["errors"][0]["code"], "incorrect");
    let made = app
        .post("/api/v1/tokens", Some(&admin), never(Some(ADMIN_PASSWORD)))
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert!(made.body["token"]["expires_at"].is_null());
    assert!(!made.text.contains(ADMIN_PASSWORD));
}

#[on_both]
async fn a_token_made_for_another_user_lists_its_creator_and_a_reset_revokes_it(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let id = app.create_user(&admin, "nina", &["admin"]).await;
    let made = app
        .post(
            "/api/v1/tokens",
            Some(&admin),
            json!({"name": "for nina", "user_id": id}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let secret = made.body["secret"].as_str().unwrap().to_owned();
    let nina = app.sign_in("nina", GOOD_PASSWORD).await;
    let listed = app.get("/api/v1/tokens", Some(&nina)).await;
    assert_eq!(listed.body["items"][0]["owner_username"], "nina");
    assert_eq!(listed.body["items"][0]["created_by_username"], "alice");
    let reset = app
        .post(
            &format!("/api/v1/users/{id}/password-reset"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert_eq!(reset.body["revoked_api_tokens"], 1);
    app.get("/api/v1/me", Some(&secret))
        .await
        .assert_problem(401, "unauthenticated");
    app.get("/api/v1/me", Some(&nina))
        .await
        .assert_problem(401, "unauthenticated");
}
