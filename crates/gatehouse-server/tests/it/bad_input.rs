//! Bad input of any kind gets a problem document and changes nothing.

use crate::helpers::*;
use serde_json::json;

async fn raw(
    app: &App,
    path: &str,
    token: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Resp {
    let mut request = app.client.post(app.url(path)).bearer_auth(token).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    Resp::from(request.send().await.unwrap()).await
}

#[on_both]
async fn malformed_json_is_400_bad_request(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let response = raw(
        &app,
        "/api/v1/users",
        &admin,
        Some("application/json"),
        b"{\"username\": ".to_vec(),
    )
    .await;
    response.assert_problem(400, "bad_request");
    let trailing = raw(
        &app,
        "/api/v1/users",
        &admin,
        Some("application/json"),
        b"{} {}".to_vec(),
    )
    .await;
    trailing.assert_problem(400, "bad_request");
    assert_eq!(app.user_total(&admin).await, 1);
}

#[on_both]
async fn a_wrong_type_is_400_naming_the_field(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let response = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": 42, "email": "x@example.com", "password": GOOD_PASSWORD}),
        )
        .await;
    response.assert_problem(400, "bad_request");
    assert_eq!(response.error_fields(), vec!["username"]);
    let roles = app
        .post("/api/v1/users", Some(&admin), json!({"username": "x", "email": "x@example.com", "password": GOOD_PASSWORD, "roles": ["root"]}))
        .await;
    roles.assert_problem(400, "bad_request");
    assert_eq!(roles.error_fields(), vec!["roles[0]"]);
    assert_eq!(app.user_total(&admin).await, 1);
}

#[on_both]
async fn an_unknown_or_missing_field_is_400(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let unknown = app
        .post("/api/v1/users", Some(&admin), json!({"username": "eve", "email": "eve@example.com", "password": GOOD_PASSWORD, "is_admin": true}))
        .await;
    unknown.assert_problem(400, "bad_request");
    assert!(unknown.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("is_admin"));
    let missing = app
        .post("/api/v1/users", Some(&admin), json!({"username": "eve"}))
        .await;
    missing.assert_problem(400, "bad_request");
    let not_an_object = app
        .post("/api/v1/users", Some(&admin), json!(["eve"]))
        .await;
    not_an_object.assert_problem(400, "bad_request");
    assert_eq!(app.user_total(&admin).await, 1);
}

#[on_both]
async fn a_body_that_is_not_json_is_415(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let body = serde_json::to_vec(
        &json!({"username": "eve", "email": "eve@example.com", "password": GOOD_PASSWORD}),
    )
    .unwrap();
    raw(&app, "/api/v1/users", &admin, None, body.clone())
        .await
        .assert_problem(415, "unsupported_media_type");
    raw(
        &app,
        "/api/v1/users",
        &admin,
        Some("text/plain"),
        body.clone(),
    )
    .await
    .assert_problem(415, "unsupported_media_type");
    raw(
        &app,
        "/api/v1/users",
        &admin,
        Some("application/x-www-form-urlencoded"),
        b"username=eve".to_vec(),
    )
    .await
    .assert_problem(415, "unsupported_media_type");
    assert_eq!(
        raw(
            &app,
            "/api/v1/users",
            &admin,
            Some("application/json; charset=utf-8"),
            body
        )
        .await
        .status,
        201
    );
}

#[on_both]
async fn a_body_over_64_kib_is_413(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let huge = json!({"username": "eve", "email": "eve@example.com", "password": GOOD_PASSWORD, "business_role": "x".repeat(70 * 1024)});
    app.post("/api/v1/users", Some(&admin), huge)
        .await
        .assert_problem(413, "payload_too_large");
    let evaluate = app
        .post(
            "/api/v1/password-policy/evaluate",
            None,
            json!({"password": "y".repeat(100 * 1024)}),
        )
        .await;
    evaluate.assert_problem(413, "payload_too_large");
    assert_eq!(app.user_total(&admin).await, 1);
}

#[on_both]
async fn a_bad_query_string_is_400(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    app.get("/api/v1/users?limit=lots", Some(&admin))
        .await
        .assert_problem(400, "bad_request");
    app.get("/api/v1/users?role=root", Some(&admin))
        .await
        .assert_problem(400, "bad_request");
    app.get("/api/v1/accounts?offset=-1", Some(&admin))
        .await
        .assert_problem(400, "bad_request");
    app.get("/api/v1/tokens?user_id=nope", Some(&admin))
        .await
        .assert_problem(400, "bad_request");
}

#[on_both]
async fn an_unknown_route_is_a_404_problem_and_a_wrong_method_a_405_problem(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    app.get("/api/v1/nothing-here", Some(&admin))
        .await
        .assert_problem(404, "not_found");
    app.get("/", None).await.assert_problem(404, "not_found");
    let wrong = app.delete("/api/v1/users", Some(&admin)).await;
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.content_type, "application/problem+json");
    assert_eq!(wrong.body["status"], 405);
    assert_eq!(wrong.body["code"], "method_not_allowed");
    assert_eq!(app.put("/healthz", None, json!({})).await.status, 405);
}

#[on_both]
async fn a_nul_character_is_422_on_both_databases_and_changes_nothing(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let sign_in = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": "ali\u{0}ce", "password": "x"}),
        )
        .await;
    sign_in.assert_problem(422, "validation_failed");
    assert_eq!(sign_in.error_fields(), vec!["login"]);
    let user = app
        .post("/api/v1/users", Some(&admin), json!({"username": "eve", "email": "eve@example.com", "password": GOOD_PASSWORD, "preferences": {"a\u{0}": ["\u{0}"]}}))
        .await;
    user.assert_problem(422, "validation_failed");
    assert_eq!(
        user.error_fields(),
        vec!["preferences.a\u{0}", "preferences.a\u{0}[0]"]
    );
    app.get("/api/v1/users?search=a%00b", Some(&admin))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(app.user_total(&admin).await, 1);
}
