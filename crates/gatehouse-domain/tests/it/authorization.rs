use gatehouse_domain::*;

use crate::helpers::*;

#[on_both]
async fn a_missing_or_garbage_credential_is_unauthenticated(env: Env) {
    env.setup().await;
    for garbage in ["", "not-a-token", "gth_notarealtoken", "a.b.c"] {
        let error = env
            .gh
            .create_user(
                &Credential::bearer(garbage),
                new_user("grace", vec![Role::Viewer]),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Unauthenticated),
            "{garbage:?}: {error:?}"
        );
        assert_eq!(error.to_problem().status, 401);
    }
}

#[on_both]
async fn a_valid_non_admin_is_forbidden(env: Env) {
    let admin = env.setup().await;
    for role in [Role::Viewer, Role::Editor] {
        let (_, credential) = env.user_with(&admin, role.as_str(), vec![role]).await;
        let error = env
            .gh
            .create_user(&credential, new_user("someone", vec![Role::Viewer]))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Forbidden), "{role:?}");
        assert_eq!(error.to_problem().status, 403);
        // Their own profile is still theirs to read.
        env.gh.me(&credential).await.unwrap();
    }
}

#[on_both]
async fn an_admin_suspended_after_signing_in_is_forbidden_at_once(env: Env) {
    let admin = env.setup().await;
    let (second, credential) = env.user_with(&admin, "grace", vec![Role::Admin]).await;
    env.gh
        .create_user(&credential, new_user("first", vec![Role::Viewer]))
        .await
        .unwrap();
    for status in [UserStatus::Suspended, UserStatus::Deactivated] {
        env.gh
            .set_user_status(&admin.credential, second.id, StatusChange { status })
            .await
            .unwrap();
        let error = env
            .gh
            .create_user(&credential, new_user("second", vec![Role::Viewer]))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Forbidden), "{status:?}");
    }
}

#[on_both]
async fn an_admin_who_loses_the_admin_role_is_forbidden_at_once(env: Env) {
    let admin = env.setup().await;
    let (second, credential) = env.user_with(&admin, "grace", vec![Role::Admin]).await;
    env.gh
        .set_user_roles(
            &admin.credential,
            second.id,
            RolesChange {
                roles: vec![Role::Viewer],
            },
        )
        .await
        .unwrap();
    let error = env
        .gh
        .list_users(&credential, UserQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Forbidden));
}

#[on_both]
async fn admins_cannot_lock_themselves_out_or_remove_the_last_admin(env: Env) {
    let admin = env.setup().await;
    let error = env
        .gh
        .set_user_status(
            &admin.credential,
            admin.user.id,
            StatusChange {
                status: UserStatus::Suspended,
            },
        )
        .await
        .unwrap_err();
    assert_codes(&error, &[("status", "own_account")]);
    let error = env
        .gh
        .set_user_roles(
            &admin.credential,
            admin.user.id,
            RolesChange {
                roles: vec![Role::Viewer],
            },
        )
        .await
        .unwrap_err();
    assert_codes(&error, &[("roles", "own_account")]);
    let (second, credential) = env.user_with(&admin, "grace", vec![Role::Admin]).await;
    env.gh
        .set_user_status(
            &credential,
            admin.user.id,
            StatusChange {
                status: UserStatus::Suspended,
            },
        )
        .await
        .unwrap();
    // Now grace is the last active admin; nobody else can demote her... but she
    // cannot demote herself either.
    let error = env
        .gh
        .set_user_roles(
            &credential,
            second.id,
            RolesChange {
                roles: vec![Role::Viewer],
            },
        )
        .await
        .unwrap_err();
    assert_codes(&error, &[("roles", "own_account")]);
}

#[on_both]
async fn two_admins_suspending_each_other_at_once_leave_one_active_admin(env: Env) {
    let admin = env.setup().await;
    let other_desktop = env.another_desktop().await;
    for round in 0..20 {
        let (second, credential) = env
            .user_with(&admin, &format!("admin{round}"), vec![Role::Admin])
            .await;
        let first = admin.user.id;
        let (gh1, gh2, c1, c2) = (
            env.gh.clone(),
            other_desktop.clone(),
            admin.credential.clone(),
            credential.clone(),
        );
        // Warm both pools so the two transactions really overlap.
        gh1.me(&c1).await.unwrap();
        gh2.me(&c2).await.unwrap();
        let results = spawn_all([
            Box::pin(async move {
                gh1.set_user_status(
                    &c1,
                    second.id,
                    StatusChange {
                        status: UserStatus::Suspended,
                    },
                )
                .await
                .map(|_| ())
            })
                as std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send>>,
            Box::pin(async move {
                gh2.set_user_status(
                    &c2,
                    first,
                    StatusChange {
                        status: UserStatus::Suspended,
                    },
                )
                .await
                .map(|_| ())
            }),
        ])
        .await;
        let active_admins = env
            .db
            .texts("select username from users where role_admin and status = 'active'")
            .await;
        assert!(!active_admins.is_empty(), "round {round}: {results:?}");
        // Put things back for the next round: the survivor reactivates the other.
        if active_admins.contains(&"ada".to_owned()) {
            env.gh
                .set_user_status(
                    &admin.credential,
                    second.id,
                    StatusChange {
                        status: UserStatus::Deactivated,
                    },
                )
                .await
                .ok();
        } else {
            env.gh
                .set_user_status(
                    &credential,
                    first,
                    StatusChange {
                        status: UserStatus::Active,
                    },
                )
                .await
                .unwrap();
            env.gh
                .set_user_status(
                    &admin.credential,
                    second.id,
                    StatusChange {
                        status: UserStatus::Deactivated,
                    },
                )
                .await
                .unwrap();
        }
    }
}

#[on_both]
async fn every_mutation_writes_an_audit_event_with_actor_and_target(env: Env) {
    let admin = env.setup().await;
    let user = env
        .gh
        .create_user(&admin.credential, new_user("grace", vec![Role::Viewer]))
        .await
        .unwrap();
    env.gh
        .set_user_status(
            &admin.credential,
            user.id,
            StatusChange {
                status: UserStatus::Suspended,
            },
        )
        .await
        .unwrap();
    env.gh
        .set_user_roles(
            &admin.credential,
            user.id,
            RolesChange {
                roles: vec![Role::Editor],
            },
        )
        .await
        .unwrap();
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
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "instance.set_up",
        "user.created",
        "user.status_changed",
        "user.roles_changed",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
    let created = events.iter().find(|e| e.action == "user.created").unwrap();
    assert_eq!(created.actor_id, Some(admin.user.id));
    assert_eq!(
        created.target_id.as_deref(),
        Some(user.id.to_string().as_str())
    );
}

#[on_both]
async fn nothing_secret_is_stored_in_plain_text(env: Env) {
    let admin = env.setup().await;
    let issued = env
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
    let stored = env.db.texts("select password_hash from users").await;
    assert!(stored
        .iter()
        .all(|h| h.starts_with("$argon2id$") && !h.contains(ADMIN_PASSWORD)));
    let prefixes = env.db.texts("select prefix from api_tokens").await;
    assert!(prefixes
        .iter()
        .all(|p| p.len() < 12 && issued.secret.expose().starts_with(p.as_str())));
    let audit = env
        .db
        .texts("select cast(detail as text) from audit_events")
        .await
        .join(" ");
    assert!(
        !audit.contains(issued.secret.expose())
            && !audit.contains(ADMIN_PASSWORD)
            && !audit.contains(&admin.token)
    );
}
