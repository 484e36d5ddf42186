//! Editing a user (optimistic concurrency, the create rules), deleting one, and what
//! the detail shows next: last sign-in, failures, lock.

use gatehouse_domain::*;
use serde_json::json;

use crate::helpers::*;

fn token(name: &str) -> NewApiToken {
    NewApiToken {
        name: name.into(),
        expires_in_days: None,
        never_expires: false,
        user_id: None,
        current_password: None,
    }
}

fn edit(version: u32) -> UserUpdate {
    UserUpdate {
        version,
        ..UserUpdate::default()
    }
}

#[on_both]
async fn an_edit_changes_only_the_fields_it_names_and_adds_a_version(env: Env) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let edited = env
        .gh
        .update_user(
            &admin.credential,
            grace.id,
            UserUpdate {
                first_name: Some("  Amazing ".into()),
                business_role: Some("Rear admiral".into()),
                ..edit(grace.version)
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.first_name.as_deref(), Some("Amazing"));
    assert_eq!(edited.business_role.as_deref(), Some("Rear admiral"));
    assert_eq!(edited.last_name, grace.last_name);
    assert_eq!(edited.email, grace.email);
    assert_eq!(edited.username, "grace");
    assert_eq!(edited.version, grace.version + 1);
    assert_eq!(
        env.gh.get_user(&admin.credential, grace.id).await.unwrap(),
        edited
    );
    let events = env
        .gh
        .list_audit_events(&admin.credential, AuditQuery::default())
        .await
        .unwrap();
    let event = &events.items[0];
    assert_eq!(event.action, "user.updated");
    assert_eq!(
        event.detail["changed"],
        json!(["first_name", "business_role"])
    );
}

#[on_both]
async fn an_edit_from_an_outdated_version_is_refused_and_saves_nothing(env: Env) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    // Another admin's edit lands first.
    env.gh
        .update_user(
            &admin.credential,
            grace.id,
            UserUpdate {
                last_name: Some("Murray".into()),
                ..edit(grace.version)
            },
        )
        .await
        .unwrap();
    let error = env
        .gh
        .update_user(
            &admin.credential,
            grace.id,
            UserUpdate {
                last_name: Some("Brewster".into()),
                ..edit(grace.version)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::StaleVersion);
    assert_eq!(error.to_problem().status, 409);
    assert_eq!(error.code().as_str(), "stale_version");
    let now = env.gh.get_user(&admin.credential, grace.id).await.unwrap();
    assert_eq!(now.last_name.as_deref(), Some("Murray"));
}

#[on_both]
async fn a_status_change_also_makes_an_open_edit_stale(env: Env) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let suspended = env
        .gh
        .set_user_status(
            &admin.credential,
            grace.id,
            StatusChange {
                status: UserStatus::Suspended,
            },
        )
        .await
        .unwrap();
    assert_eq!(suspended.version, grace.version + 1);
    let error = env
        .gh
        .update_user(&admin.credential, grace.id, edit(grace.version))
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::StaleVersion);
}

#[on_both]
async fn an_edit_follows_the_create_rules_and_reports_every_bad_field(env: Env) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let error = env
        .gh
        .update_user(
            &admin.credential,
            grace.id,
            UserUpdate {
                username: Some("x y".into()),
                email: Some("not-an-email".into()),
                first_name: Some("\u{7}".into()),
                business_role: Some("r".repeat(101)),
                preferences: Some(json!([1])),
                ..edit(grace.version)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(error.to_problem().status, 422);
    let fields: std::collections::BTreeSet<_> = codes(&error).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        [
            "business_role",
            "email",
            "first_name",
            "preferences",
            "username"
        ]
        .map(String::from)
        .into()
    );
    let unchanged = env.gh.get_user(&admin.credential, grace.id).await.unwrap();
    assert_eq!(
        (unchanged.username, unchanged.email, unchanged.first_name),
        (grace.username, grace.email, grace.first_name)
    );
    assert_eq!(unchanged.version, grace.version);
}

