use gatehouse_domain::*;

use crate::helpers::*;

#[on_both]
async fn a_changed_policy_is_enforced_on_the_next_creation(env: Env) {
    let admin = env.setup().await;
    let mut request = new_user("grace", vec![Role::Viewer]);
    request.password = secret("abcd");
    assert!(env
        .gh
        .create_user(&admin.credential, request)
        .await
        .is_err());
    let mut settings = env.gh.get_settings(&admin.credential).await.unwrap();
    settings.password_policy = PolicyPreset::Seed001.policy();
    env.gh
        .update_settings(&admin.credential, settings.clone())
        .await
        .unwrap();
    assert_eq!(
        env.gh.password_policy().await.unwrap(),
        settings.password_policy
    );
    let mut request = new_user("grace", vec![Role::Viewer]);
    request.password = secret("abcd");
    env.gh
        .create_user(&admin.credential, request)
        .await
        .unwrap();
}

#[on_both]
async fn invalid_settings_report_every_field_and_change_nothing(env: Env) {
    let admin = env.setup().await;
    let before = env.gh.get_settings(&admin.credential).await.unwrap();
    let mut bad = before.clone();
    bad.password_policy.min_length = 0;
    bad.access_token_minutes = 1;
    bad.lockout_threshold = 1000;
    bad.blocked_email_domains = vec!["not a domain".into()];
    let error = env
        .gh
        .update_settings(&admin.credential, bad)
        .await
        .unwrap_err();
    let fields: Vec<_> = codes(&error).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        [
            "password_policy.min_length",
            "access_token_minutes",
            "lockout_threshold",
            "blocked_email_domains"
        ]
    );
    assert_eq!(
        env.gh.get_settings(&admin.credential).await.unwrap(),
        before
    );
}

#[on_both]
async fn the_evaluation_the_ui_shows_is_exactly_what_is_enforced(env: Env) {
    let admin = env.setup().await;
    let candidates = [
        "password",
        "Password1!",
        "Tr0ub4dor&3",
        "grace-Velvet-2024",
        "correct horse battery staple",
        STRONG,
        "aB3$aB3$aB3$",
        "Zq8!vM2#pL5@",
    ];
    for (i, candidate) in candidates.iter().enumerate() {
        let username = format!("user{i}");
        let context = PasswordContext {
            username: Some(username.clone()),
            email: Some(format!("{username}@corp.example.com")),
            first_name: Some("Grace".into()),
            last_name: Some("Hopper".into()),
        };
        let report = env
            .gh
            .evaluate_password(PasswordCandidate {
                password: secret(candidate),
                context: Some(context),
                policy: None,
            })
            .await
            .unwrap();
        let mut request = new_user(&username, vec![Role::Viewer]);
        request.password = secret(candidate);
        let created = env.gh.create_user(&admin.credential, request).await;
        assert_eq!(
            report.passed,
            created.is_ok(),
            "{candidate}: {report:?} vs {:?}",
            created.err()
        );
        if let Err(error) = created {
            let failing: Vec<_> = report.field_errors("password");
            assert_eq!(error.field_errors(), failing.as_slice(), "{candidate}");
        }
    }
}

#[on_both]
async fn settings_are_for_admins_only(env: Env) {
    let admin = env.setup().await;
    let (_, viewer) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    assert!(matches!(
        env.gh.get_settings(&viewer).await.unwrap_err(),
        Error::Forbidden
    ));
    let settings = env.gh.get_settings(&admin.credential).await.unwrap();
    assert!(matches!(
        env.gh.update_settings(&viewer, settings).await.unwrap_err(),
        Error::Forbidden
    ));
}

#[on_both]
async fn evaluation_refuses_oversized_input_and_impossible_policies_field_by_field(env: Env) {
    env.setup().await;
    let context = PasswordContext {
        username: Some("u".repeat(321)),
        ..Default::default()
    };
    let impossible = PasswordPolicy {
        min_length: 20,
        max_length: 10,
        ..PasswordPolicy::default()
    };
    let error = env
        .gh
        .evaluate_password(PasswordCandidate {
            password: secret(&"x".repeat(1025)),
            context: Some(context),
            policy: Some(impossible),
        })
        .await
        .unwrap_err();
    let fields: Vec<_> = codes(&error).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        [
            "password",
            "context.username",
            "policy.password_policy.max_length"
        ]
    );
    assert_eq!(error.to_problem().status, 422);
}

#[on_both]
async fn settings_stored_before_the_token_lifetime_limit_existed_read_as_a_year(env: Env) {
    let admin = env.setup().await;
    let mut stored = serde_json::to_value(Settings::default()).unwrap();
    stored.as_object_mut().unwrap().remove("api_token_max_days");
    let sql = format!("update instance set settings = '{stored}' returning organization");
    assert_eq!(env.db.texts(&sql).await.len(), 1);
    assert_eq!(
        env.gh
            .get_settings(&admin.credential)
            .await
            .unwrap()
            .api_token_max_days,
        Some(365)
    );
}

#[on_both]
async fn a_token_lifetime_limit_out_of_range_is_a_field_error(env: Env) {
    let admin = env.setup().await;
    let before = env.gh.get_settings(&admin.credential).await.unwrap();
    for bad in [0, 3651] {
        let settings = Settings {
            api_token_max_days: Some(bad),
            ..before.clone()
        };
        let error = env
            .gh
            .update_settings(&admin.credential, settings)
            .await
            .unwrap_err();
        assert_eq!(
            codes(&error),
            vec![("api_token_max_days".into(), "out_of_range".into())],
            "{bad}"
        );
    }
    assert_eq!(
        env.gh.get_settings(&admin.credential).await.unwrap(),
        before
    );
    let unlimited = Settings {
        api_token_max_days: None,
        api_token_days: 3650,
        ..before
    };
    assert_eq!(
        env.gh
            .update_settings(&admin.credential, unlimited.clone())
            .await
            .unwrap(),
        unlimited
    );
}
