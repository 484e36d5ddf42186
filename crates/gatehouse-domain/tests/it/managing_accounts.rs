//! An account's detail, renaming it, its plan, suspending and deleting it; and the
//! admins' list of every API token.

use gatehouse_domain::*;

use crate::helpers::*;

fn new_account(name: &str, owner: &str, plan: Option<&str>) -> NewAccount {
    NewAccount {
        name: name.into(),
        plan: plan.map(str::to_owned),
        metadata: None,
        username: owner.into(),
        email: None,
        password: secret(STRONG),
        first_name: None,
        last_name: None,
        token_name: None,
    }
}

fn token_for(user: &UserView, name: &str) -> NewApiToken {
    NewApiToken {
        name: name.into(),
        expires_in_days: Some(1),
        never_expires: false,
        user_id: Some(user.id),
        current_password: None,
    }
}

/// An account "Acme" with its owner (and default token) and a second member.
async fn acme(env: &Env, admin: &Admin) -> (AccountCreated, UserView) {
    let created = env
        .gh
        .create_account(
            &admin.credential,
            new_account("Acme", "owner@acme.example.com", Some("gold")),
            None,
        )
        .await
        .unwrap();
    let mut member = new_user("wile", vec![Role::Viewer]);
    member.account_id = Some(created.account.id);
    let member = env.gh.create_user(&admin.credential, member).await.unwrap();
    (created, member)
}

#[on_both]
async fn the_detail_lists_the_members_their_working_tokens_and_the_counts(env: Env) {
    let admin = env.setup().await;
    let (acme, wile) = acme(&env, &admin).await;
    let revoked = env
        .gh
        .create_api_token(&admin.credential, token_for(&wile, "old"))
        .await
        .unwrap();
    env.gh
        .revoke_api_token(&admin.credential, revoked.token.id)
        .await
        .unwrap();
    let detail = env
        .gh
        .get_account_detail(&admin.credential, acme.account.id)
        .await
        .unwrap();
    assert_eq!(detail.account, acme.account);
    assert_eq!(detail.account.status, AccountStatus::Active);
    let names: Vec<_> = detail.members.iter().map(|m| m.username.as_str()).collect();
    assert_eq!(names, ["owner", "wile"]);
    assert_eq!(detail.member_count, 2);
    assert_eq!(
        detail.live_api_token_count, 1,
        "the revoked one does not count"
    );
    assert_eq!(detail.api_tokens.len(), 1);
    assert_eq!(detail.api_tokens[0].id, acme.initial_token.id);
}

