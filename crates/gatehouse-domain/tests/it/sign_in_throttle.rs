//! Sign-in guesses are throttled per (user, source) with an exponential wait, and a
//! username-wide ceiling of 100 failures in a row: guessing from one source never
//! keeps the holder of the right password out from another.

use std::net::IpAddr;

use chrono::Duration;
use gatehouse_domain::*;

use crate::helpers::*;

/// A network address of the documentation range, one per `n`.
fn address(n: u8) -> SignInSource {
    SignInSource::Address(IpAddr::from([203, 0, 113, n]))
}

async fn sign_in_from(
    env: &Env,
    source: SignInSource,
    login: &str,
    password: &str,
) -> Result<SignedIn> {
    env.gh
        .sign_in(
            SignIn {
                login: login.into(),
                password: secret(password),
            },
            source,
        )
        .await
}

/// Why each failed sign-in failed, as the audit recorded it, oldest first.
async fn failure_reasons(env: &Env) -> Vec<String> {
    let details = env
        .db
        .texts("select cast(detail as text) from audit_events where action = 'sign_in.failed' order by at, id")
        .await;
    details
        .iter()
        .map(|text| {
            let detail: serde_json::Value = serde_json::from_str(text).unwrap();
            detail["reason"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn refused(result: Result<SignedIn>) -> bool {
    matches!(result, Err(Error::InvalidCredentials))
}

#[on_both]
async fn an_attacker_guessing_for_an_hour_from_one_address_never_keeps_the_admin_out_of_another(
    env: Env,
) {
    env.setup().await;
    let (attacker, admin_at) = (address(1), address(2));
    // The HTTP API's highest sign-in rate from one address: 10 attempts a minute.
    const PER_MINUTE: i64 = 10;
    for attempt in 0..60 * PER_MINUTE {
        env.clock
            .advance(Duration::milliseconds(60_000 / PER_MINUTE));
        // Every fifth minute the attacker tries the right password itself: it is
        // refused, because the address is waiting and its passwords are not checked.
        let password = if attempt % 50 == 49 {
            ADMIN_PASSWORD.to_owned()
        } else {
            format!("Guess-{attempt}")
        };
        assert!(
            refused(sign_in_from(&env, attacker, "ada", &password).await),
            "attempt {attempt}"
        );
        if attempt % 5 == 4 {
            sign_in_from(&env, admin_at, "ada", ADMIN_PASSWORD)
                .await
                .unwrap_or_else(|e| panic!("the admin is kept out after attempt {attempt}: {e}"));
        }
    }
    let reasons = failure_reasons(&env).await;
    assert_eq!(reasons.len(), 600);
    // Only the attempts at the end of each wait were checked: 5, then one after
    // waits of 1, 2, 4, 8 and 16 minutes (the next wait, 32 minutes, outlasts the hour).
    assert_eq!(
        reasons.iter().filter(|r| *r == "wrong_password").count(),
        10
    );
    assert_eq!(
        reasons.iter().filter(|r| *r == "source_waiting").count(),
        590
    );
}

#[on_both]
async fn failures_outside_the_window_are_forgotten(env: Env) {
    env.setup().await;
    for _ in 0..4 {
        assert!(refused(
            sign_in_from(&env, address(1), "ada", "wrong").await
        ));
    }
    env.clock.advance(Duration::minutes(15));
    for _ in 0..4 {
        assert!(refused(
            sign_in_from(&env, address(1), "ada", "wrong").await
        ));
    }
    sign_in_from(&env, address(1), "ada", ADMIN_PASSWORD)
        .await
        .expect("never 5 failures within 15 minutes");
}

#[on_both]
async fn failures_within_the_window_add_up(env: Env) {
    env.setup().await;
    for _ in 0..4 {
        assert!(refused(
            sign_in_from(&env, address(1), "ada", "wrong").await
        ));
    }
    env.clock.advance(Duration::minutes(14));
    assert!(refused(
        sign_in_from(&env, address(1), "ada", "wrong").await
    ));
    assert!(refused(
        sign_in_from(&env, address(1), "ada", ADMIN_PASSWORD).await
    ));
}

#[on_both]
async fn a_waiting_source_waits_a_minute_then_twice_as_long_and_its_refused_attempts_do_not_count(
    env: Env,
) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    for _ in 0..5 {
        assert!(refused(
            sign_in_from(&env, address(1), "grace", "wrong").await
        ));
    }
    // Waiting for a minute: twenty more guesses are refused unchecked and uncounted.
    for _ in 0..20 {
        assert!(refused(
            sign_in_from(&env, address(1), "grace", "wrong").await
        ));
    }
    env.clock.advance(Duration::seconds(59));
    assert!(refused(
        sign_in_from(&env, address(1), "grace", STRONG).await
    ));
    assert_eq!(
        env.gh
            .get_user(&admin.credential, grace.id)
            .await
            .unwrap()
            .failed_sign_ins,
        5
    );
    env.clock.advance(Duration::seconds(1));
    // The wait is over; the sixth failure makes it two minutes.
    assert!(refused(
        sign_in_from(&env, address(1), "grace", "wrong").await
    ));
    env.clock.advance(Duration::seconds(119));
    assert!(refused(
        sign_in_from(&env, address(1), "grace", STRONG).await
    ));
    env.clock.advance(Duration::seconds(1));
    let signed_in = sign_in_from(&env, address(1), "grace", STRONG)
        .await
        .unwrap();
    assert_eq!(signed_in.user.failed_sign_ins, 0);
}

#[on_both]
async fn a_success_from_a_source_clears_its_count(env: Env) {
    env.setup().await;
    for _ in 0..4 {
        assert!(refused(
            sign_in_from(&env, address(1), "ada", "wrong").await
        ));
    }
    sign_in_from(&env, address(1), "ada", ADMIN_PASSWORD)
        .await
        .unwrap();
    for _ in 0..4 {
        assert!(refused(
            sign_in_from(&env, address(1), "ada", "wrong").await
        ));
    }
    sign_in_from(&env, address(1), "ada", ADMIN_PASSWORD)
        .await
        .expect("4 failures since the last success");
}

#[on_both]
async fn a_success_from_another_source_leaves_the_guessing_source_waiting(env: Env) {
    env.setup().await;
    for _ in 0..5 {
        assert!(refused(
            sign_in_from(&env, address(1), "ada", "wrong").await
        ));
    }
    sign_in_from(&env, address(2), "ada", ADMIN_PASSWORD)
        .await
        .unwrap();
    assert!(refused(
        sign_in_from(&env, address(1), "ada", ADMIN_PASSWORD).await
    ));
}

#[on_both]
async fn racing_failures_from_one_source_all_count(env: Env) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    // A threshold above the race, so that every racer is checked and must count.
    let mut settings = env.gh.get_settings(&admin.credential).await.unwrap();
    settings.lockout_threshold = 10;
    env.gh
        .update_settings(&admin.credential, settings)
        .await
        .unwrap();
    let attempts = (0..8).map(|i| {
        let gh = env.gh.clone();
        async move {
            gh.sign_in(
                SignIn {
                    login: "grace".into(),
                    password: secret(&format!("wrong-{i}")),
                },
                address(1),
            )
            .await
        }
    });
    for result in spawn_all(attempts).await {
        assert!(refused(result));
    }
    assert_eq!(
        env.gh
            .get_user(&admin.credential, grace.id)
            .await
            .unwrap()
            .failed_sign_ins,
        8
    );
    for _ in 0..2 {
        assert!(refused(
            sign_in_from(&env, address(1), "grace", "wrong").await
        ));
    }
    assert!(
        refused(sign_in_from(&env, address(1), "grace", STRONG).await),
        "10 failures: the address waits"
    );
}

#[on_both]
async fn a_hundred_failures_in_a_row_lock_the_username_for_every_address_until_an_admin_lifts_it(
    env: Env,
) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    // 25 addresses, 4 guesses each: none of them ever has to wait.
    for n in 0..25 {
        for _ in 0..4 {
            assert!(refused(
                sign_in_from(&env, address(n), "grace", "wrong").await
            ));
        }
        let seen = env.gh.get_user(&admin.credential, grace.id).await.unwrap();
        assert_eq!(
            seen.locked_until.is_some(),
            n == 24,
            "after {} failures",
            seen.failed_sign_ins
        );
    }
    let seen = env.gh.get_user(&admin.credential, grace.id).await.unwrap();
    assert_eq!(seen.failed_sign_ins, 100);
    assert!(
        refused(sign_in_from(&env, address(200), "grace", STRONG).await),
        "a fresh address is locked out too"
    );
    let unlocked = env
        .gh
        .unlock_user(&admin.credential, grace.id)
        .await
        .unwrap();
    assert_eq!((unlocked.failed_sign_ins, unlocked.locked_until), (0, None));
    sign_in_from(&env, address(200), "grace", STRONG)
        .await
        .unwrap();
    assert_eq!(
        failure_reasons(&env).await.last().map(String::as_str),
        Some("user_locked")
    );
}

#[on_both]
async fn a_lapsed_username_lock_starts_the_count_afresh(env: Env) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    for n in 0..25 {
        for _ in 0..4 {
            assert!(refused(
                sign_in_from(&env, address(n), "grace", "wrong").await
            ));
        }
    }
    env.clock.advance(Duration::hours(23));
    assert!(refused(
        sign_in_from(&env, address(200), "grace", STRONG).await
    ));
    env.clock.advance(Duration::hours(1));
    assert!(refused(
        sign_in_from(&env, address(100), "grace", "wrong").await
    ));
    // (The admin's session of a day ago has expired.)
    let admin = env.sign_in("ada", ADMIN_PASSWORD).await.unwrap();
    let admin = Credential::bearer(admin.access_token.access_token.expose());
    let seen = env.gh.get_user(&admin, grace.id).await.unwrap();
    assert_eq!((seen.failed_sign_ins, seen.locked_until), (1, None));
    sign_in_from(&env, address(200), "grace", STRONG)
        .await
        .unwrap();
}

