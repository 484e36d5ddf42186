//! The operation table held against the HTTP adapter: every backend operation is
//! served at its route and documented there, and for every operation the server and
//! the in-process core answer the same bad input with the same problem (status, code,
//! field errors), so a window shows them alike whichever backend it talks to.

use gatehouse_api::catalog::{Access, Operation, Place, OPERATIONS, WINDOW_OPERATIONS};
use gatehouse_api::dispatch::{dispatch, Authority};
use gatehouse_api::{Backend, InProcess, Remote};
use gatehouse_domain::{Credential, Problem, SignInSource};
use serde_json::{json, Map, Value};

use crate::helpers::*;

/// A call of one operation: its arguments by name (as the window sends them) and
/// who makes it.
struct Call {
    op: &'static Operation,
    args: Map<String, Value>,
    token: Option<String>,
    /// The server's setup code, for `setup_code` operations.
    setup_code: Option<String>,
}

/// What the comparison looks at: the status, the code, and each field error's place
/// and code (messages may word the transport's own findings differently).
fn outline(problem: &Problem) -> (u16, String, Vec<(String, String)>) {
    let mut fields: Vec<_> = problem
        .errors
        .iter()
        .map(|e| (e.field.clone(), e.code.clone()))
        .collect();
    fields.sort();
    (problem.status, problem.code.as_str().to_owned(), fields)
}

/// The call as the HTTP adapter gets it: each argument in its place.
async fn over_http(app: &App, call: &Call) -> Result<Value, Problem> {
    let mut path = call.op.path.to_owned();
    let mut query = Vec::new();
    let mut body = None;
    let mut headers = Vec::new();
    for arg in call.op.args {
        let value = call.args.get(arg.name).cloned().unwrap_or(Value::Null);
        match arg.place {
            Place::path => {
                let text = value
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or(value.to_string());
                path = path.replace(&format!("{{{}}}", arg.name), &text);
            }
            Place::query => {
                for (key, value) in value.as_object().cloned().unwrap_or_default() {
                    let text = value
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or(value.to_string());
                    query.push((key, text));
                }
            }
            Place::body | Place::optional_body => body = Some(value),
            Place::header => {
                if let Some(text) = value.as_str() {
                    headers.push((arg.header.expect("a header name"), text.to_owned()));
                }
            }
        }
    }
    let method = reqwest::Method::from_bytes(call.op.method.to_uppercase().as_bytes()).unwrap();
    let mut request = app.client.request(method, app.url(&path)).query(&query);
    if let Some(token) = &call.token {
        request = request.bearer_auth(token);
    }
    if let Some(code) = &call.setup_code {
        request = request.header("X-Setup-Code", code);
    }
    if let Some(body) = &body {
        request = request.json(body);
    }
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = Resp::from(request.send().await.unwrap()).await;
    if response.status < 300 {
        Ok(response.body)
    } else {
        Err(serde_json::from_value(response.body.clone())
            .unwrap_or_else(|_| panic!("{}: not a problem: {}", call.op.name, response.text)))
    }
}

/// The same call as the window's command makes it: the arguments decoded, then the
/// in-process core.
async fn in_process(app: &App, call: &Call) -> Result<Value, Problem> {
    let backend = InProcess::new(app.core.clone(), SignInSource::Desktop);
    let credential = call.token.as_deref().map(Credential::bearer);
    let authority = Authority {
        caller: credential.as_ref(),
        setup_code: None,
    };
    dispatch(&backend, call.op.name, authority, &call.args).await
}

