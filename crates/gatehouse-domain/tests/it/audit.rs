//! The audit trail: one hash chain that shows an edited, deleted or inserted event
//! where it is, stays one chain under concurrent writers, pages by filter and cursor,
//! and never holds a secret.

use chrono::Duration;
use gatehouse_domain::*;
use uuid::Uuid;

use crate::helpers::*;

/// A set-up instance with a few more events: three users created, so the chain holds
/// four events (setup, users).
async fn trail(env: &Env) -> Admin {
    let admin = env.setup().await;
    for name in ["grace", "alan", "edsger"] {
        env.gh
            .create_user(&admin.credential, new_user(name, vec![Role::Viewer]))
            .await
            .expect("create user");
    }
    admin
}

async fn verify(env: &Env) -> AuditVerification {
    env.gh.audit_trail_verification().await.expect("verify")
}

/// `id` as a literal of the database's id column.
fn id_literal(env: &Env, id: Uuid) -> String {
    if env.db.is_sqlite() {
        format!("x'{}'", id.simple())
    } else {
        format!("'{id}'")
    }
}

#[on_both]
async fn an_untouched_trail_verifies_every_event(env: Env) {
    trail(&env).await;
    let verification = verify(&env).await;
    let count = env.db.count("audit_events").await;
    assert!(count >= 4, "{count}");
    assert_eq!(verification.verified, count as u64);
    assert_eq!(verification.head_seq, count);
    assert!(verification.broken_at.is_none(), "{verification:?}");
}

#[on_both]
async fn an_edited_event_is_named_at_its_place(env: Env) {
    trail(&env).await;
    env.db
        .execute("update audit_events set target_name = 'mallory' where seq = 3")
        .await;
    let verification = verify(&env).await;
    let broken = verification.broken_at.expect("broken");
    assert_eq!(broken.seq, Some(3));
    assert_eq!(broken.reason, BreakReason::Altered);
    assert_eq!(broken.event.expect("the event").seq, Some(3));
    assert_eq!(verification.verified, 2);
}

#[on_both]
async fn a_deleted_event_is_named_by_its_place_and_the_event_after_the_gap(env: Env) {
    trail(&env).await;
    env.db
        .execute("delete from audit_events where seq = 3")
        .await;
    let verification = verify(&env).await;
    let broken = verification.broken_at.expect("broken");
    assert_eq!(broken.seq, Some(3));
    assert_eq!(broken.reason, BreakReason::Missing);
    assert_eq!(broken.event.expect("the next event").seq, Some(4));
    assert_eq!(verification.verified, 2);
}

#[on_both]
async fn deleting_the_newest_event_is_noticed_too(env: Env) {
    trail(&env).await;
    let newest = env.db.count("audit_events").await;
    env.db
        .execute(&format!("delete from audit_events where seq = {newest}"))
        .await;
    let broken = verify(&env).await.broken_at.expect("broken");
    assert_eq!(broken.seq, Some(newest));
    assert_eq!(broken.reason, BreakReason::Missing);
    assert!(broken.event.is_none());
}

#[on_both]
async fn an_event_inserted_between_two_others_is_named_at_its_place(env: Env) {
    trail(&env).await;
    // Make room at place 3 (in two steps: the places are unique), then forge an event
    // there that names the hash before it.
    env.db
        .execute("update audit_events set seq = seq + 1000 where seq >= 3")
        .await;
    env.db
        .execute("update audit_events set seq = seq - 999 where seq >= 1000")
        .await;
    let forged = Uuid::now_v7();
    env.db
        .execute(&format!(
            "insert into audit_events (id, seq, at, actor_id, action, target_type, target_id,
                target_name, detail, prev_hash, hash)
            select {}, 3, at, actor_id, 'user.created', target_type, target_id, 'mallory',
                detail, hash, hash
            from audit_events
            where seq = 2",
            id_literal(&env, forged)
        ))
        .await;
    let verification = verify(&env).await;
    let broken = verification.broken_at.expect("broken");
    assert_eq!(broken.seq, Some(3));
    assert_eq!(broken.reason, BreakReason::Altered);
    assert_eq!(broken.event.expect("the forged event").id, forged);
    assert_eq!(verification.verified, 2);
}

#[on_both]
async fn an_event_appended_by_hand_or_without_a_place_is_named(env: Env) {
    trail(&env).await;
    let head = verify(&env).await.head_seq;
    let forged = Uuid::now_v7();
    env.db
        .execute(&format!(
            "insert into audit_events (id, seq, at, action, target_type, detail, prev_hash, hash)
            select {}, seq + 1, at, action, target_type, detail, hash, hash
            from audit_events
            where seq = {head}",
            id_literal(&env, forged)
        ))
        .await;
    let verification = verify(&env).await;
    let broken = verification.broken_at.expect("broken");
    assert_eq!(
        (broken.seq, broken.reason),
        (Some(head + 1), BreakReason::Inserted)
    );
    assert_eq!(broken.event.unwrap().id, forged);
    assert_eq!(verification.verified, head as u64);

    env.db
        .execute("update audit_events set seq = null where seq > 999999 or hash = prev_hash")
        .await;
    let broken = verify(&env).await.broken_at.expect("broken");
    assert_eq!((broken.seq, broken.reason), (None, BreakReason::Unchained));
    assert_eq!(broken.event.unwrap().id, forged);
}

