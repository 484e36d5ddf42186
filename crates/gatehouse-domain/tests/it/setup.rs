use gatehouse_domain::*;

use crate::helpers::*;

#[on_both]
async fn setup_creates_the_instance_account_and_admin_and_returns_a_working_token(env: Env) {
    assert!(!env.gh.instance_status().await.unwrap().initialized);
    let admin = env.setup().await;
    let status = env.gh.instance_status().await.unwrap();
    assert!(status.initialized);
    assert_eq!(status.organization.as_deref(), Some("Zydro Marine"));
    assert_eq!(admin.account.name, "Zydro Marine");
    assert_eq!(admin.account.plan, "oem");
    assert_eq!(admin.user.roles, vec![Role::Admin]);
    assert!(admin.user.email_confirmed_at.is_some());
    assert_eq!(admin.user.status, UserStatus::Active);
    let me = env.gh.me(&admin.credential).await.unwrap();
    assert_eq!(me.id, admin.user.id);
    assert_eq!(env.db.count("audit_events").await, 1);
}

#[on_both]
async fn a_second_setup_fails_with_already_initialized_and_changes_nothing(env: Env) {
    env.setup().await;
    let before = env.db.snapshot().await;
    let mut again = env.setup_request();
    again.username = Some("someone".into());
    again.email = "someone@else.example.com".into();
    let error = env.gh.setup(again).await.unwrap_err();
    assert!(matches!(error, Error::AlreadyInitialized), "{error:?}");
    assert_eq!(
        error.to_problem().detail,
        "The instance is already set up: please sign in."
    );
    assert_eq!(env.db.snapshot().await, before);
}

#[on_both]
async fn setup_reports_every_invalid_field_at_once(env: Env) {
    let request = Setup {
        organization: " ".into(),
        first_name: "Al".into(),
        last_name: None,
        username: Some("no spaces allowed".into()),
        email: "ada@localhost".into(),
        password: secret("Password1"),
        password_policy: None,
        blocked_email_domains: None,
        plan: Some("gold plan!".into()),
    };
    let error = env.gh.setup(request).await.unwrap_err();
    let fields: Vec<_> = codes(&error);
    for expected in [
        ("plan", "invalid"),
        ("organization", "required"),
        ("first_name", "too_short"),
        ("username", "invalid_characters"),
        ("email", "invalid"),
        ("password", "min_length"),
        ("password", "not_common"),
    ] {
        assert!(
            fields.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} missing from {fields:?}"
        );
    }
    assert_eq!(env.db.count("instance").await, 0);
}

#[on_both]
async fn setup_blocks_consumer_email_domains_only_when_asked_to(env: Env) {
    let mut blocking = env.setup_request();
    blocking.email = "ada@gmail.com".into();
    blocking.blocked_email_domains = Some(gatehouse_domain::instance::suggested_blocked_domains());
    let error = env.gh.setup(blocking).await.unwrap_err();
    assert_eq!(
        codes(&error),
        vec![("email".to_owned(), "blocked_domain".to_owned())]
    );
    let mut by_default = env.setup_request();
    by_default.email = "ada@gmail.com".into();
    by_default.blocked_email_domains = None;
    let done = env.gh.setup(by_default).await.unwrap();
    let admin = Credential::bearer(done.data.access_token.expose());
    let settings = env.gh.get_settings(&admin).await.unwrap();
    assert!(
        settings.blocked_email_domains.is_empty(),
        "none blocked unless asked"
    );
}

#[on_both]
async fn setup_accepts_the_seed_000_rules_when_that_preset_is_chosen(env: Env) {
    let mut request = env.setup_request();
    request.password = secret("Abcdef1!");
    let error = env.gh.setup(request).await.unwrap_err();
    assert!(codes(&error).iter().all(|(field, _)| field == "password"));
    let mut request = env.setup_request();
    request.password = secret("Abcdef1!");
    request.password_policy = Some(PolicyPreset::Seed000.policy());
    env.gh.setup(request).await.unwrap();
}

#[on_both]
async fn a_username_is_made_from_the_email_when_setup_gives_none(env: Env) {
    let mut request = env.setup_request();
    request.username = None;
    let done = env.gh.setup(request).await.unwrap();
    assert_eq!(done.admin.username, "ada");
    env.sign_in("ada@zydro.example.com", ADMIN_PASSWORD)
        .await
        .unwrap();
}

#[on_both]
async fn racing_setups_from_separate_connections_yield_exactly_one_instance(env: Env) {
    let mut attempts = Vec::new();
    for i in 0..16 {
        let gh = env.another_desktop().await;
        let mut request = env.setup_request();
        request.username = Some(format!("admin{i}"));
        request.email = format!("admin{i}@zydro.example.com");
        attempts.push(async move { gh.setup(request).await });
    }
    let results = spawn_all(attempts).await;
    let winners = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(Error::AlreadyInitialized)))
        .count();
    assert_eq!(
        (winners, refused),
        (1, 15),
        "{:?}",
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .collect::<Vec<_>>()
    );
    for (table, count) in env.db.snapshot().await {
        let expected = match table {
            "api_tokens" | "idempotency_keys" => 0,
            _ => 1,
        };
        assert_eq!(count, expected, "{table}");
    }
}

#[tokio::test]
async fn the_core_s_futures_can_be_spawned_on_a_multithreaded_runtime() {
    fn assert_send<T: Send>(_: &T) {}
    let env = Env::sqlite().await;
    let credential = Credential::bearer("x");
    assert_send(&env.gh.setup(env.setup_request()));
    assert_send(&env.gh.sign_in(
        SignIn {
            login: "a".into(),
            password: secret("b"),
        },
        SignInSource::Desktop,
    ));
    assert_send(&env.gh.create_user(&credential, new_user("abc", vec![])));
    assert_send(&env.gh.create_account(
        &credential,
        NewAccount {
            name: "a".into(),
            plan: None,
            metadata: None,
            username: "a".into(),
            email: None,
            password: secret("a"),
            first_name: None,
            last_name: None,
            token_name: None,
        },
        None,
    ));
    assert_send(&env.gh.list_users(&credential, UserQuery::default()));
}
