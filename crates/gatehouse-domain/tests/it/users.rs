use gatehouse_domain::*;
use serde_json::json;

use crate::helpers::*;

#[on_both]
async fn creating_a_user_returns_the_view_without_any_password(env: Env) {
    let admin = env.setup().await;
    let mut request = new_user("grace.h-1_x", vec![Role::Editor, Role::Viewer]);
    request.preferences = Some(
        json!({"tutorialStatus": {"projectTutorial": {"hasClickedCreateModel": false, "doNotShowModelIntro": true}}}),
    );
    let user = env
        .gh
        .create_user(&admin.credential, request)
        .await
        .unwrap();
    assert_eq!(user.username, "grace.h-1_x");
    assert_eq!(user.roles, vec![Role::Editor, Role::Viewer]);
    assert_eq!((user.status, user.is_active), (UserStatus::Active, true));
    assert_eq!(user.account_id, admin.account.id);
    assert_eq!(user.created_by, Some(admin.user.id));
    assert_eq!(user.email_confirmed_at, None);
    assert_eq!(
        user.preferences["tutorialStatus"]["projectTutorial"]["doNotShowModelIntro"],
        true
    );
    let json = serde_json::to_string(&user).unwrap();
    assert!(!json.contains("\"password\"") && !json.contains("argon2") && !json.contains(STRONG));
    assert_eq!(
        env.gh.get_user(&admin.credential, user.id).await.unwrap(),
        user
    );
}

#[on_both]
async fn a_user_without_roles_is_a_viewer(env: Env) {
    let admin = env.setup().await;
    let mut request = new_user("grace", vec![]);
    request.roles = None;
    assert_eq!(
        env.gh
            .create_user(&admin.credential, request)
            .await
            .unwrap()
            .roles,
        vec![Role::Viewer]
    );
}

#[on_both]
async fn creating_a_user_reports_every_invalid_field_at_once(env: Env) {
    let admin = env.setup().await;
    let request = NewUser {
        username: "x y".into(),
        email: Some("not-an-email".into()),
        password: secret("abc"),
        first_name: Some("\u{7}".into()),
        last_name: None,
        business_role: Some("r".repeat(101)),
        roles: Some(vec![]),
        status: None,
        preferences: Some(json!([1, 2])),
        account_id: None,
    };
    let error = env.user_refused(&admin, request).await;
    assert_eq!(error.to_problem().status, 422);
    let fields: std::collections::BTreeSet<_> = codes(&error).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        [
            "business_role",
            "email",
            "first_name",
            "password",
            "preferences",
            "roles",
            "username"
        ]
        .map(String::from)
        .into()
    );
    assert!(
        codes(&error)
            .iter()
            .filter(|(f, _)| f == "password")
            .count()
            >= 2,
        "each failing rule is listed"
    );
    assert_eq!(env.db.count("users").await, 1);
}

#[on_both]
async fn creating_a_user_with_a_taken_username_or_email_in_another_case_fails(env: Env) {
    let admin = env.setup().await;
    env.gh
        .create_user(&admin.credential, new_user("grace", vec![Role::Viewer]))
        .await
        .unwrap();
    let mut same_name = new_user("GRACE", vec![Role::Viewer]);
    same_name.email = Some("other@corp.example.com".into());
    let error = env.user_refused(&admin, same_name).await;
    assert_codes(&error, &[("username", "taken")]);
    assert_eq!(error.to_problem().status, 409);
    let mut same_email = new_user("other", vec![Role::Viewer]);
    same_email.email = Some("Grace@Corp.Example.com".into());
    let error = env.user_refused(&admin, same_email).await;
    assert_codes(&error, &[("email", "taken")]);
    let both = new_user("Grace", vec![Role::Viewer]);
    assert_eq!(codes(&env.user_refused(&admin, both).await).len(), 2);
    assert_eq!(env.db.count("users").await, 2);
}

#[on_both]
async fn concurrent_creations_of_one_username_or_email_let_exactly_one_win(env: Env) {
    let admin = env.setup().await;
    let mut contested = Vec::new();
    for i in 0..16 {
        contested.push(("same".to_owned(), format!("u{i}@corp.example.com")));
        contested.push((format!("user{i}"), "same@corp.example.com".to_owned()));
    }
    let attempts = contested.into_iter().map(|(username, email)| {
        let (gh, credential) = (env.gh.clone(), admin.credential.clone());
        let mut request = new_user(&username, vec![Role::Viewer]);
        request.email = Some(email);
        async move { gh.create_user(&credential, request).await }
    });
    let results = spawn_all(attempts).await;
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert!(
        results
            .iter()
            .all(|r| r.is_ok() || matches!(r, Err(Error::Conflict(_)))),
        "only conflicts may fail: {:?}",
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .filter(|e| !matches!(e, Error::Conflict(_)))
            .collect::<Vec<_>>()
    );
    // One creation per contested value wins: one "same" username, one "same@" email.
    assert_eq!(wins, 2);
    assert_eq!(
        env.db
            .texts("select username from users where username_key = 'same'")
            .await
            .len(),
        1
    );
    assert_eq!(
        env.db
            .texts("select email from users where email_key = 'same@corp.example.com'")
            .await
            .len(),
        1
    );
}

