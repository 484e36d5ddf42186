//! The contract a client written to the seeds relies on: the OpenAPI document states
//! the core's rules, seed 004's username-and-password user, and derived usernames
//! that never fail a request.

use gatehouse_domain::constraints::{TextRule, FIELD_RULES};
use serde_json::{json, Value};

use crate::helpers::*;

/// (minLength, maxLength, pattern) as the document states them, or as a rule has them.
type Stated = (Option<u64>, Option<u64>, Option<String>);

fn stated(property: &Value) -> Stated {
    let length = |key: &str| property.get(key).and_then(Value::as_u64);
    (
        length("minLength"),
        length("maxLength"),
        property
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_owned),
    )
}

fn of(rule: &TextRule) -> Stated {
    (
        rule.min_length.map(|n| n as u64),
        rule.max_length.map(|n| n as u64),
        rule.pattern.map(str::to_owned),
    )
}

#[on_both]
async fn the_openapi_document_states_every_text_rule_the_core_checks(db: TestDb) {
    let app = App::start(db).await;
    let doc = app.get("/openapi.json", None).await.body;
    let schemas = &doc["components"]["schemas"];
    for (schema, property, rule) in FIELD_RULES {
        let field = &schemas[schema]["properties"][property];
        assert!(field.is_object(), "{schema}.{property} is in the document");
        assert_eq!(stated(field), of(rule), "{schema}.{property}");
    }
    let username = &schemas["NewUser"]["properties"]["username"];
    assert_eq!(
        username["minLength"],
        gatehouse_domain::username::MIN_LENGTH
    );
    assert_eq!(
        username["maxLength"],
        gatehouse_domain::username::MAX_LENGTH
    );
    assert_eq!(username["pattern"], gatehouse_domain::username::PATTERN);
    assert_eq!(
        schemas["NewUser"]["properties"]["email"]["maxLength"],
        gatehouse_domain::email::MAX_LENGTH
    );
    assert_eq!(schemas["Setup"]["properties"]["first_name"]["minLength"], 3);
    assert_eq!(
        schemas["NewUser"]["required"],
        json!(["username", "password"]),
        "seed 004: email is optional"
    );
}

#[on_both]
async fn a_user_with_only_a_username_and_a_password_is_created_as_a_viewer(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let response = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "seed004", "password": GOOD_PASSWORD}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.body["email"], Value::Null);
    assert_eq!(response.body["roles"], json!(["viewer"]));
    assert_eq!(
        (
            response.body["status"].as_str(),
            response.body["is_active"].as_bool()
        ),
        (Some("active"), Some(true))
    );
    let admin_without_email = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "boss", "password": GOOD_PASSWORD, "roles": ["admin"]}),
        )
        .await;
    admin_without_email.assert_problem(422, "validation_failed");
    assert_eq!(admin_without_email.error_fields(), vec!["email"]);
}

#[on_both]
async fn admins_created_from_emails_with_one_local_part_both_succeed(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let mut usernames = Vec::new();
    for email in ["admin@a.example", "admin@b.example"] {
        let response = app
            .post(
                "/api/v1/admins",
                Some(&admin),
                json!({"email": email, "password": GOOD_PASSWORD}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text);
        usernames.push(response.body["username"].as_str().unwrap().to_owned());
    }
    assert_eq!(usernames, ["admin", "admin2"]);
}
