//! Users and admins (seeds 002, 003, 004).

use crate::helpers::*;
use serde_json::json;

#[on_both]
async fn an_admin_creates_a_user_and_finds_it_by_id_and_in_the_list(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let response = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({
                "username": "jsmith",
                "password": GOOD_PASSWORD,
                "email": "jsmith@example.com",
                "first_name": "Jane",
                "last_name": "Smith",
                "business_role": "Analyst",
                "preferences": {"projectTutorial": {"hasClickedCreateModel": false}},
            }),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.content_type, "application/json");
    let user = &response.body;
    assert_eq!(user["roles"], json!(["viewer"]));
    assert_eq!(user["status"], "active");
    assert_eq!(user["is_active"], true);
    assert_eq!(
        user["preferences"]["projectTutorial"]["hasClickedCreateModel"],
        false
    );
    assert!(user.get("password").is_none() && !response.text.contains(GOOD_PASSWORD));
    let id = user["id"].as_str().unwrap();
    let location = response.headers["location"].to_str().unwrap();
    assert_eq!(location, format!("/api/v1/users/{id}"));
    let fetched = app.get(location, Some(&admin)).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body["username"], "jsmith");
    let found = app
        .get(
            "/api/v1/users?search=SMITH&role=viewer&limit=10",
            Some(&admin),
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(found.body["total"], 1);
    assert_eq!(found.body["items"][0]["id"], id);
}

#[on_both]
async fn the_user_list_pages_with_a_cursor(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    for name in ["user_a", "user_b", "user_c"] {
        app.create_user(&admin, name, &["viewer"]).await;
    }
    let first = app.get("/api/v1/users?limit=2", Some(&admin)).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(first.body["total"], 4);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app
        .get(
            &format!("/api/v1/users?limit=2&after={cursor}"),
            Some(&admin),
        )
        .await;
    assert_eq!(second.body["items"].as_array().unwrap().len(), 2);
    assert!(second.body["next_cursor"].is_null());
}

#[on_both]
async fn a_taken_username_or_email_is_409_conflict(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    app.create_user(&admin, "jsmith", &["viewer"]).await;
    let same_name = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "JSmith", "email": "other@example.com", "password": GOOD_PASSWORD}),
        )
        .await;
    same_name.assert_problem(409, "conflict");
    assert_eq!(same_name.error_fields(), vec!["username"]);
    let same_email = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "other", "email": "JSMITH@example.com", "password": GOOD_PASSWORD}),
        )
        .await;
    same_email.assert_problem(409, "conflict");
    assert_eq!(same_email.error_fields(), vec!["email"]);
    assert_eq!(app.user_total(&admin).await, 2);
}

#[on_both]
async fn invalid_user_values_are_422_listing_every_field(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let response = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "a!", "email": "not-an-email", "password": "short"}),
        )
        .await;
    response.assert_problem(422, "validation_failed");
    let fields = response.error_fields();
    for field in ["username", "email", "password"] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    assert_eq!(app.user_total(&admin).await, 1);
}

#[on_both]
async fn an_admin_changes_a_users_status_and_roles(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let id = app.create_user(&admin, "erin", &["viewer"]).await;
    let suspended = app
        .put(
            &format!("/api/v1/users/{id}/status"),
            Some(&admin),
            json!({"status": "suspended"}),
        )
        .await;
    assert_eq!(suspended.status, 200, "{}", suspended.text);
    assert_eq!(suspended.body["status"], "suspended");
    assert_eq!(suspended.body["is_active"], false);
    let roles = app
        .put(
            &format!("/api/v1/users/{id}/roles"),
            Some(&admin),
            json!({"roles": ["editor", "viewer"]}),
        )
        .await;
    assert_eq!(roles.status, 200, "{}", roles.text);
    assert_eq!(roles.body["roles"], json!(["editor", "viewer"]));
    let listed = app
        .get("/api/v1/users?status=suspended", Some(&admin))
        .await;
    assert_eq!(listed.body["total"], 1);
}