/// Bad input every operation can be given, from its entry alone: no credential, a
/// wrong one, an id that is no UUID, a body or query of the wrong shape. `setup_code`
/// operations get the server's code (before the setup: afterwards the server refuses
/// any code before reading further, and the in-process core has no code to refuse).
fn bad_calls(admin: &str, setup_code: Option<&str>, ops: &[&'static Operation]) -> Vec<Call> {
    let mut calls = Vec::new();
    for &op in ops {
        let good_args = || -> Map<String, Value> {
            op.args
                .iter()
                .map(|arg| {
                    let value = match arg.place {
                        Place::path => json!(uuid::Uuid::now_v7()),
                        Place::query => json!({}),
                        Place::header => Value::Null,
                        Place::body | Place::optional_body => json!({}),
                    };
                    (arg.name.to_owned(), value)
                })
                .collect()
        };
        if op.access == Access::caller {
            calls.push(Call {
                op,
                args: good_args(),
                token: None,
                setup_code: None,
            });
            calls.push(Call {
                op,
                args: good_args(),
                token: Some("not-a-token".into()),
                setup_code: None,
            });
        }
        let token = (op.access == Access::caller).then(|| admin.to_owned());
        for arg in op.args {
            let wrong = match arg.place {
                Place::path => json!("not-a-uuid"),
                Place::query => json!({ "bogus": "1" }),
                Place::body | Place::optional_body => json!(["not", "an", "object"]),
                Place::header => continue,
            };
            let mut args = good_args();
            args.insert(arg.name.to_owned(), wrong);
            calls.push(Call {
                op,
                args,
                token: token.clone(),
                setup_code: (op.access == Access::setup_code)
                    .then(|| setup_code.expect("a setup code").to_owned()),
            });
        }
    }
    calls
}

/// Makes each call through both adapters and asserts the same problem.
async fn compare(app: &App, calls: &[Call], covered: &mut std::collections::BTreeSet<&str>) {
    for call in calls {
        let http = over_http(app, call).await.expect_err(call.op.name);
        let window = in_process(app, call).await.expect_err(call.op.name);
        assert_eq!(
            outline(&http),
            outline(&window),
            "{} with {:?}",
            call.op.name,
            call.args
        );
        covered.insert(call.op.name);
    }
}

#[test]
fn every_backend_operation_is_in_the_openapi_document_at_its_route() {
    let doc: Value = serde_json::from_str(&gatehouse_server::openapi_json()).unwrap();
    for op in OPERATIONS {
        let entry = &doc["paths"][op.path][op.method];
        assert!(
            entry.is_object(),
            "{} {} is not documented",
            op.method,
            op.path
        );
        assert_eq!(entry["operationId"], op.name, "{}", op.path);
        assert!(
            entry["tags"]
                .as_array()
                .is_some_and(|t| t.contains(&json!(op.tag))),
            "{}: tag {}",
            op.name,
            op.tag
        );
        let secured = entry["security"].is_array();
        assert_eq!(
            secured,
            op.access == Access::caller,
            "{}: security",
            op.name
        );
    }
}

#[test]
fn every_reference_in_the_openapi_document_resolves() {
    let doc: Value = serde_json::from_str(&gatehouse_server::openapi_json()).unwrap();
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target.clone());
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    for target in found {
        let name = target
            .strip_prefix("#/components/schemas/")
            .expect("a schema reference");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{target} does not resolve"
        );
    }
}

#[test]
fn window_operations_are_not_http_routes() {
    let doc: Value = serde_json::from_str(&gatehouse_server::openapi_json()).unwrap();
    let ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|entry| entry["operationId"].as_str())
        .collect();
    for op in WINDOW_OPERATIONS {
        assert!(
            !ids.contains(&op.name),
            "{} is desktop-only: {}",
            op.name,
            op.why
        );
    }
}