#[on_both]
async fn the_desktop_which_holds_the_database_is_not_held_by_the_username_lock(env: Env) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    for n in 0..25 {
        for _ in 0..4 {
            assert!(refused(
                sign_in_from(&env, address(n), "grace", "wrong").await
            ));
        }
    }
    assert!(env
        .gh
        .get_user(&admin.credential, grace.id)
        .await
        .unwrap()
        .locked_until
        .is_some());
    // The right password from the desktop ends the run of failures, and the lock.
    env.sign_in("grace", STRONG).await.unwrap();
    sign_in_from(&env, address(200), "grace", STRONG)
        .await
        .unwrap();
}

#[on_both]
async fn an_admins_unlock_lifts_every_sources_wait(env: Env) {
    let admin = env.setup().await;
    let (grace, _) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    for source in [address(1), address(2)] {
        for _ in 0..5 {
            assert!(refused(sign_in_from(&env, source, "grace", "wrong").await));
        }
    }
    env.gh
        .unlock_user(&admin.credential, grace.id)
        .await
        .unwrap();
    sign_in_from(&env, address(1), "grace", STRONG)
        .await
        .unwrap();
    sign_in_from(&env, address(2), "grace", STRONG)
        .await
        .unwrap();
}

#[on_both]
async fn ipv6_addresses_of_one_64_bit_prefix_are_one_source(env: Env) {
    env.setup().await;
    for host in 1..=5u16 {
        let source = SignInSource::Address(IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, host]));
        assert!(refused(sign_in_from(&env, source, "ada", "wrong").await));
    }
    let same_prefix = SignInSource::Address(IpAddr::from([0x2001, 0xdb8, 0, 1, 0xffff, 0, 0, 9]));
    assert!(refused(
        sign_in_from(&env, same_prefix, "ada", ADMIN_PASSWORD).await
    ));
    let other_prefix = SignInSource::Address(IpAddr::from([0x2001, 0xdb8, 0, 2, 0, 0, 0, 1]));
    sign_in_from(&env, other_prefix, "ada", ADMIN_PASSWORD)
        .await
        .unwrap();
}
