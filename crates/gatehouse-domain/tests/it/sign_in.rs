use chrono::Duration;
use gatehouse_domain::*;

use crate::helpers::*;

#[on_both]
async fn signing_in_with_username_or_email_in_any_case_returns_a_token(env: Env) {
    let admin = env.setup().await;
    for login in [
        "ada",
        "ADA",
        "ada@zydro.example.com",
        "Ada@Zydro.Example.com",
    ] {
        let signed_in = env.sign_in(login, ADMIN_PASSWORD).await.unwrap();
        assert_eq!(signed_in.user.id, admin.user.id);
        assert_eq!(signed_in.access_token.token_type, "Bearer");
        assert!(!signed_in.must_change_password);
        let credential = Credential::bearer(signed_in.access_token.access_token.expose());
        assert_eq!(env.gh.me(&credential).await.unwrap().id, admin.user.id);
    }
}

#[on_both]
async fn a_wrong_password_and_an_unknown_user_fail_alike(env: Env) {
    env.setup().await;
    let wrong = env.sign_in("ada", "not-the-password").await.unwrap_err();
    let unknown = env.sign_in("nobody", "not-the-password").await.unwrap_err();
    assert!(matches!(wrong, Error::InvalidCredentials));
    assert!(matches!(unknown, Error::InvalidCredentials));
    assert_eq!(wrong.to_problem(), unknown.to_problem());
}

#[on_both]
async fn signing_in_before_setup_says_the_instance_is_not_set_up(env: Env) {
    assert!(matches!(
        env.sign_in("ada", ADMIN_PASSWORD).await.unwrap_err(),
        Error::NotInitialized
    ));
}

#[on_both]
async fn empty_login_and_password_are_both_reported(env: Env) {
    env.setup().await;
    let error = env.sign_in(" ", "").await.unwrap_err();
    assert_codes(&error, &[("login", "required"), ("password", "required")]);
}

