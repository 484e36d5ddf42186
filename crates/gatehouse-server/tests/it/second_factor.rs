//! Two-step sign-in over HTTP: enrolment under /api/v1/me/totp, the 401 challenge of
//! POST /api/v1/sessions and its second step, and an admin's reset.

use std::sync::Arc;

use gatehouse_domain::second_factor::code_at;
use gatehouse_domain::{Clock, ManualClock};
use serde_json::json;

use crate::helpers::*;

#[on_both]
async fn the_whole_flow_enrol_then_sign_in_in_two_steps_then_turn_it_off(db: TestDb) {
    let clock = Arc::new(ManualClock::default());
    let app = App::start_with(db, clock.clone(), |router| router).await;
    let admin = app.set_up().await;

    let started = app.post("/api/v1/me/totp", Some(&admin), json!({})).await;
    assert_eq!(started.status, 200, "{}", started.text);
    let secret = started.body["secret"].as_str().unwrap().to_owned();
    assert!(started.body["otpauth_uri"]
        .as_str()
        .unwrap()
        .contains(&secret));
    assert!(started.body["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let code = |clock: &ManualClock| code_at(&secret, clock.now()).unwrap();

    app.post(
        "/api/v1/me/totp/confirm",
        Some(&admin),
        json!({ "code": "000000" }),
    )
    .await
    .assert_problem(422, "validation_failed");
    let confirmed = app
        .post(
            "/api/v1/me/totp/confirm",
            Some(&admin),
            json!({ "code": code(&clock) }),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    assert_eq!(confirmed.body["codes"].as_array().unwrap().len(), 10);
    assert_eq!(confirmed.body["user"]["second_factor"], true);
    let recovery = confirmed.body["codes"][0].as_str().unwrap().to_owned();
    clock.advance(chrono::Duration::minutes(1));

    // The password step: 401 with a challenge and no token.
    let password_step = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    password_step.assert_problem(401, "second_factor_required");
    assert!(!password_step.text.contains("access_token"));
    let challenge = password_step.body["second_factor"]["challenge"]
        .as_str()
        .unwrap()
        .to_owned();

    let wrong = app
        .post(
            "/api/v1/sessions/second-factor",
            None,
            json!({ "challenge": challenge, "code": "000000" }),
        )
        .await;
    wrong.assert_problem(401, "invalid_credentials");
    let signed_in = app
        .post(
            "/api/v1/sessions/second-factor",
            None,
            json!({ "challenge": challenge, "code": code(&clock) }),
        )
        .await;
    assert_eq!(signed_in.status, 201, "{}", signed_in.text);
    let token = signed_in.body["access_token"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 200);

    // A recovery code works once.
    let again = app
        .post(
            "/api/v1/sessions",
            None,
            json!({"login": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    let challenge = again.body["second_factor"]["challenge"].as_str().unwrap();
    let with_recovery = json!({ "challenge": challenge, "recovery_code": recovery });
    let recovered = app
        .post(
            "/api/v1/sessions/second-factor",
            None,
            with_recovery.clone(),
        )
        .await;
    assert_eq!(recovered.status, 201, "{}", recovered.text);

    // Off, with the password and a code (a DELETE with a body).
    clock.advance(chrono::Duration::seconds(30));
    let off = app
        .send(
            reqwest::Method::DELETE,
            "/api/v1/me/totp",
            Some(&token),
            Some(json!({ "current_password": ADMIN_PASSWORD, "code": code(&clock) })),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(off.body["second_factor"], false);
    app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

#[on_both]
async fn an_admin_resets_another_users_second_factor_and_their_sessions_end(db: TestDb) {
    let clock = Arc::new(ManualClock::default());
    let app = App::start_with(db, clock.clone(), |router| router).await;
    let admin = app.set_up().await;
    let id = app.create_user(&admin, "grace", &["viewer"]).await;
    let grace = app.sign_in("grace", GOOD_PASSWORD).await;
    let started = app.post("/api/v1/me/totp", Some(&grace), json!({})).await;
    let secret = started.body["secret"].as_str().unwrap();
    let code = code_at(secret, clock.now()).unwrap();
    let confirmed = app
        .post(
            "/api/v1/me/totp/confirm",
            Some(&grace),
            json!({ "code": code }),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    let seen = app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await;
    assert_eq!(seen.body["second_factor"], true);

    let reset = app
        .delete(&format!("/api/v1/users/{id}/second-factor"), Some(&admin))
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert_eq!(reset.body["second_factor"], false);
    app.get("/api/v1/me", Some(&grace))
        .await
        .assert_problem(401, "unauthenticated");
    app.sign_in("grace", GOOD_PASSWORD).await;
}
