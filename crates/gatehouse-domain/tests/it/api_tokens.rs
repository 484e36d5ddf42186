use chrono::Duration;
use gatehouse_domain::*;

use crate::helpers::*;

fn named(name: &str) -> NewApiToken {
    NewApiToken {
        name: name.into(),
        expires_in_days: None,
        never_expires: false,
        user_id: None,
        current_password: None,
    }
}

/// A token that never expires, confirmed with `password`.
fn forever(name: &str, password: &str) -> NewApiToken {
    NewApiToken {
        never_expires: true,
        current_password: Some(secret(password)),
        ..named(name)
    }
}

/// Lets tokens that never expire be made (the default limit is a year).
async fn allow_never(env: &Env, admin: &Admin) {
    let mut settings = env.gh.get_settings(&admin.credential).await.unwrap();
    settings.api_token_max_days = None;
    env.gh
        .update_settings(&admin.credential, settings)
        .await
        .unwrap();
}

async fn actions(env: &Env) -> Vec<String> {
    env.db
        .texts("select action from audit_events order by at, id")
        .await
}

#[on_both]
async fn an_api_token_is_shown_once_listed_without_its_secret_and_authenticates(env: Env) {
    let admin = env.setup().await;
    let issued = env.token(&admin.credential, named("ci")).await;
    let secret = issued.secret.expose().to_owned();
    assert!(secret.starts_with("gth_") && secret.len() >= 40);
    assert_eq!(issued.token.state, TokenState::Active);
    assert_eq!(
        issued.token.expires_at,
        Some(issued.token.created_at + Duration::days(90))
    );
    let listed = env
        .gh
        .list_api_tokens(&admin.credential, TokenQuery { user_id: None })
        .await
        .unwrap()
        .items;
    assert_eq!(listed, vec![issued.token.clone()]);
    assert!(!serde_json::to_string(&listed).unwrap().contains(&secret));
    env.clock.advance(Duration::minutes(5));
    let credential = Credential::bearer(&secret);
    env.gh
        .create_user(&credential, new_user("grace", vec![Role::Viewer]))
        .await
        .unwrap();
    let used = env
        .gh
        .list_api_tokens(&admin.credential, TokenQuery { user_id: None })
        .await
        .unwrap()
        .items;
    assert_eq!(
        used[0].last_used_at,
        Some(issued.token.created_at + Duration::minutes(5))
    );
}

#[on_both]
async fn a_revoked_token_no_longer_authenticates(env: Env) {
    let admin = env.setup().await;
    let issued = env.token(&admin.credential, named("ci")).await;
    let revoked = env
        .gh
        .revoke_api_token(&admin.credential, issued.token.id)
        .await
        .unwrap();
    assert_eq!(revoked.state, TokenState::Revoked);
    let error = env
        .gh
        .me(&Credential::bearer(issued.secret.expose()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unauthenticated));
}

#[on_both]
async fn an_expired_token_fails_with_token_expired_and_never_means_never(env: Env) {
    let admin = env.setup().await;
    allow_never(&env, &admin).await;
    let short = env
        .token(
            &admin.credential,
            NewApiToken {
                expires_in_days: Some(1),
                ..named("short")
            },
        )
        .await;
    let forever = env
        .token(&admin.credential, forever("forever", ADMIN_PASSWORD))
        .await;
    assert_eq!(forever.token.expires_at, None);
    env.clock.advance(Duration::days(2));
    let error = env
        .gh
        .me(&Credential::bearer(short.secret.expose()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::TokenExpired));
    assert_eq!(error.to_problem().code, ErrorCode::TokenExpired);
    env.clock.advance(Duration::days(3650));
    env.gh
        .me(&Credential::bearer(forever.secret.expose()))
        .await
        .unwrap();
    // The admin's one-hour access token is long expired; the forever token lists.
    let states: Vec<_> = env
        .gh
        .list_api_tokens(
            &Credential::bearer(forever.secret.expose()),
            TokenQuery { user_id: None },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|t| (t.name, t.state))
        .collect();
    assert!(states.contains(&("short".into(), TokenState::Expired)));
}

