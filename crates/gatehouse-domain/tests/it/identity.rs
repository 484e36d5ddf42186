//! Who a user is: unique keys after Unicode normalisation, invisible characters
//! refused, usernames derived from emails made free, optional emails (seed 004).

use gatehouse_domain::*;

use crate::helpers::*;

fn admin_request(email: &str) -> NewAdmin {
    NewAdmin {
        email: email.into(),
        password: secret(STRONG),
        username: None,
        first_name: None,
        last_name: None,
    }
}

fn with_email(username: &str, email: &str) -> NewUser {
    let mut request = new_user(username, vec![Role::Viewer]);
    request.email = Some(email.into());
    request
}

#[on_both]
async fn a_fullwidth_variant_of_a_taken_email_is_a_conflict(env: Env) {
    let admin = env.setup().await;
    env.gh
        .create_user(
            &admin.credential,
            with_email("plain", "plainmail@corp.example.com"),
        )
        .await
        .unwrap();
    for variant in [
        "ｐlainmail@corp.example.com",
        "PLAINMAIL@ｃｏｒｐ.example.com",
        "plainmail＠corp.example.com",
    ] {
        let error = env.user_refused(&admin, with_email("wide", variant)).await;
        assert_eq!(
            codes(&error),
            vec![("email".into(), "taken".into())],
            "{variant}"
        );
        assert_eq!(error.to_problem().status, 409);
    }
    assert_eq!(env.db.count("users").await, 2);
}

#[on_both]
async fn a_blocked_domain_written_in_fullwidth_is_refused(env: Env) {
    let admin = env.setup_blocking_consumer_domains().await;
    for email in [
        "grace@ｇｍａｉｌ.com",
        "grace@GMAIL.COM",
        "grace@mail.ｙａｈｏｏ.com",
    ] {
        let error = env.user_refused(&admin, with_email("grace", email)).await;
        assert_eq!(
            codes(&error),
            vec![("email".into(), "blocked_domain".into())],
            "{email}"
        );
    }
    assert_eq!(env.db.count("users").await, 1);
}

#[on_both]
async fn a_fullwidth_username_conflicts_with_its_ascii_form(env: Env) {
    let admin = env.setup().await;
    let error = env
        .user_refused(&admin, with_email("ＡＤＡ", "other@corp.example.com"))
        .await;
    assert_codes(&error, &[("username", "taken")]);
    let created = env
        .gh
        .create_user(
            &admin.credential,
            with_email("ＧＲＡＣＥ", "grace@corp.example.com"),
        )
        .await
        .unwrap();
    assert_eq!(created.username, "GRACE", "stored in the form it reads as");
}

#[on_both]
async fn signing_in_with_a_fullwidth_or_case_variant_login_finds_the_user(env: Env) {
    let admin = env.setup().await;
    for login in [
        "ＡＤＡ",
        "Ada",
        " ada ",
        "ＡＤＡ@ZYDRO.example.com",
        "ada＠ｚｙｄｒｏ.example.com",
    ] {
        let signed_in = env
            .sign_in(login, ADMIN_PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("{login}: {e:?}"));
        assert_eq!(signed_in.user.id, admin.user.id, "{login}");
    }
}