#[on_both]
async fn renaming_an_account_and_choosing_a_plan_in_use(env: Env) {
    let admin = env.setup().await;
    let (acme, _) = acme(&env, &admin).await;
    let plans = env.gh.list_plans(&admin.credential).await.unwrap();
    assert_eq!(
        plans.items,
        vec![
            PlanInUse {
                plan: "gold".into(),
                accounts: 1
            },
            PlanInUse {
                plan: "oem".into(),
                accounts: 1
            }
        ]
    );
    let renamed = env
        .gh
        .update_account(
            &admin.credential,
            acme.account.id,
            AccountUpdate {
                name: Some("  Acme Rockets ".into()),
                plan: Some("oem".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.plan.as_str()),
        ("Acme Rockets", "oem")
    );
    let error = env
        .gh
        .update_account(
            &admin.credential,
            acme.account.id,
            AccountUpdate {
                name: Some(" ".into()),
                plan: Some("no spaces".into()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(&error),
        vec![
            ("name".into(), "required".into()),
            ("plan".into(), "invalid".into())
        ]
    );
    let events = env
        .gh
        .list_audit_events(&admin.credential, AuditQuery::default())
        .await
        .unwrap();
    assert_eq!(events.items[0].action, "account.updated");
}

#[on_both]
async fn a_suspended_accounts_users_cannot_sign_in_or_use_tokens_until_reactivated(env: Env) {
    let admin = env.setup().await;
    let (acme, _) = acme(&env, &admin).await;
    let token = Credential::bearer(acme.initial_token_secret.as_ref().unwrap().expose());
    assert!(env.gh.me(&token).await.is_ok());
    let suspended = env
        .gh
        .set_account_status(
            &admin.credential,
            acme.account.id,
            AccountStatusChange {
                status: AccountStatus::Suspended,
            },
        )
        .await
        .unwrap();
    assert_eq!(suspended.status, AccountStatus::Suspended);
    assert_eq!(
        env.gh.me(&token).await.unwrap_err().code(),
        ErrorCode::Forbidden
    );
    assert_eq!(
        env.sign_in("owner", STRONG).await.unwrap_err().code(),
        ErrorCode::InvalidCredentials
    );
    env.gh
        .set_account_status(
            &admin.credential,
            acme.account.id,
            AccountStatusChange {
                status: AccountStatus::Active,
            },
        )
        .await
        .unwrap();
    assert!(env.gh.me(&token).await.is_ok());
    assert!(env.sign_in("owner", STRONG).await.is_ok());
}

#[on_both]
async fn an_admin_cannot_suspend_or_delete_their_own_account(env: Env) {
    let admin = env.setup().await;
    let error = env
        .gh
        .set_account_status(
            &admin.credential,
            admin.account.id,
            AccountStatusChange {
                status: AccountStatus::Suspended,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&error), vec![("status".into(), "own_account".into())]);
    let error = env
        .gh
        .delete_account(&admin.credential, admin.account.id)
        .await
        .unwrap_err();
    assert_eq!(codes(&error), vec![("id".into(), "own_account".into())]);
}

#[on_both]
async fn deleting_an_account_removes_its_users_and_their_tokens_and_says_how_many(env: Env) {
    let admin = env.setup().await;
    let (acme, wile) = acme(&env, &admin).await;
    env.gh
        .create_api_token(&admin.credential, token_for(&wile, "ci"))
        .await
        .unwrap();
    let detail = env
        .gh
        .get_account_detail(&admin.credential, acme.account.id)
        .await
        .unwrap();
    assert_eq!((detail.member_count, detail.live_api_token_count), (2, 2));
    let deleted = env
        .gh
        .delete_account(&admin.credential, acme.account.id)
        .await
        .unwrap();
    assert_eq!((deleted.deleted_users, deleted.deleted_api_tokens), (2, 2));
    assert_eq!(deleted.name, "Acme");
    assert_eq!(env.db.count("users").await, 1);
    assert_eq!(env.db.count("api_tokens").await, 0);
    assert_eq!(env.db.count("accounts").await, 1);
    let token = Credential::bearer(acme.initial_token_secret.as_ref().unwrap().expose());
    assert_eq!(
        env.gh.me(&token).await.unwrap_err().code(),
        ErrorCode::Unauthenticated
    );
    let events = env
        .gh
        .list_audit_events(&admin.credential, AuditQuery::default())
        .await
        .unwrap();
    assert_eq!(events.items[0].action, "account.deleted");
    assert_eq!(events.items[0].detail["deleted_users"], 2);
}

#[on_both]
async fn admins_list_every_token_with_revoked_and_expired_ones_hidden_by_default(env: Env) {
    let admin = env.setup().await;
    let (acme, wile) = acme(&env, &admin).await;
    let (_, editor) = env.user_with(&admin, "carol", vec![Role::Editor]).await;
    assert_eq!(
        env.gh
            .list_all_api_tokens(&editor, AllTokensQuery::default())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let expiring = env
        .gh
        .create_api_token(&admin.credential, token_for(&wile, "expiring"))
        .await
        .unwrap();
    let mut adas = token_for(&admin.user, "ada's");
    adas.expires_in_days = Some(30);
    let adas = env
        .gh
        .create_api_token(&admin.credential, adas)
        .await
        .unwrap();
    let revoked = env
        .gh
        .create_api_token(&admin.credential, token_for(&wile, "revoked"))
        .await
        .unwrap();
    env.gh
        .revoke_api_token(&admin.credential, revoked.token.id)
        .await
        .unwrap();
    env.clock.advance(chrono::Duration::days(2));
    // Her session ended meanwhile too.
    let signed_in = env.sign_in("ada", ADMIN_PASSWORD).await.unwrap();
    let ada = Credential::bearer(signed_in.access_token.access_token.expose());

    let names = |page: Page<ApiTokenView>| -> Vec<String> {
        page.items.into_iter().map(|t| t.name).collect()
    };
    let all = |query: AllTokensQuery| env.gh.list_all_api_tokens(&ada, query);
    let active = all(AllTokensQuery::default()).await.unwrap();
    assert_eq!(active.total, 2);
    assert_eq!(names(active), ["ada's", "Default"]);
    let expired = all(AllTokensQuery {
        state: Some(TokenState::Expired),
        ..AllTokensQuery::default()
    })
    .await
    .unwrap();
    assert_eq!(names(expired), ["expiring"]);
    let wiles = all(AllTokensQuery {
        user_id: Some(wile.id),
        any_state: Some(true),
        ..AllTokensQuery::default()
    })
    .await
    .unwrap();
    assert_eq!(names(wiles), ["revoked", "expiring"]);
    let acmes = all(AllTokensQuery {
        account_id: Some(acme.account.id),
        ..AllTokensQuery::default()
    })
    .await
    .unwrap();
    assert_eq!(names(acmes), ["Default"]);
    assert_eq!(expiring.token.user_id, wile.id);
    assert_eq!(adas.token.user_id, admin.user.id);
}
