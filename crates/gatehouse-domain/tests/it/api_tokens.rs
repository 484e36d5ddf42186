use chrono::Duration;
use gatehouse_domain::*;

use crate::helpers::*;

fn named(name: &str) -> NewApiToken {
    NewApiToken {
        name: name.into(),
        expires_in_days: None,
        never_expires: false,
        user_id: None,
    }
}

on_both! {
    async fn an_api_token_is_shown_once_listed_without_its_secret_and_authenticates(env) {
        let admin = env.setup().await;
        let issued = env.gh.create_api_token(&admin.credential, named("ci")).await.unwrap();
        let secret = issued.secret.expose().to_owned();
        assert!(secret.starts_with("gth_") && secret.len() >= 40);
        assert_eq!(issued.token.state, TokenState::Active);
        assert_eq!(issued.token.expires_at, Some(issued.token.created_at + Duration::days(90)));
        let listed = env.gh.api_tokens(&admin.credential, None).await.unwrap();
        assert_eq!(listed, vec![issued.token.clone()]);
        assert!(!serde_json::to_string(&listed).unwrap().contains(&secret));
        env.clock.advance(Duration::minutes(5));
        let credential = Credential::bearer(&secret);
        env.gh.create_user(&credential, new_user("grace", vec![Role::Viewer])).await.unwrap();
        let used = env.gh.api_tokens(&admin.credential, None).await.unwrap();
        assert_eq!(used[0].last_used_at, Some(issued.token.created_at + Duration::minutes(5)));
    }

    async fn a_revoked_token_no_longer_authenticates(env) {
        let admin = env.setup().await;
        let issued = env.gh.create_api_token(&admin.credential, named("ci")).await.unwrap();
        let revoked = env.gh.revoke_api_token(&admin.credential, issued.token.id).await.unwrap();
        assert_eq!(revoked.state, TokenState::Revoked);
        let error = env.gh.me(&Credential::bearer(issued.secret.expose())).await.unwrap_err();
        assert!(matches!(error, Error::Unauthenticated));
    }

    async fn an_expired_token_fails_with_token_expired_and_never_means_never(env) {
        let admin = env.setup().await;
        let short = env.gh.create_api_token(&admin.credential, NewApiToken { expires_in_days: Some(1), ..named("short") }).await.unwrap();
        let forever = env.gh.create_api_token(&admin.credential, NewApiToken { never_expires: true, ..named("forever") }).await.unwrap();
        assert_eq!(forever.token.expires_at, None);
        env.clock.advance(Duration::days(2));
        let error = env.gh.me(&Credential::bearer(short.secret.expose())).await.unwrap_err();
        assert!(matches!(error, Error::TokenExpired));
        assert_eq!(error.to_problem().code, ErrorCode::TokenExpired);
        env.clock.advance(Duration::days(3650));
        env.gh.me(&Credential::bearer(forever.secret.expose())).await.unwrap();
        // The admin's one-hour access token is long expired; the forever token lists.
        let states: Vec<_> = env.gh.api_tokens(&Credential::bearer(forever.secret.expose()), None).await.unwrap().into_iter().map(|t| (t.name, t.state)).collect();
        assert!(states.contains(&("short".into(), TokenState::Expired)));
    }

    async fn users_manage_only_their_own_tokens_unless_admin(env) {
        let admin = env.setup().await;
        let (grace, credential) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
        let own = env.gh.create_api_token(&credential, named("mine")).await.unwrap();
        assert_eq!(own.token.user_id, grace.id);
        let admins = env.gh.create_api_token(&admin.credential, named("admin's")).await.unwrap();
        assert!(matches!(env.gh.revoke_api_token(&credential, admins.token.id).await.unwrap_err(), Error::NotFound(_)));
        assert!(matches!(env.gh.api_tokens(&credential, Some(admin.user.id)).await.unwrap_err(), Error::Forbidden));
        assert!(matches!(env.gh.create_api_token(&credential, NewApiToken { user_id: Some(admin.user.id), ..named("x") }).await.unwrap_err(), Error::Forbidden));
        // Admins can see and revoke anyone's.
        assert_eq!(env.gh.api_tokens(&admin.credential, Some(grace.id)).await.unwrap().len(), 1);
        env.gh.revoke_api_token(&admin.credential, own.token.id).await.unwrap();
    }

    async fn a_token_of_a_suspended_user_is_forbidden(env) {
        let admin = env.setup().await;
        let (grace, credential) = env.user_with(&admin, "grace", vec![Role::Admin]).await;
        let issued = env.gh.create_api_token(&credential, named("mine")).await.unwrap();
        env.gh.set_user_status(&admin.credential, grace.id, UserStatus::Suspended).await.unwrap();
        assert!(matches!(env.gh.me(&Credential::bearer(issued.secret.expose())).await.unwrap_err(), Error::Forbidden));
    }
}