#[on_both]
async fn a_right_to_left_override_in_a_first_name_or_a_zero_width_space_in_a_business_role_is_refused(
    env: Env,
) {
    let admin = env.setup().await;
    let before = env.db.snapshot().await;
    let mut request = new_user("grace", vec![Role::Viewer]);
    request.first_name = Some("Grace\u{202E}nimda".into());
    request.last_name = Some("Hop\u{2067}per".into());
    request.business_role = Some("Engi\u{200B}neer".into());
    let error = env.user_refused(&admin, request).await;
    assert_eq!(error.to_problem().status, 422);
    let mut fields = codes(&error);
    fields.sort();
    assert_eq!(
        fields,
        [
            ("business_role", "invalid_characters"),
            ("first_name", "invalid_characters"),
            ("last_name", "invalid_characters")
        ]
        .map(|(f, c)| (f.to_owned(), c.to_owned()))
    );
    let mut account = NewAccount {
        name: "Acme\u{202E}".into(),
        plan: None,
        metadata: None,
        username: "owner@acme.example.com".into(),
        email: None,
        password: secret(STRONG),
        first_name: None,
        last_name: None,
        token_name: None,
    };
    let error = env
        .gh
        .create_account(&admin.credential, account, None)
        .await
        .unwrap_err();
    assert_codes(&error, &[("name", "invalid_characters")]);
    account = NewAccount {
        name: "Acme".into(),
        plan: None,
        metadata: None,
        username: "owner@acme.example.com".into(),
        email: None,
        password: secret(STRONG),
        first_name: Some("\u{FEFF}Owner".into()),
        last_name: None,
        token_name: None,
    };
    let error = env
        .gh
        .create_account(&admin.credential, account, None)
        .await
        .unwrap_err();
    assert_codes(&error, &[("first_name", "invalid_characters")]);
    assert_eq!(env.db.snapshot().await, before);
}

#[on_both]
async fn existing_keys_are_recomputed_once_and_an_older_user_keeps_a_clashing_key(env: Env) {
    let admin = env.setup().await;
    env.gh
        .create_user(
            &admin.credential,
            with_email("plain", "plainmail@corp.example.com"),
        )
        .await
        .unwrap();
    env.gh
        .create_user(
            &admin.credential,
            with_email("lookalike", "other1@corp.example.com"),
        )
        .await
        .unwrap();
    env.gh
        .create_user(
            &admin.credential,
            with_email("wide", "other2@corp.example.com"),
        )
        .await
        .unwrap();
    // As the version before this one stored them: lower-cased, not normalised.
    env.db.execute("update users set email = 'ｐlainmail@corp.example.com', email_key = 'ｐlainmail@corp.example.com' where username = 'lookalike'").await;
    env.db.execute("update users set email = 'ｗide@corp.example.com', email_key = 'ｗide@corp.example.com' where username = 'wide'").await;
    env.db.execute("delete from data_steps").await;
    let desktop = env.another_desktop().await;
    let keys = |name: &str| format!("select email_key from users where username = '{name}'");
    assert_eq!(
        env.db.texts(&keys("wide")).await,
        vec!["wide@corp.example.com"]
    );
    assert_eq!(
        env.db.texts(&keys("plain")).await,
        vec!["plainmail@corp.example.com"]
    );
    assert_eq!(
        env.db.texts(&keys("lookalike")).await,
        vec!["ｐlainmail@corp.example.com"],
        "the newer lookalike keeps its old key"
    );
    let signed_in = desktop
        .sign_in(
            SignIn {
                login: "WIDE@corp.example.com".into(),
                password: secret(STRONG),
            },
            SignInSource::Desktop,
        )
        .await
        .unwrap();
    assert_eq!(signed_in.user.username, "wide");
    // Once only: a key changed by hand afterwards is left alone by the next connect.
    env.db
        .execute("update users set email_key = 'ｗide@corp.example.com' where username = 'wide'")
        .await;
    env.another_desktop().await;
    assert_eq!(
        env.db.texts(&keys("wide")).await,
        vec!["ｗide@corp.example.com"]
    );
}

#[on_both]
async fn admins_sharing_a_local_part_get_the_first_free_derived_username(env: Env) {
    let admin = env.setup().await;
    let first = env
        .gh
        .create_admin(&admin.credential, admin_request("admin@a.example"))
        .await
        .unwrap();
    let second = env
        .gh
        .create_admin(&admin.credential, admin_request("admin@b.example"))
        .await
        .unwrap();
    assert_eq!(
        (first.username.as_str(), second.username.as_str()),
        ("admin", "admin2")
    );
    env.gh
        .create_user(
            &admin.credential,
            with_email("ADMIN3", "x@corp.example.com"),
        )
        .await
        .unwrap();
    let fourth = env
        .gh
        .create_admin(&admin.credential, admin_request("admin@c.example"))
        .await
        .unwrap();
    assert_eq!(fourth.username, "admin4");
    // The setup's own admin, named after the email, is a taken name too.
    let ada = env
        .gh
        .create_admin(&admin.credential, admin_request("ada@elsewhere.example"))
        .await
        .unwrap();
    assert_eq!(ada.username, "ada2");
    // A username the caller sends is never changed: it conflicts.
    let mut named = admin_request("admin@d.example");
    named.username = Some("admin".into());
    assert_eq!(
        codes(
            &env.gh
                .create_admin(&admin.credential, named)
                .await
                .unwrap_err()
        ),
        vec![("username".into(), "taken".into())]
    );
}