#[on_both]
async fn repeated_failures_make_the_source_wait_and_admins_see_and_lift_it(env: Env) {
    let admin = env.setup().await;
    let (user, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    for _ in 0..5 {
        assert!(matches!(
            env.sign_in("grace", "wrong").await.unwrap_err(),
            Error::InvalidCredentials
        ));
    }
    // The desktop waits now: even the right password is refused, with the same error.
    assert!(matches!(
        env.sign_in("grace", STRONG).await.unwrap_err(),
        Error::InvalidCredentials
    ));
    let seen = env.gh.get_user(&admin.credential, user.id).await.unwrap();
    assert_eq!(seen.failed_sign_ins, 5);
    // The wait holds for another desktop on the same database.
    let other = env.another_desktop().await;
    assert!(other
        .sign_in(
            SignIn {
                login: "grace".into(),
                password: secret(STRONG)
            },
            SignInSource::Desktop
        )
        .await
        .is_err());
    let unlocked = env
        .gh
        .unlock_user(&admin.credential, user.id)
        .await
        .unwrap();
    assert_eq!((unlocked.failed_sign_ins, unlocked.locked_until), (0, None));
    env.sign_in("grace", STRONG).await.unwrap();
}

#[on_both]
async fn a_sources_wait_ends_by_itself(env: Env) {
    let admin = env.setup().await;
    env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    for _ in 0..5 {
        env.sign_in("grace", "wrong").await.unwrap_err();
    }
    env.clock.advance(Duration::seconds(59));
    env.sign_in("grace", STRONG).await.unwrap_err();
    env.clock.advance(Duration::seconds(1));
    let signed_in = env.sign_in("grace", STRONG).await.unwrap();
    assert_eq!(signed_in.user.failed_sign_ins, 0);
}

#[on_both]
async fn an_inactive_user_gets_the_same_invalid_credentials_with_the_right_password_or_a_wrong_one(
    env: Env,
) {
    let admin = env.setup().await;
    let (user, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    for status in [
        UserStatus::Suspended,
        UserStatus::Deactivated,
        UserStatus::Pending,
    ] {
        env.gh
            .set_user_status(&admin.credential, user.id, StatusChange { status })
            .await
            .unwrap();
        let right = env.sign_in("grace", STRONG).await.unwrap_err();
        let wrong = env
            .sign_in("grace", "Not-Her-Password-1")
            .await
            .unwrap_err();
        assert!(
            matches!(right, Error::InvalidCredentials),
            "{status:?}: {right:?}"
        );
        assert_eq!(right.to_problem(), wrong.to_problem(), "{status:?}");
    }
    // The wrong passwords counted; the right ones, which are no guesses, did not.
    assert_eq!(
        env.gh
            .get_user(&admin.credential, user.id)
            .await
            .unwrap()
            .failed_sign_ins,
        3
    );
    let reasons = env
        .db
        .texts("select cast(detail as text) from audit_events where action = 'sign_in.failed'")
        .await;
    assert_eq!(
        reasons
            .iter()
            .filter(|d| d.contains("\"inactive\""))
            .count(),
        3,
        "{reasons:?}"
    );
    env.gh
        .set_user_status(
            &admin.credential,
            user.id,
            StatusChange {
                status: UserStatus::Active,
            },
        )
        .await
        .unwrap();
    env.sign_in("grace", STRONG).await.unwrap();
}

#[on_both]
async fn a_temporary_password_must_be_changed_before_anything_else(env: Env) {
    let admin = env.setup().await;
    let (user, _) = env.user_with(&admin, "grace", vec![Role::Admin]).await;
    let reset = env
        .gh
        .reset_user_password(
            &admin.credential,
            user.id,
            PasswordResetRequest {
                temporary_password: None,
            },
        )
        .await
        .unwrap();
    let temporary = reset
        .temporary_password
        .expect("a generated password is shown once")
        .expose()
        .to_owned();
    assert!(reset.user.must_change_password);
    assert!(env.sign_in("grace", STRONG).await.is_err());
    let signed_in = env.sign_in("grace", &temporary).await.unwrap();
    assert!(signed_in.must_change_password);
    let credential = Credential::bearer(signed_in.access_token.access_token.expose());
    let blocked = env
        .gh
        .create_user(&credential, new_user("other", vec![Role::Viewer]))
        .await
        .unwrap_err();
    assert!(matches!(blocked, Error::PasswordChangeRequired));
    let changed = env
        .gh
        .change_password(
            &credential,
            PasswordChange {
                current_password: secret(&temporary),
                new_password: secret("Amber-Meadow-Quartz-77"),
            },
        )
        .await
        .unwrap();
    assert!(!changed.must_change_password);
    let credential = Credential::bearer(changed.access_token.access_token.expose());
    env.gh
        .create_user(&credential, new_user("other", vec![Role::Viewer]))
        .await
        .unwrap();
    assert!(
        !env.sign_in("grace", "Amber-Meadow-Quartz-77")
            .await
            .unwrap()
            .must_change_password
    );
}

#[on_both]
async fn an_admin_reset_ends_the_users_current_sessions(env: Env) {
    let admin = env.setup().await;
    let (user, credential) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    env.gh.me(&credential).await.unwrap();
    env.clock.advance(chrono::Duration::seconds(1));
    env.gh
        .reset_user_password(
            &admin.credential,
            user.id,
            PasswordResetRequest {
                temporary_password: None,
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        env.gh.me(&credential).await.unwrap_err(),
        Error::Unauthenticated
    ));
    // The admin's own session is untouched.
    env.gh.me(&admin.credential).await.unwrap();
}

#[on_both]
async fn wrong_current_passwords_make_the_session_wait_without_locking_the_owner_out(env: Env) {
    let admin = env.setup().await;
    let wrong = || PasswordChange {
        current_password: secret("Not-The-Password-1"),
        new_password: secret(STRONG),
    };
    for _ in 0..5 {
        let error = env
            .gh
            .change_password(&admin.credential, wrong())
            .await
            .unwrap_err();
        assert_codes(&error, &[("current_password", "incorrect")]);
    }
    assert_eq!(
        env.gh.me(&admin.credential).await.unwrap().failed_sign_ins,
        5
    );
    // The session waits: the right password no longer changes it.
    let right = || PasswordChange {
        current_password: secret(ADMIN_PASSWORD),
        new_password: secret(STRONG),
    };
    let error = env
        .gh
        .change_password(&admin.credential, right())
        .await
        .unwrap_err();
    assert_codes(&error, &[("current_password", "locked")]);
    assert_eq!(
        env.db
            .texts("select action from audit_events where action = 'password_change.failed'")
            .await
            .len(),
        5
    );
    // The owner still signs in, and that does not free the guessing session.
    env.sign_in("ada", ADMIN_PASSWORD).await.unwrap();
    let error = env
        .gh
        .change_password(&admin.credential, right())
        .await
        .unwrap_err();
    assert_codes(&error, &[("current_password", "locked")]);
}

#[on_both]
async fn a_login_with_a_nul_character_is_a_field_error(env: Env) {
    env.setup().await;
    let error = env.sign_in("ada\0", ADMIN_PASSWORD).await.unwrap_err();
    assert_codes(&error, &[("login", "invalid_characters")]);
}

#[on_both]
async fn an_admin_cannot_reset_their_own_password_to_a_temporary_one(env: Env) {
    let admin = env.setup().await;
    let error = env
        .gh
        .reset_user_password(
            &admin.credential,
            admin.user.id,
            PasswordResetRequest {
                temporary_password: None,
            },
        )
        .await
        .unwrap_err();
    assert_codes(&error, &[("password", "own_account")]);
    assert_eq!(error.to_problem().status, 422);
    env.gh.me(&admin.credential).await.unwrap();
    assert!(
        !env.sign_in("ada", ADMIN_PASSWORD)
            .await
            .unwrap()
            .must_change_password
    );
}

#[on_both]
async fn changing_ones_password_ends_every_earlier_session_and_returns_a_new_one(env: Env) {
    let admin = env.setup().await;
    let other = env.sign_in("ada", ADMIN_PASSWORD).await.unwrap();
    let other = Credential::bearer(other.access_token.access_token.expose());
    let api_token = env
        .token(
            &admin.credential,
            NewApiToken {
                name: "ci".into(),
                expires_in_days: None,
                never_expires: false,
                user_id: None,
                current_password: None,
            },
        )
        .await;
    let api_token = Credential::bearer(api_token.secret.expose());
    env.clock.advance(chrono::Duration::seconds(1));
    let changed = env
        .gh
        .change_password(
            &admin.credential,
            PasswordChange {
                current_password: secret(ADMIN_PASSWORD),
                new_password: secret(STRONG),
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        env.gh.me(&admin.credential).await.unwrap_err(),
        Error::Unauthenticated
    ));
    assert!(matches!(
        env.gh.me(&other).await.unwrap_err(),
        Error::Unauthenticated
    ));
    let fresh = Credential::bearer(changed.access_token.access_token.expose());
    assert_eq!(env.gh.me(&fresh).await.unwrap().id, admin.user.id);
    env.gh
        .me(&api_token)
        .await
        .expect("API tokens are not sessions");
}

#[on_both]
async fn an_admin_chosen_temporary_password_is_not_shown_back(env: Env) {
    let admin = env.setup().await;
    let (user, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let reset = env
        .gh
        .reset_user_password(
            &admin.credential,
            user.id,
            PasswordResetRequest {
                temporary_password: Some(secret("Copper-Lantern-Willow-19")),
            },
        )
        .await
        .unwrap();
    assert!(reset.temporary_password.is_none());
    assert!(
        env.sign_in("grace", "Copper-Lantern-Willow-19")
            .await
            .unwrap()
            .must_change_password
    );
}

#[on_both]
async fn changing_a_password_checks_the_current_one_and_the_policy_together(env: Env) {
    let admin = env.setup().await;
    let error = env
        .gh
        .change_password(
            &admin.credential,
            PasswordChange {
                current_password: secret("wrong"),
                new_password: secret("short"),
            },
        )
        .await
        .unwrap_err();
    let fields: Vec<_> = codes(&error)
        .into_iter()
        .map(|(f, c)| format!("{f}:{c}"))
        .collect();
    assert!(
        fields.contains(&"current_password:incorrect".to_owned()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"new_password:min_length".to_owned()),
        "{fields:?}"
    );
    env.sign_in("ada", ADMIN_PASSWORD).await.unwrap();
}