#[on_both]
async fn a_blocked_email_domain_is_refused_for_new_users(env: Env) {
    let admin = env.setup_blocking_consumer_domains().await;
    let mut request = new_user("grace", vec![Role::Viewer]);
    request.email = Some("grace@mail.yahoo.com".into());
    let error = env.user_refused(&admin, request).await;
    assert_codes(&error, &[("email", "blocked_domain")]);
}

#[on_both]
async fn creating_an_admin_confirms_the_email_and_gives_the_admin_role(env: Env) {
    let admin = env.setup().await;
    let created = env
        .gh
        .create_admin(
            &admin.credential,
            NewAdmin {
                email: "linus@corp.example.com".into(),
                password: secret(STRONG),
                username: None,
                first_name: None,
                last_name: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(created.roles, vec![Role::Admin]);
    assert_eq!(created.username, "linus");
    assert!(created.email_confirmed_at.is_some());
    let again = env
        .gh
        .create_admin(
            &admin.credential,
            NewAdmin {
                email: "LINUS@corp.example.com".into(),
                password: secret(STRONG),
                username: Some("linus2".into()),
                first_name: None,
                last_name: None,
            },
        )
        .await
        .unwrap_err();
    assert_codes(&again, &[("email", "taken")]);
}

#[on_both]
async fn the_user_list_searches_filters_and_pages_stably(env: Env) {
    let admin = env.setup().await;
    for (i, name) in ["bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
        .iter()
        .enumerate()
    {
        let role = if i % 2 == 0 {
            Role::Editor
        } else {
            Role::Viewer
        };
        env.gh
            .create_user(&admin.credential, new_user(name, vec![role]))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = env
            .gh
            .list_users(
                &admin.credential,
                UserQuery {
                    limit: Some(3),
                    after: after.clone(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        if after.is_none() {
            assert_eq!(page.total, 8);
        }
        seen.extend(page.items.iter().map(|u| u.username.clone()));
        // A user created meanwhile sorts before the cursor and does not shift pages.
        if after.is_none() {
            env.gh
                .create_user(&admin.credential, new_user("aaron", vec![Role::Viewer]))
                .await
                .unwrap();
        }
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["ada", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
    );
    let editors = env
        .gh
        .list_users(
            &admin.credential,
            UserQuery {
                role: Some(Role::Editor),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        editors
            .items
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["bob", "dave", "frank", "heidi"]
    );
    let search = env.search_users(&admin, "RACE@corp").await;
    assert_eq!(
        search
            .items
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["grace"]
    );
    let by_name = env.search_users(&admin, "lovelace").await;
    assert_eq!(by_name.items.len(), 1);
    let wildcard = env.search_users(&admin, "%").await;
    assert_eq!(wildcard.total, 0, "LIKE wildcards are matched literally");
    let grace = search.items[0].id;
    env.gh
        .set_user_status(
            &admin.credential,
            grace,
            StatusChange {
                status: UserStatus::Suspended,
            },
        )
        .await
        .unwrap();
    let suspended = env
        .gh
        .list_users(
            &admin.credential,
            UserQuery {
                status: Some(UserStatus::Suspended),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        suspended.items.iter().map(|u| u.id).collect::<Vec<_>>(),
        [grace]
    );
    assert!(!suspended.items[0].is_active);
}

#[on_both]
async fn status_and_roles_changes_show_in_the_user_view(env: Env) {
    let admin = env.setup().await;
    let user = env
        .gh
        .create_user(&admin.credential, new_user("grace", vec![Role::Viewer]))
        .await
        .unwrap();
    let changed = env
        .gh
        .set_user_roles(
            &admin.credential,
            user.id,
            RolesChange {
                roles: vec![Role::Viewer, Role::Admin, Role::Admin],
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.roles, vec![Role::Admin, Role::Viewer]);
    for status in [
        UserStatus::Pending,
        UserStatus::Suspended,
        UserStatus::Deactivated,
        UserStatus::Active,
    ] {
        assert_eq!(
            env.gh
                .set_user_status(&admin.credential, user.id, StatusChange { status })
                .await
                .unwrap()
                .status,
            status
        );
    }
    let missing = env
        .gh
        .set_user_status(
            &admin.credential,
            uuid::Uuid::now_v7(),
            StatusChange {
                status: UserStatus::Active,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound(_)));
    assert_eq!(missing.to_problem().status, 404);
}

#[on_both]
async fn nul_characters_in_a_users_text_or_search_are_field_errors_and_change_nothing(env: Env) {
    let admin = env.setup().await;
    let mut request = new_user("grace", vec![Role::Viewer]);
    request.business_role = Some("ops\0".into());
    request.preferences = Some(json!({"note": "a\u{0}b"}));
    let error = env.user_refused(&admin, request).await;
    assert_codes(
        &error,
        &[
            ("business_role", "invalid_characters"),
            ("preferences.note", "invalid_characters"),
        ],
    );
    assert_eq!(env.db.count("users").await, 1);
    let query = UserQuery {
        search: Some("gr\0".into()),
        after: Some("\0".into()),
        ..Default::default()
    };
    let error = env
        .gh
        .list_users(&admin.credential, query)
        .await
        .unwrap_err();
    assert_eq!(error.to_problem().status, 422);
    assert_codes(
        &error,
        &[
            ("search", "invalid_characters"),
            ("after", "invalid_characters"),
        ],
    );
}