#[on_both]
async fn users_manage_only_their_own_tokens_unless_admin(env: Env) {
    let admin = env.setup().await;
    let (grace, credential) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let own = env.token(&credential, named("mine")).await;
    assert_eq!(own.token.user_id, grace.id);
    let admins = env.token(&admin.credential, named("admin's")).await;
    assert!(matches!(
        env.gh
            .revoke_api_token(&credential, admins.token.id)
            .await
            .unwrap_err(),
        Error::NotFound(_)
    ));
    assert!(matches!(
        env.gh
            .list_api_tokens(
                &credential,
                TokenQuery {
                    user_id: Some(admin.user.id)
                }
            )
            .await
            .unwrap_err(),
        Error::Forbidden
    ));
    assert!(matches!(
        env.token_refused(
            &credential,
            NewApiToken {
                user_id: Some(admin.user.id),
                ..named("x")
            }
        )
        .await,
        Error::Forbidden
    ));
    // Admins can see and revoke anyone's.
    assert_eq!(
        env.gh
            .list_api_tokens(
                &admin.credential,
                TokenQuery {
                    user_id: Some(grace.id)
                }
            )
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    env.gh
        .revoke_api_token(&admin.credential, own.token.id)
        .await
        .unwrap();
}

#[on_both]
async fn a_token_of_a_suspended_user_is_forbidden(env: Env) {
    let admin = env.setup().await;
    let (grace, credential) = env.user_with(&admin, "grace", vec![Role::Admin]).await;
    let issued = env.token(&credential, named("mine")).await;
    env.gh
        .set_user_status(
            &admin.credential,
            grace.id,
            StatusChange {
                status: UserStatus::Suspended,
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        env.gh
            .me(&Credential::bearer(issued.secret.expose()))
            .await
            .unwrap_err(),
        Error::Forbidden
    ));
}

#[on_both]
async fn by_default_a_token_lives_at_most_a_year_and_never_is_refused(env: Env) {
    let admin = env.setup().await;
    assert_eq!(
        env.gh
            .get_settings(&admin.credential)
            .await
            .unwrap()
            .api_token_max_days,
        Some(365)
    );
    let before = env.db.snapshot().await;
    let error = env
        .token_refused(
            &admin.credential,
            NewApiToken {
                expires_in_days: Some(366),
                ..named("long")
            },
        )
        .await;
    assert_codes(&error, &[("expires_in_days", "out_of_range")]);
    let error = env
        .token_refused(&admin.credential, forever("forever", ADMIN_PASSWORD))
        .await;
    assert_codes(&error, &[("never_expires", "not_allowed")]);
    assert_eq!(env.db.snapshot().await, before);
    let year = env
        .token(
            &admin.credential,
            NewApiToken {
                expires_in_days: Some(365),
                ..named("year")
            },
        )
        .await;
    assert_eq!(
        year.token.expires_at,
        Some(year.token.created_at + Duration::days(365))
    );
}

#[on_both]
async fn a_lower_limit_caps_every_new_token_and_the_default_lifetime(env: Env) {
    let admin = env.setup().await;
    let mut settings = env.gh.get_settings(&admin.credential).await.unwrap();
    settings.api_token_max_days = Some(30);
    let error = env
        .gh
        .update_settings(&admin.credential, settings.clone())
        .await
        .unwrap_err();
    assert_eq!(
        codes(&error),
        vec![("api_token_days".into(), "out_of_range".into())],
        "the default of 90 days exceeds a limit of 30"
    );
    settings.api_token_days = 30;
    env.gh
        .update_settings(&admin.credential, settings)
        .await
        .unwrap();
    let error = env
        .token_refused(
            &admin.credential,
            NewApiToken {
                expires_in_days: Some(31),
                ..named("long")
            },
        )
        .await;
    assert_codes(&error, &[("expires_in_days", "out_of_range")]);
    let default = env.token(&admin.credential, named("default")).await;
    assert_eq!(
        default.token.expires_at,
        Some(default.token.created_at + Duration::days(30))
    );
}

#[on_both]
async fn a_token_that_never_expires_needs_the_callers_own_password(env: Env) {
    let admin = env.setup().await;
    allow_never(&env, &admin).await;
    let before = env.db.snapshot().await;
    let missing = NewApiToken {
        current_password: None,
        ..forever("forever", "")
    };
    let error = env.token_refused(&admin.credential, missing).await;
    assert_codes(&error, &[("current_password", "required")]);
    assert_eq!(env.db.snapshot().await, before);
    let error = env
        .token_refused(&admin.credential, forever("forever", "Not-The-Password-1"))
        .await;
    assert_codes(&error, &[("current_password", "incorrect")]);
    assert_eq!(env.db.count("api_tokens").await, 0);
    let made = env
        .token(&admin.credential, forever("forever", ADMIN_PASSWORD))
        .await;
    assert_eq!(made.token.expires_at, None);
    // An admin making one for someone else confirms with their own password.
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let error = env
        .token_refused(
            &admin.credential,
            NewApiToken {
                user_id: Some(grace.id),
                ..forever("hers", STRONG)
            },
        )
        .await;
    assert_codes(&error, &[("current_password", "incorrect")]);
    env.token(
        &admin.credential,
        NewApiToken {
            user_id: Some(grace.id),
            ..forever("hers", ADMIN_PASSWORD)
        },
    )
    .await;
}

#[on_both]
async fn a_wrong_password_for_a_token_is_reported_with_the_other_fields(env: Env) {
    let admin = env.setup().await;
    allow_never(&env, &admin).await;
    let error = env
        .token_refused(&admin.credential, forever(" ", "Not-The-Password-1"))
        .await;
    assert_codes(
        &error,
        &[("name", "required"), ("current_password", "incorrect")],
    );
}

#[on_both]
async fn wrong_passwords_for_a_token_make_that_session_wait_but_not_a_fresh_sign_in(env: Env) {
    let admin = env.setup().await;
    allow_never(&env, &admin).await;
    for _ in 0..5 {
        let error = env
            .token_refused(&admin.credential, forever("forever", "Not-The-Password-1"))
            .await;
        assert_codes(&error, &[("current_password", "incorrect")]);
    }
    // This session must wait now: even the right password makes no token.
    let error = env
        .token_refused(&admin.credential, forever("forever", ADMIN_PASSWORD))
        .await;
    assert_codes(&error, &[("current_password", "locked")]);
    assert_eq!(env.db.count("api_tokens").await, 0);
    assert_eq!(
        actions(&env)
            .await
            .iter()
            .filter(|a| *a == "api_token.password_confirmation_failed")
            .count(),
        5
    );
    // The guesses counted toward the username's ceiling, but a stolen session's
    // guessing does not keep the holder of the password from signing in afresh.
    assert_eq!(
        env.gh
            .get_user(&admin.credential, admin.user.id)
            .await
            .unwrap()
            .failed_sign_ins,
        5
    );
    env.sign_in("ada", ADMIN_PASSWORD)
        .await
        .expect("a fresh sign-in from the desktop");
}

#[on_both]
async fn an_admins_reset_revokes_the_users_working_api_tokens_and_says_how_many(env: Env) {
    let admin = env.setup().await;
    let (grace, credential) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let first = env.token(&credential, named("laptop")).await;
    let second = env.token(&credential, named("ci")).await;
    let short = env
        .token(
            &credential,
            NewApiToken {
                expires_in_days: Some(1),
                ..named("short")
            },
        )
        .await;
    let revoked = env.token(&credential, named("old")).await;
    env.gh
        .revoke_api_token(&credential, revoked.token.id)
        .await
        .unwrap();
    let admins = env.token(&admin.credential, named("admin's")).await;
    env.clock.advance(Duration::days(2));
    let signed_in = env.sign_in("ada", ADMIN_PASSWORD).await.unwrap();
    let admin_credential = Credential::bearer(signed_in.access_token.access_token.expose());
    let reset = env
        .gh
        .reset_user_password(
            &admin_credential,
            grace.id,
            PasswordResetRequest {
                temporary_password: None,
            },
        )
        .await
        .unwrap();
    // The two that still worked; not the expired or already revoked one.
    assert_eq!(reset.revoked_api_tokens, 2);
    for token in [&first, &second] {
        assert!(matches!(
            env.gh
                .me(&Credential::bearer(token.secret.expose()))
                .await
                .unwrap_err(),
            Error::Unauthenticated
        ));
    }
    let mut states: Vec<_> = env
        .gh
        .list_api_tokens(
            &admin_credential,
            TokenQuery {
                user_id: Some(grace.id),
            },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|t| (t.name, t.state))
        .collect();
    states.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        states,
        vec![
            ("ci".into(), TokenState::Revoked),
            ("laptop".into(), TokenState::Revoked),
            ("old".into(), TokenState::Revoked),
            ("short".into(), TokenState::Expired)
        ]
    );
    assert_eq!(
        short.token.expires_at,
        Some(short.token.created_at + Duration::days(1))
    );
    // Nobody else's tokens are touched.
    env.gh
        .me(&Credential::bearer(admins.secret.expose()))
        .await
        .unwrap();
    let events = env
        .gh
        .list_audit_events(
            &admin_credential,
            AuditQuery {
                limit: Some(50),
                ..AuditQuery::default()
            },
        )
        .await
        .unwrap()
        .items;
    let event = events
        .iter()
        .find(|e| e.action == "user.password_reset")
        .unwrap();
    assert_eq!(event.detail["revoked_api_tokens"], 2);
}

