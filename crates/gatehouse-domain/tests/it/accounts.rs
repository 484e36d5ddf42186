use gatehouse_domain::*;
use serde_json::json;

use crate::helpers::*;

fn new_account(name: &str, username: &str) -> NewAccount {
    NewAccount {
        name: name.into(),
        plan: None,
        metadata: Some(json!({"region": "eu"})),
        username: username.into(),
        email: None,
        password: secret(STRONG),
        first_name: None,
        last_name: None,
        token_name: None,
    }
}

#[on_both]
async fn creating_an_account_makes_the_account_primary_user_and_a_working_token(env: Env) {
    let admin = env.setup().await;
    let created = env
        .gh
        .create_account(
            &admin.credential,
            new_account("Acme Boats", "owner@acme-boats.example.com"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(created.account.name, "Acme Boats");
    assert_eq!(created.account.plan, "oem", "inherits the caller's plan");
    assert_eq!(created.account.metadata, json!({"region": "eu"}));
    assert_eq!(created.user.account_id, created.account.id);
    assert_eq!(
        created.user.email.as_deref(),
        Some("owner@acme-boats.example.com")
    );
    assert_eq!(created.user.username, "owner");
    assert_eq!(created.user.roles, vec![Role::Viewer]);
    assert_eq!(created.initial_token.name, "Default");
    assert_eq!(created.initial_token.user_id, created.user.id);
    assert!(!created.replayed);
    let secret = created.initial_token_secret.expect("shown the first time");
    assert!(secret.expose().starts_with("gth_"));
    let me = env
        .gh
        .me(&Credential::bearer(secret.expose()))
        .await
        .unwrap();
    assert_eq!(me.id, created.user.id);
    env.sign_in("owner@acme-boats.example.com", STRONG)
        .await
        .unwrap();
    let listed = env
        .gh
        .list_accounts(
            &admin.credential,
            AccountQuery {
                limit: Some(10),
                offset: Some(0),
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.total, 2);
    assert_eq!(listed.items[0].id, created.account.id);
}

#[on_both]
async fn an_explicit_plan_overrides_the_inherited_one(env: Env) {
    let admin = env.setup().await;
    let mut request = new_account("Acme", "owner");
    request.email = Some("owner@acme.example.com".into());
    request.plan = Some("enterprise".into());
    assert_eq!(
        env.gh
            .create_account(&admin.credential, request, None)
            .await
            .unwrap()
            .account
            .plan,
        "enterprise"
    );
}

#[on_both]
async fn a_failure_after_any_step_of_create_account_leaves_the_database_unchanged(env: Env) {
    let admin = env.setup().await;
    let before = env.db.snapshot().await;
    for step in [
        "create_account.account",
        "create_account.user",
        "create_account.token",
        "create_account.audit",
    ] {
        env.gh.fail_after(Some(step));
        let error = env
            .gh
            .create_account(
                &admin.credential,
                new_account("Acme", "owner@acme.example.com"),
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Internal(_)), "{step}: {error:?}");
        assert_eq!(
            error.to_problem().detail,
            "Internal error: the details are in the log."
        );
        assert_eq!(env.db.snapshot().await, before, "after a failure at {step}");
    }
    env.gh.fail_after(None);
    env.gh
        .create_account(
            &admin.credential,
            new_account("Acme", "owner@acme.example.com"),
            None,
        )
        .await
        .unwrap();
    assert_ne!(
        env.db.snapshot().await,
        before,
        "the same request succeeds once nothing fails"
    );
}

#[on_both]
async fn a_taken_username_rolls_back_the_whole_account(env: Env) {
    let admin = env.setup().await;
    let before = env.db.snapshot().await;
    let mut request = new_account("Acme", "ada");
    request.email = Some("new@acme.example.com".into());
    let error = env
        .gh
        .create_account(&admin.credential, request, None)
        .await
        .unwrap_err();
    assert_codes(&error, &[("username", "taken")]);
    assert_eq!(env.db.snapshot().await, before);
}

#[on_both]
async fn a_retried_create_account_with_the_same_key_returns_the_first_result_without_the_secret(
    env: Env,
) {
    let admin = env.setup().await;
    let first = env
        .gh
        .create_account(
            &admin.credential,
            new_account("Acme", "owner@acme.example.com"),
            Some("key-1".to_owned()),
        )
        .await
        .unwrap();
    let after_first = env.db.snapshot().await;
    let retry = env
        .gh
        .create_account(
            &admin.credential,
            new_account("Acme", "owner@acme.example.com"),
            Some("key-1".to_owned()),
        )
        .await
        .unwrap();
    assert!(retry.replayed);
    assert_eq!(
        (retry.account.id, retry.user.id, retry.initial_token.id),
        (first.account.id, first.user.id, first.initial_token.id)
    );
    assert!(
        retry.initial_token_secret.is_none(),
        "a secret is never shown twice"
    );
    assert_eq!(env.db.snapshot().await, after_first);
    let reused = env
        .gh
        .create_account(
            &admin.credential,
            new_account("Other", "x@other.example.com"),
            Some("key-1".to_owned()),
        )
        .await
        .unwrap_err();
    assert!(matches!(reused, Error::IdempotencyKeyReused));
}

#[on_both]
async fn concurrent_retries_with_one_idempotency_key_create_one_account(env: Env) {
    let admin = env.setup().await;
    let mut attempts = Vec::new();
    for _ in 0..8 {
        let (gh, credential) = (env.gh.clone(), admin.credential.clone());
        attempts.push(async move {
            gh.create_account(
                &credential,
                new_account("Acme", "owner@acme.example.com"),
                Some("same-key".to_owned()),
            )
            .await
        });
    }
    let results = spawn_all(attempts).await;
    let created: Vec<_> = results
        .into_iter()
        .map(|r| r.expect("every retry succeeds"))
        .collect();
    assert_eq!(created.iter().filter(|c| !c.replayed).count(), 1);
    assert!(created
        .iter()
        .all(|c| c.account.id == created[0].account.id));
    assert_eq!(env.db.count("accounts").await, 2);
}

#[on_both]
async fn create_account_reports_every_invalid_field(env: Env) {
    let admin = env.setup().await;
    let request = NewAccount {
        name: "".into(),
        plan: Some("no spaces".into()),
        metadata: Some(json!("text")),
        username: "ab".into(),
        email: None,
        password: secret("x"),
        first_name: None,
        last_name: None,
        token_name: Some(" ".into()),
    };
    let error = env
        .gh
        .create_account(&admin.credential, request, None)
        .await
        .unwrap_err();
    let fields: std::collections::BTreeSet<_> = codes(&error).into_iter().map(|(f, _)| f).collect();
    for field in [
        "name",
        "plan",
        "metadata",
        "token_name",
        "email",
        "password",
    ] {
        assert!(fields.contains(field), "{field} missing from {fields:?}");
    }
}

#[on_both]
async fn only_admins_create_accounts(env: Env) {
    let admin = env.setup().await;
    let (_, viewer) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    assert!(matches!(
        env.gh
            .create_account(&viewer, new_account("Acme", "o@acme.example.com"), None)
            .await
            .unwrap_err(),
        Error::Forbidden
    ));
    assert!(matches!(
        env.gh
            .create_account(
                &Credential::bearer("nope"),
                new_account("Acme", "o@acme.example.com"),
                None
            )
            .await
            .unwrap_err(),
        Error::Unauthenticated
    ));
}

#[on_both]
async fn nul_characters_in_an_accounts_metadata_key_or_token_name_change_nothing(env: Env) {
    let admin = env.setup().await;
    let (accounts, users, tokens) = (
        env.db.count("accounts").await,
        env.db.count("users").await,
        env.db.count("api_tokens").await,
    );
    let mut request = new_account("Acme", "owner@acme.example.com");
    request.metadata = Some(json!({"k\u{0}": "v"}));
    request.token_name = Some("ci\0".into());
    let error = env
        .gh
        .create_account(&admin.credential, request, Some("retry\0".to_owned()))
        .await
        .unwrap_err();
    let fields: std::collections::BTreeSet<_> = codes(&error).into_iter().collect();
    assert_eq!(
        fields,
        [
            ("idempotency_key", "invalid_characters"),
            ("metadata.k\u{0}", "invalid_characters"),
            ("token_name", "invalid_characters")
        ]
        .map(|(f, c)| (f.to_owned(), c.to_owned()))
        .into()
    );
    assert_eq!(
        (
            env.db.count("accounts").await,
            env.db.count("users").await,
            env.db.count("api_tokens").await
        ),
        (accounts, users, tokens)
    );
}