#[on_both]
async fn every_backend_operation_is_served_at_its_route(db: TestDb) {
    let app = App::start(db).await;
    for op in OPERATIONS {
        let path = op.path.replace("{id}", &uuid::Uuid::now_v7().to_string());
        let method = reqwest::Method::from_bytes(op.method.to_uppercase().as_bytes()).unwrap();
        let response = Resp::from(
            app.client
                .request(method, app.url(&path))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_ne!(
            response.body["detail"], "There is no such endpoint.",
            "{} {}",
            op.method, op.path
        );
        assert_ne!(response.status, 405, "{} {}", op.method, op.path);
    }
}

#[on_both]
async fn both_backends_answer_every_operations_bad_input_with_the_same_problem(db: TestDb) {
    let app = App::start(db).await;
    let (setup_ops, ops): (Vec<&Operation>, Vec<&Operation>) = OPERATIONS
        .iter()
        .partition(|op| op.access == Access::setup_code);
    let mut covered = std::collections::BTreeSet::new();
    let before_setup = bad_calls("", app.setup_code.as_deref(), &setup_ops);
    compare(&app, &before_setup, &mut covered).await;
    let admin = app.set_up().await;
    compare(&app, &bad_calls(&admin, None, &ops), &mut covered).await;
    // Public operations without arguments cannot be given bad input.
    let uncovered: Vec<_> = OPERATIONS
        .iter()
        .filter(|op| !covered.contains(op.name))
        .filter(|op| op.access == Access::caller || !op.args.is_empty())
        .map(|op| op.name)
        .collect();
    assert!(uncovered.is_empty(), "{uncovered:?}");
}

#[on_both]
async fn a_rule_the_core_enforces_reads_the_same_through_either_backend(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let op = gatehouse_api::catalog::operation("create_user").unwrap();
    let args: Map<String, Value> = [(
        "request".to_owned(),
        json!({"username": "x y", "email": "not-an-email", "password": "short"}),
    )]
    .into_iter()
    .collect();
    let call = Call {
        op,
        args,
        token: Some(admin),
        setup_code: None,
    };
    let http = over_http(&app, &call).await.unwrap_err();
    let window = in_process(&app, &call).await.unwrap_err();
    assert_eq!(http.status, 422);
    assert_eq!(http, window, "the same problem, message for message");
}

#[on_both]
async fn the_http_client_backend_runs_every_operation_against_the_server(db: TestDb) {
    use gatehouse_domain::*;
    let app = App::start(db).await;
    let code = app.setup_code.clone().map(secrecy::SecretString::from);
    let remote = Remote::new(app.base.parse().unwrap(), reqwest::Client::new());

    let status = remote.instance_status().await.unwrap();
    assert!(!status.initialized);
    let setup: Setup = serde_json::from_value(App::setup_body()).unwrap();
    let done = remote.setup(code, setup).await.unwrap();
    let admin = Credential::bearer(done.data.access_token.expose());
    assert_eq!(remote.me(&admin).await.unwrap().username, "alice");

    let signed_in = remote
        .sign_in(SignIn {
            login: ADMIN_EMAIL.into(),
            password: secrecy::SecretString::from(ADMIN_PASSWORD.to_owned()),
        })
        .await
        .unwrap();
    assert_eq!(signed_in.user.id, done.admin.id);

    let new_user = |username: &str| -> NewUser {
        serde_json::from_value(json!({"username": username, "password": GOOD_PASSWORD})).unwrap()
    };
    let grace = remote.create_user(&admin, new_user("grace")).await.unwrap();
    let taken = remote
        .create_user(&admin, new_user("GRACE"))
        .await
        .unwrap_err();
    assert_eq!((taken.status, taken.code), (409, ErrorCode::Conflict));
    let page = remote
        .list_users(
            &admin,
            UserQuery {
                search: Some("gra".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![grace.id]
    );
    assert_eq!(remote.get_user(&admin, grace.id).await.unwrap(), grace);
    let suspended = remote
        .set_user_status(
            &admin,
            grace.id,
            StatusChange {
                status: UserStatus::Suspended,
            },
        )
        .await
        .unwrap();
    assert_eq!(suspended.status, UserStatus::Suspended);
    let editor = remote
        .set_user_roles(
            &admin,
            grace.id,
            RolesChange {
                roles: vec![Role::Editor],
            },
        )
        .await
        .unwrap();
    assert_eq!(editor.roles, vec![Role::Editor]);
    let reset = remote
        .reset_user_password(&admin, grace.id, PasswordResetRequest::default())
        .await
        .unwrap();
    assert!(reset.temporary_password.is_some());
    remote.unlock_user(&admin, grace.id).await.unwrap();
    let admin2: NewAdmin =
        serde_json::from_value(json!({"email": "bob@acme.example.com", "password": GOOD_PASSWORD}))
            .unwrap();
    assert_eq!(
        remote.create_admin(&admin, admin2).await.unwrap().roles,
        vec![Role::Admin]
    );

    let account: NewAccount = serde_json::from_value(json!({"name": "Globex", "username": "owner@globex.example.com", "password": GOOD_PASSWORD})).unwrap();
    let created = remote
        .create_account(&admin, account, Some("retry-1".into()))
        .await
        .unwrap();
    assert!(created.initial_token_secret.is_some() && !created.replayed);
    let again: NewAccount = serde_json::from_value(json!({"name": "Globex", "username": "owner@globex.example.com", "password": GOOD_PASSWORD})).unwrap();
    let replayed = remote
        .create_account(&admin, again, Some("retry-1".into()))
        .await
        .unwrap();
    assert!(replayed.replayed && replayed.initial_token_secret.is_none());
    assert_eq!(
        remote
            .get_account(&admin, created.account.id)
            .await
            .unwrap()
            .name,
        "Globex"
    );
    assert!(
        remote
            .list_accounts(&admin, AccountQuery::default())
            .await
            .unwrap()
            .total
            >= 2
    );

    let token: NewApiToken = serde_json::from_value(json!({"name": "ci"})).unwrap();
    let issued = remote.create_api_token(&admin, token).await.unwrap();
    let listed = remote
        .list_api_tokens(&admin, TokenQuery::default())
        .await
        .unwrap();
    assert!(listed.items.iter().any(|t| t.id == issued.token.id));
    assert_eq!(
        remote
            .revoke_api_token(&admin, issued.token.id)
            .await
            .unwrap()
            .state,
        TokenState::Revoked
    );

    let mut settings = remote.get_settings(&admin).await.unwrap();
    settings.lockout_threshold = 7;
    assert_eq!(
        remote
            .update_settings(&admin, settings)
            .await
            .unwrap()
            .lockout_threshold,
        7
    );
    assert_eq!(
        remote.password_policy().await.unwrap(),
        remote.get_settings(&admin).await.unwrap().password_policy
    );
    let report = remote
        .evaluate_password(PasswordCandidate {
            password: secrecy::SecretString::from("abc".to_owned()),
            context: None,
            policy: None,
        })
        .await
        .unwrap();
    assert!(!report.passed);
    assert!(!remote.verification_keys().await.unwrap().keys.is_empty());
    assert!(!remote
        .list_audit_events(&admin, AuditQuery::default())
        .await
        .unwrap()
        .items
        .is_empty());

    let changed = remote
        .change_password(
            &admin,
            PasswordChange {
                current_password: secrecy::SecretString::from(ADMIN_PASSWORD.to_owned()),
                new_password: secrecy::SecretString::from("Granite-Meadow-48-lynx".to_owned()),
            },
        )
        .await
        .unwrap();
    let expired = remote.me(&admin).await.unwrap_err();
    assert_eq!(
        expired.code,
        ErrorCode::Unauthenticated,
        "the old session ended"
    );
    let fresh = Credential::bearer(changed.access_token.access_token.expose());
    assert_eq!(remote.me(&fresh).await.unwrap().id, done.admin.id);
}