#[on_both]
async fn events_written_before_the_chain_are_chained_once_at_connect(env: Env) {
    trail(&env).await;
    let before = env.db.count("audit_events").await;
    // As migration 0008 finds a database: events without places, a fresh head.
    env.db
        .execute("update audit_events set seq = null, prev_hash = null, hash = null")
        .await;
    env.db
        .execute(&format!(
            "update audit_chain_head set seq = 0, hash = '{GENESIS_HASH}'"
        ))
        .await;
    env.db
        .execute("delete from data_steps where step = 'audit_chain_v1'")
        .await;
    let unchained = verify(&env).await.broken_at.expect("broken");
    assert_eq!(unchained.reason, BreakReason::Unchained);

    let later = env.another_desktop().await;
    let verification = later.audit_trail_verification().await.unwrap();
    assert!(verification.broken_at.is_none(), "{verification:?}");
    assert_eq!(verification.verified, before as u64);
    // The oldest event is first.
    let first = env
        .db
        .texts("select action from audit_events where seq = 1")
        .await;
    assert_eq!(first, vec!["instance.set_up".to_owned()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_concurrent_writers_on_four_desktops_leave_one_chain_on_postgres() {
    concurrent_writers(Env::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_concurrent_writers_on_four_desktops_leave_one_chain_on_sqlite() {
    concurrent_writers(Env::sqlite().await).await;
}

async fn concurrent_writers(env: Env) {
    let admin = env.setup().await;
    let mut desktops = vec![env.gh.clone()];
    for _ in 0..3 {
        desktops.push(env.another_desktop().await);
    }
    let writes = (0..32).map(|i| {
        let gh = desktops[i % desktops.len()].clone();
        let credential = admin.credential.clone();
        async move {
            gh.create_api_token(
                &credential,
                NewApiToken {
                    name: format!("writer {i}"),
                    expires_in_days: None,
                    never_expires: false,
                    user_id: None,
                    current_password: None,
                },
            )
            .await
        }
    });
    for written in spawn_all(writes).await {
        written.expect("token made");
    }
    let count = env.db.count("audit_events").await;
    assert_eq!(count, 33, "setup and 32 tokens");
    let verification = verify(&env).await;
    assert!(verification.broken_at.is_none(), "{verification:?}");
    assert_eq!(verification.verified, count as u64);
    assert_eq!(
        env.db
            .count("audit_events where action = 'api_token.created'")
            .await,
        32
    );
}

#[on_both]
async fn no_secret_is_in_any_event(env: Env) {
    let admin = trail(&env).await;
    let issued = env
        .gh
        .create_api_token(
            &admin.credential,
            NewApiToken {
                name: "ci".into(),
                expires_in_days: None,
                never_expires: false,
                user_id: None,
                current_password: None,
            },
        )
        .await
        .unwrap();
    let typo = "Typed-Into-The-Wrong-Field-77";
    let _ = env.sign_in(typo, ADMIN_PASSWORD).await.unwrap_err();
    let _ = env.sign_in("grace", typo).await.unwrap_err();
    let signed_in = env.sign_in("grace", STRONG).await.unwrap();
    env.gh.verify_audit_trail(&admin.credential).await.unwrap();
    let events = env
        .db
        .texts(
            "select action || ' ' || coalesce(target_name, '') || ' ' || coalesce(target_id, '')
                || ' ' || cast(detail as text)
            from audit_events",
        )
        .await
        .join("\n");
    assert!(events.contains("sign_in.failed") && events.contains("audit.verified"));
    for secret in [
        ADMIN_PASSWORD,
        STRONG,
        typo,
        issued.secret.expose(),
        admin.token.as_str(),
        signed_in.access_token.access_token.expose(),
    ] {
        assert!(!events.contains(secret), "{secret} in the trail");
    }
}

#[on_both]
async fn the_trail_filters_by_actor_action_target_time_and_name(env: Env) {
    let admin = trail(&env).await;
    let (grace, credential) = env.user_with(&admin, "grace2", vec![Role::Admin]).await;
    env.clock.advance(Duration::minutes(30));
    let cutoff = env.clock.now();
    env.gh
        .create_user(&credential, new_user("barbara", vec![Role::Viewer]))
        .await
        .unwrap();
    let list = |query: AuditQuery| {
        let gh = env.gh.clone();
        let credential = admin.credential.clone();
        async move {
            gh.list_audit_events(&credential, query)
                .await
                .unwrap()
                .items
        }
    };
    let by_grace = list(AuditQuery {
        actor: Some(grace.id),
        ..Default::default()
    })
    .await;
    assert!(!by_grace.is_empty());
    assert!(by_grace.iter().all(|e| e.actor_id == Some(grace.id)));

    let created = list(AuditQuery {
        action: Some(AuditAction::UserCreated),
        ..Default::default()
    })
    .await;
    let names: Vec<_> = created
        .iter()
        .map(|e| e.target_name.clone().unwrap())
        .collect();
    assert_eq!(names, ["barbara", "grace2", "edsger", "alan", "grace"]);

    let about_grace = list(AuditQuery {
        target: Some(grace.id),
        ..Default::default()
    })
    .await;
    let actions: Vec<_> = about_grace.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["sign_in.succeeded", "user.created"]);

    let since = list(AuditQuery {
        from: Some(cutoff),
        ..Default::default()
    })
    .await;
    assert_eq!(since.len(), 1);
    assert_eq!(since[0].target_name.as_deref(), Some("barbara"));
    let before = list(AuditQuery {
        to: Some(cutoff),
        ..Default::default()
    })
    .await;
    assert!(before.iter().all(|e| e.at < cutoff) && before.len() > 3);

    let searched = list(AuditQuery {
        q: Some("ARBAR".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(searched.len(), 1);
    assert_eq!(searched[0].action, "user.created");
}

#[on_both]
async fn pages_follow_the_cursor_newest_first_without_gaps_or_repeats(env: Env) {
    let admin = trail(&env).await;
    let count = env.db.count("audit_events").await;
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = env
            .gh
            .list_audit_events(
                &admin.credential,
                AuditQuery {
                    limit: Some(2),
                    cursor: cursor.clone(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|e| e.seq.unwrap()));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let expected: Vec<i64> = (1..=count).rev().collect();
    assert_eq!(seen, expected);
}

#[on_both]
async fn bad_filters_are_each_reported_and_need_an_admin(env: Env) {
    let admin = trail(&env).await;
    let now = env.clock.now();
    let error = env
        .gh
        .list_audit_events(
            &admin.credential,
            AuditQuery {
                q: Some("a\u{0}b".into()),
                cursor: Some("not-a-cursor".into()),
                from: Some(now),
                to: Some(now - Duration::hours(1)),
                limit: Some(501),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        codes(&error),
        vec![
            ("q".into(), "invalid_characters".into()),
            ("cursor".into(), "invalid".into()),
            ("to".into(), "before_from".into()),
            ("limit".into(), "out_of_range".into()),
        ]
    );
    let (_, viewer) = env.user_with(&admin, "vera", vec![Role::Viewer]).await;
    assert!(matches!(
        env.gh.verify_audit_trail(&viewer).await.unwrap_err(),
        Error::Forbidden
    ));
}

#[on_both]
async fn settings_changes_record_before_and_after(env: Env) {
    let admin = env.setup().await;
    let mut settings = env.gh.get_settings(&admin.credential).await.unwrap();
    let old = settings.lockout_threshold;
    settings.lockout_threshold = old + 2;
    env.gh
        .update_settings(&admin.credential, settings)
        .await
        .unwrap();
    let event = &env
        .gh
        .list_audit_events(
            &admin.credential,
            AuditQuery {
                action: Some(AuditAction::SettingsUpdated),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items[0];
    assert_eq!(event.detail["before"]["lockout_threshold"], old);
    assert_eq!(event.detail["after"]["lockout_threshold"], old + 2);
}

#[on_both]
async fn a_source_that_must_wait_is_recorded_once_with_where_it_signs_in_from(env: Env) {
    let admin = env.setup().await;
    env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let address = SignInSource::Address("203.0.113.7".parse().unwrap());
    for _ in 0..6 {
        let _ = env
            .gh
            .sign_in(
                SignIn {
                    login: "grace".into(),
                    password: secret("not-her-password"),
                },
                address,
            )
            .await;
    }
    let throttled = env
        .gh
        .list_audit_events(
            &admin.credential,
            AuditQuery {
                action: Some(AuditAction::SignInSourceThrottled),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
    assert_eq!(throttled.len(), 1);
    assert_eq!(throttled[0].detail["source"], "ip:203.0.113.7");
    assert_eq!(throttled[0].target_name.as_deref(), Some("grace"));
    let signed_in = env
        .gh
        .list_audit_events(
            &admin.credential,
            AuditQuery {
                action: Some(AuditAction::SignInSucceeded),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
    assert_eq!(signed_in[0].detail["source"], "desktop");
}