#[on_both]
async fn an_edit_to_a_taken_username_or_email_in_another_case_is_a_conflict(env: Env) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    env.user_with(&admin, "alan", vec![Role::Viewer]).await;
    let error = env
        .gh
        .update_user(
            &admin.credential,
            grace.id,
            UserUpdate {
                username: Some("ALAN".into()),
                email: Some("Alan@Corp.Example.com".into()),
                ..edit(grace.version)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(&error),
        vec![
            ("username".into(), "taken".into()),
            ("email".into(), "taken".into())
        ]
    );
    // Her own username in another case is hers to take.
    let renamed = env
        .gh
        .update_user(
            &admin.credential,
            grace.id,
            UserUpdate {
                username: Some("Grace".into()),
                ..edit(grace.version)
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.username, "Grace");
    assert!(env.sign_in("grace", STRONG).await.is_ok());
}

#[on_both]
async fn an_admins_email_cannot_be_cleared_but_a_users_can_and_a_new_one_is_unconfirmed(env: Env) {
    let admin = env.setup().await;
    let (other_admin, _) = env.user_with(&admin, "alan", vec![Role::Admin]).await;
    let error = env
        .gh
        .update_user(
            &admin.credential,
            other_admin.id,
            UserUpdate {
                email: Some(" ".into()),
                ..edit(other_admin.version)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&error), vec![("email".into(), "required".into())]);

    let ada = env
        .gh
        .update_user(
            &admin.credential,
            admin.user.id,
            UserUpdate {
                email: Some("ada@new.example.com".into()),
                ..edit(admin.user.version)
            },
        )
        .await
        .unwrap();
    assert!(admin.user.email_confirmed_at.is_some());
    assert_eq!(ada.email_confirmed_at, None);

    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let cleared = env
        .gh
        .update_user(
            &admin.credential,
            grace.id,
            UserUpdate {
                email: Some(String::new()),
                ..edit(grace.version)
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.email, None);
}

#[on_both]
async fn only_a_changed_email_is_checked_against_the_blocked_domains(env: Env) {
    let admin = env.setup().await;
    let mut request = new_user("grace", vec![Role::Viewer]);
    request.email = Some("grace@gmail.com".into());
    let grace = env
        .gh
        .create_user(&admin.credential, request)
        .await
        .unwrap();
    let mut settings = env.gh.get_settings(&admin.credential).await.unwrap();
    settings.blocked_email_domains = vec!["gmail.com".into()];
    env.gh
        .update_settings(&admin.credential, settings)
        .await
        .unwrap();
    let renamed = env
        .gh
        .update_user(
            &admin.credential,
            grace.id,
            UserUpdate {
                email: Some("grace@gmail.com".into()),
                first_name: Some("Gracie".into()),
                ..edit(grace.version)
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.first_name.as_deref(), Some("Gracie"));
    let error = env
        .gh
        .update_user(
            &admin.credential,
            grace.id,
            UserUpdate {
                email: Some("hopper@gmail.com".into()),
                ..edit(renamed.version)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(&error),
        vec![("email".into(), "blocked_domain".into())]
    );
}

#[on_both]
async fn only_admins_edit_or_delete_users(env: Env) {
    let admin = env.setup().await;
    let (grace, grace_credential) = env.user_with(&admin, "grace", vec![Role::Editor]).await;
    let error = env
        .gh
        .update_user(&grace_credential, grace.id, edit(grace.version))
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Forbidden);
    let error = env
        .gh
        .delete_user(&grace_credential, admin.user.id)
        .await
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Forbidden);
}

#[on_both]
async fn deleting_a_user_ends_their_sessions_and_tokens_and_the_audit_keeps_them(env: Env) {
    let admin = env.setup().await;
    let (grace, grace_credential) = env.user_with(&admin, "grace", vec![Role::Admin]).await;
    let issued = env
        .gh
        .create_api_token(&grace_credential, token("ci"))
        .await
        .unwrap();
    // A user Grace made, and a token she made for Ada, outlive her.
    let made_by_grace = env
        .gh
        .create_user(&grace_credential, new_user("alan", vec![Role::Viewer]))
        .await
        .unwrap();
    let mut for_ada = token("for ada");
    for_ada.user_id = Some(admin.user.id);
    let adas = env
        .gh
        .create_api_token(&grace_credential, for_ada)
        .await
        .unwrap();

    let deleted = env
        .gh
        .delete_user(&admin.credential, grace.id)
        .await
        .unwrap();
    assert_eq!(deleted.username, "grace");
    assert_eq!(deleted.deleted_api_tokens, 1);

    let token = Credential::bearer(issued.secret.expose());
    for credential in [&grace_credential, &token] {
        assert_eq!(
            env.gh.me(credential).await.unwrap_err().code(),
            ErrorCode::Unauthenticated
        );
    }
    assert_eq!(
        env.gh
            .get_user(&admin.credential, grace.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let alan = env
        .gh
        .get_user(&admin.credential, made_by_grace.id)
        .await
        .unwrap();
    assert_eq!(alan.created_by, None);
    let adas_tokens = env
        .gh
        .list_api_tokens(&admin.credential, TokenQuery::default())
        .await
        .unwrap();
    let kept = adas_tokens
        .items
        .iter()
        .find(|t| t.id == adas.token.id)
        .unwrap();
    assert_eq!(kept.created_by, None);

    let events = env
        .gh
        .list_audit_events(&admin.credential, AuditQuery::default())
        .await
        .unwrap();
    assert_eq!(events.items[0].action, "user.deleted");
    assert_eq!(events.items[0].detail["username"], "grace");
    assert!(
        events
            .items
            .iter()
            .any(|e| e.action == "user.created" && e.target_id == Some(grace.id.to_string())),
        "her earlier events remain"
    );
    // The username is free again.
    env.user_with(&admin, "grace", vec![Role::Viewer]).await;
}

#[on_both]
async fn nobody_deletes_themselves_or_the_last_active_admin(env: Env) {
    let admin = env.setup().await;
    let error = env
        .gh
        .delete_user(&admin.credential, admin.user.id)
        .await
        .unwrap_err();
    assert_eq!(codes(&error), vec![("id".into(), "own_account".into())]);

    // Alan, an admin, deletes Ada while she is the only other active admin: he may,
    // as he remains; but once Ada is gone nobody may delete Alan, and he cannot.
    let (alan, alan_credential) = env.user_with(&admin, "alan", vec![Role::Admin]).await;
    env.gh
        .delete_user(&alan_credential, admin.user.id)
        .await
        .unwrap();
    let error = env
        .gh
        .delete_user(&alan_credential, alan.id)
        .await
        .unwrap_err();
    assert_eq!(codes(&error), vec![("id".into(), "own_account".into())]);
    assert_eq!(env.db.count("users").await, 1);
}

#[on_both]
async fn the_detail_shows_the_last_sign_in_and_the_failures(env: Env) {
    let admin = env.setup().await;
    let grace = env
        .gh
        .create_user(&admin.credential, new_user("grace", vec![Role::Viewer]))
        .await
        .unwrap();
    assert_eq!(grace.last_sign_in_at, None);
    assert!(env.sign_in("grace", "wrong password").await.is_err());
    let failed = env.gh.get_user(&admin.credential, grace.id).await.unwrap();
    assert_eq!((failed.failed_sign_ins, failed.last_sign_in_at), (1, None));

    let signed_in = env.sign_in("grace", STRONG).await.unwrap();
    let now = env.gh.get_user(&admin.credential, grace.id).await.unwrap();
    assert_eq!(now.failed_sign_ins, 0);
    assert!(now.last_sign_in_at.is_some());
    assert_eq!(signed_in.user.last_sign_in_at, now.last_sign_in_at);
    assert_eq!(now.version, grace.version, "a sign-in makes no edit stale");
}

#[on_both]
async fn a_generated_password_passes_the_policy_and_avoids_ambiguous_characters(env: Env) {
    let admin = env.setup().await;
    let generated = env.gh.generate_password(&admin.credential).await.unwrap();
    let text = generated.password.expose();
    assert!(text.chars().all(|c| !"0Oo1lIyzYZ".contains(c)), "{text}");
    let mut request = new_user("grace", vec![Role::Viewer]);
    request.password = secret(text);
    env.gh
        .create_user(&admin.credential, request)
        .await
        .unwrap();
    let (_, grace_credential) = env.user_with(&admin, "alan", vec![Role::Editor]).await;
    assert_eq!(
        env.gh
            .generate_password(&grace_credential)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
}