#[on_both]
async fn an_admin_cannot_change_their_own_status_or_drop_their_own_admin_role(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let me = app.get("/api/v1/me", Some(&admin)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.put(
        &format!("/api/v1/users/{me}/status"),
        Some(&admin),
        json!({"status": "suspended"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.put(
        &format!("/api/v1/users/{me}/roles"),
        Some(&admin),
        json!({"roles": ["viewer"]}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.put(
        &format!("/api/v1/users/{me}/roles"),
        Some(&admin),
        json!({"roles": []}),
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[on_both]
async fn an_admin_sets_a_temporary_password_and_unlocks_a_user(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let id = app.create_user(&admin, "lena", &["viewer"]).await;
    for _ in 0..5 {
        app.post(
            "/api/v1/sessions",
            None,
            json!({"login": "lena", "password": "Wrong-Guess-123"}),
        )
        .await
        .assert_problem(401, "invalid_credentials");
    }
    // This address now waits, even with the right password; the admin sees the count.
    app.post(
        "/api/v1/sessions",
        None,
        json!({"login": "lena", "password": GOOD_PASSWORD}),
    )
    .await
    .assert_problem(401, "invalid_credentials");
    let locked = app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await;
    assert_eq!(locked.body["failed_sign_ins"], 5, "{}", locked.text);
    let unlocked = app
        .post(
            &format!("/api/v1/users/{id}/unlock"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(unlocked.status, 200, "{}", unlocked.text);
    assert!(unlocked.body["locked_until"].is_null());
    assert_eq!(unlocked.body["failed_sign_ins"], 0);
    let reset = app
        .post(
            &format!("/api/v1/users/{id}/password-reset"),
            Some(&admin),
            json!({"temporary_password": "Copper-Meadow-64-lynx"}),
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert!(
        reset.body["temporary_password"].is_null(),
        "a chosen password is not echoed"
    );
    let signed_in = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": "lena", "password": "Copper-Meadow-64-lynx"}),
        )
        .await;
    assert_eq!(signed_in.status, 201);
    assert_eq!(signed_in.body["must_change_password"], true);
}

#[on_both]
async fn a_password_reset_without_a_body_generates_one(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let id = app.create_user(&admin, "omar", &["viewer"]).await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/users/{id}/password-reset")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let response = Resp::from(response).await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert!(response.body["temporary_password"].as_str().unwrap().len() >= 12);
}

#[on_both]
async fn an_unknown_user_is_404_and_a_malformed_id_is_400(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let unknown = uuid::Uuid::new_v4();
    app.get(&format!("/api/v1/users/{unknown}"), Some(&admin))
        .await
        .assert_problem(404, "not_found");
    app.put(
        &format!("/api/v1/users/{unknown}/status"),
        Some(&admin),
        json!({"status": "active"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &format!("/api/v1/users/{unknown}/unlock"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.get("/api/v1/users/not-a-uuid", Some(&admin))
        .await
        .assert_problem(400, "bad_request");
}

#[on_both]
async fn an_admin_creates_an_admin_with_a_confirmed_email_as_seed_003_says(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let response = app
        .post(
            "/api/v1/admins",
            Some(&admin),
            json!({"email": "bob.admin@example.com", "password": GOOD_PASSWORD}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.body["roles"], json!(["admin"]));
    assert!(response.body["email_confirmed_at"].is_string());
    assert_eq!(response.body["username"], "bob.admin");
    let again = app
        .post("/api/v1/admins", Some(&admin), json!({"email": "BOB.ADMIN@example.com", "username": "bob2", "password": GOOD_PASSWORD}))
        .await;
    again.assert_problem(409, "conflict");
    app.post(
        "/api/v1/admins",
        None,
        json!({"email": "x@example.com", "password": GOOD_PASSWORD}),
    )
    .await
    .assert_problem(401, "unauthenticated");
}