#[on_both]
async fn a_token_made_for_another_user_is_audited_and_shows_its_creator(env: Env) {
    let admin = env.setup().await;
    let (grace, credential) = env.user_with(&admin, "grace", vec![Role::Admin]).await;
    let own = env.token(&credential, named("mine")).await;
    let planted = env
        .token(
            &admin.credential,
            NewApiToken {
                user_id: Some(grace.id),
                ..named("for grace")
            },
        )
        .await;
    let listed = env
        .gh
        .list_api_tokens(&credential, TokenQuery { user_id: None })
        .await
        .unwrap()
        .items;
    let by_name = |name: &str| listed.iter().find(|t| t.name == name).unwrap().clone();
    assert_eq!(by_name("for grace").created_by, Some(admin.user.id));
    assert_eq!(
        by_name("for grace").created_by_username.as_deref(),
        Some("ada")
    );
    assert_eq!(by_name("for grace").owner_username, "grace");
    assert_eq!(
        by_name("mine").created_by_username.as_deref(),
        Some("grace")
    );
    assert_eq!(planted.token.created_by_username.as_deref(), Some("ada"));
    assert_eq!(planted.token.owner_username, "grace");
    let events = env
        .gh
        .list_audit_events(
            &admin.credential,
            AuditQuery {
                limit: Some(50),
                ..AuditQuery::default()
            },
        )
        .await
        .unwrap()
        .items;
    let event = events
        .iter()
        .find(|e| e.action == "api_token.created_for_other")
        .expect("audited as made for another");
    assert_eq!(event.actor_id, Some(admin.user.id));
    assert_eq!(event.target_id, Some(planted.token.id.to_string()));
    assert_eq!(event.detail["owner"], grace.id.to_string());
    assert_eq!(event.detail["owner_username"], "grace");
    assert!(!event.detail.to_string().contains(planted.secret.expose()));
    let own_event = events
        .iter()
        .find(|e| e.target_id == Some(own.token.id.to_string()))
        .unwrap();
    assert_eq!(own_event.action, "api_token.created");
}