#[on_both]
async fn concurrent_creations_with_one_derived_username_all_succeed(env: Env) {
    let admin = env.setup().await;
    let attempts = (0..8).map(|i| {
        let (gh, credential) = (env.gh.clone(), admin.credential.clone());
        async move {
            if i % 4 == 3 {
                // An account whose primary user is named by an email, as seed 001 allows.
                let request = NewAccount {
                    name: format!("Acme {i}"),
                    plan: None,
                    metadata: None,
                    username: format!("admin@{i}.example"),
                    email: None,
                    password: secret(STRONG),
                    first_name: None,
                    last_name: None,
                    token_name: None,
                };
                gh.create_account(&credential, request, None)
                    .await
                    .map(|created| created.user.username)
            } else {
                gh.create_admin(&credential, admin_request(&format!("admin@{i}.example")))
                    .await
                    .map(|user| user.username)
            }
        }
    });
    let results = spawn_all(attempts).await;
    let mut names: Vec<String> = results
        .into_iter()
        .map(|r| r.expect("a derived username never fails a request"))
        .collect();
    names.sort();
    let mut expected: Vec<String> = std::iter::once("admin".to_owned())
        .chain((2..=8).map(|n| format!("admin{n}")))
        .collect();
    expected.sort();
    assert_eq!(names, expected);
}

#[on_both]
async fn a_user_needs_only_a_username_and_a_password(env: Env) {
    let admin = env.setup().await;
    for username in ["seed004", "another"] {
        let request = NewUser {
            username: username.into(),
            email: None,
            password: secret(STRONG),
            first_name: None,
            last_name: None,
            business_role: None,
            roles: None,
            status: None,
            preferences: None,
            account_id: None,
        };
        let user = env
            .gh
            .create_user(&admin.credential, request)
            .await
            .unwrap();
        assert_eq!((user.email, user.roles), (None, vec![Role::Viewer]));
    }
    let mut blank = new_user("blank", vec![Role::Viewer]);
    blank.email = Some("  ".into());
    assert_eq!(
        env.gh
            .create_user(&admin.credential, blank)
            .await
            .unwrap()
            .email,
        None,
        "a blank email is no email"
    );
    assert_eq!(env.db.texts("select username from users where email is null and email_key is null order by username").await, vec!["another", "blank", "seed004"]);
    assert_eq!(
        env.sign_in("seed004", STRONG).await.unwrap().user.email,
        None
    );
    let listed = env.search_users(&admin, "seed").await;
    assert_eq!(listed.items.len(), 1);
}

#[on_both]
async fn an_admin_still_needs_an_email(env: Env) {
    let admin = env.setup().await;
    let mut request = new_user("boss", vec![Role::Admin]);
    request.email = None;
    let error = env.user_refused(&admin, request).await;
    assert_codes(&error, &[("email", "required")]);
    let mut request = new_user("plain", vec![Role::Viewer]);
    request.email = None;
    let user = env
        .gh
        .create_user(&admin.credential, request)
        .await
        .unwrap();
    let error = env
        .gh
        .set_user_roles(
            &admin.credential,
            user.id,
            RolesChange {
                roles: vec![Role::Admin],
            },
        )
        .await
        .unwrap_err();
    assert_codes(&error, &[("roles", "email_required")]);
    assert_eq!(
        env.gh
            .get_user(&admin.credential, user.id)
            .await
            .unwrap()
            .roles,
        vec![Role::Viewer]
    );
}
