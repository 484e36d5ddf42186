//! Two-step sign-in: enrolment, the code step (RFC 6238 steps, replay, races),
//! recovery codes, the throttle, the policy and an admin's reset.

use chrono::Duration;
use gatehouse_domain::second_factor::{code_at, CHALLENGE_MINUTES, RECOVERY_CODE_COUNT};
use gatehouse_domain::*;

use crate::helpers::*;

/// What an enrolment left the user with.
struct Enrolled {
    secret: String,
    recovery_codes: Vec<String>,
}

/// Sets up and confirms an authenticator for `credential`'s user, then moves the clock
/// past the confirming code's step (so the tests' codes are all unused ones).
async fn enrol(env: &Env, credential: &Credential) -> Enrolled {
    let started = env.gh.start_totp_enrollment(credential).await.unwrap();
    let secret = started.secret.expose().to_owned();
    let confirmed = env
        .gh
        .confirm_totp_enrollment(credential, confirmation(&secret, env))
        .await
        .unwrap();
    env.clock.advance(Duration::minutes(5));
    Enrolled {
        secret,
        recovery_codes: confirmed
            .codes
            .iter()
            .map(|c| c.expose().to_owned())
            .collect(),
    }
}

fn confirmation(secret: &str, env: &Env) -> TotpConfirmation {
    TotpConfirmation {
        code: secret_of(&code_at(secret, env.clock.now()).unwrap()),
    }
}

fn secret_of(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

/// The code the app shows `steps` steps from now.
fn code(env: &Env, secret: &str, steps: i64) -> String {
    code_at(secret, env.clock.now() + Duration::seconds(30 * steps)).unwrap()
}

/// The password step, which must ask for the second one; its challenge.
async fn challenge(env: &Env, login: &str, password: &str) -> String {
    match env.sign_in(login, password).await {
        Err(Error::SecondFactorRequired(challenge)) => challenge.challenge.expose().to_owned(),
        other => panic!(
            "expected second_factor_required, got {:?}",
            other.map(|_| ())
        ),
    }
}

fn with_code(challenge: &str, code: &str) -> SecondFactorSignIn {
    SecondFactorSignIn {
        challenge: secret_of(challenge),
        code: Some(secret_of(code)),
        recovery_code: None,
    }
}

fn with_recovery_code(challenge: &str, code: &str) -> SecondFactorSignIn {
    SecondFactorSignIn {
        challenge: secret_of(challenge),
        code: None,
        recovery_code: Some(secret_of(code)),
    }
}

async fn second_step(env: &Env, request: SecondFactorSignIn) -> Result<SignedIn> {
    env.gh
        .complete_sign_in(request, SignInSource::Desktop)
        .await
}

fn credential_of(signed_in: &SignedIn) -> Credential {
    Credential::bearer(signed_in.access_token.access_token.expose())
}

async fn audit_actions(env: &Env) -> Vec<String> {
    env.db
        .texts("select action from audit_events order by at, id")
        .await
}

#[on_both]
async fn enrolling_shows_the_secret_once_and_a_current_code_turns_two_steps_on_with_ten_recovery_codes(
    env: Env,
) {
    let admin = env.setup().await;
    let started = env
        .gh
        .start_totp_enrollment(&admin.credential)
        .await
        .unwrap();
    let secret = started.secret.expose();
    assert_eq!(secret.len(), 32);
    assert!(started
        .otpauth_uri
        .expose()
        .starts_with("otpauth://totp/Zydro%20Marine:ada?secret="));
    assert!(started.qr_svg.expose().starts_with("<svg"));
    // Started is not on: the password alone still signs in.
    assert!(!env.gh.me(&admin.credential).await.unwrap().second_factor);
    env.sign_in("ada", ADMIN_PASSWORD).await.unwrap();

    let wrong = env
        .gh
        .confirm_totp_enrollment(
            &admin.credential,
            TotpConfirmation {
                code: secret_of(&code(&env, secret, 3)),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&wrong), [("code".into(), "incorrect".into())]);

    let confirmed = env
        .gh
        .confirm_totp_enrollment(&admin.credential, confirmation(secret, &env))
        .await
        .unwrap();
    assert_eq!(confirmed.codes.len(), RECOVERY_CODE_COUNT);
    assert!(confirmed.user.second_factor);
    // Stored as digests (32 bytes each), never as the codes shown.
    assert_eq!(
        env.db.count("recovery_codes").await,
        RECOVERY_CODE_COUNT as i64
    );
    let lengths = env
        .db
        .texts("select cast(length(code_hash) as text) from recovery_codes")
        .await;
    assert!(lengths.iter().all(|l| l == "32"), "{lengths:?}");
    let audit = audit_actions(&env).await;
    let at = |action: &str| audit.iter().position(|a| a == action).unwrap();
    assert!(at("second_factor.enrollment_started") < at("second_factor.enrolled"));
    let details = env
        .db
        .texts("select cast(detail as text) from audit_events")
        .await;
    assert!(details.iter().all(|d| !d.contains(secret)));

    // On: the password step asks for a code, and starting again is refused.
    challenge(&env, "ada", ADMIN_PASSWORD).await;
    let again = env
        .gh
        .start_totp_enrollment(&admin.credential)
        .await
        .unwrap_err();
    assert!(matches!(again, Error::Conflict(_)), "{again:?}");
}

#[on_both]
async fn the_password_step_gives_a_401_challenge_and_no_token_and_the_code_step_gives_the_token(
    env: Env,
) {
    let admin = env.setup().await;
    let enrolled = enrol(&env, &admin.credential).await;
    let error = env.sign_in("ada", ADMIN_PASSWORD).await.unwrap_err();
    let problem = error.to_problem();
    assert_eq!(problem.code, ErrorCode::SecondFactorRequired);
    assert_eq!(problem.status, 401);
    let json = serde_json::to_string(&problem).unwrap();
    assert!(!json.contains("access_token") && json.contains("\"second_factor\""));
    let offered = problem.second_factor.expect("a challenge");
    assert_eq!(
        offered.expires_at,
        env.clock.now() + Duration::minutes(CHALLENGE_MINUTES)
    );

    let signed_in = second_step(
        &env,
        with_code(offered.challenge.expose(), &code(&env, &enrolled.secret, 0)),
    )
    .await
    .unwrap();
    assert!(!signed_in.must_enroll_second_factor);
    let me = env.gh.me(&credential_of(&signed_in)).await.unwrap();
    assert_eq!(me.id, admin.user.id);
    // A wrong password still fails as before, with no challenge.
    assert!(matches!(
        env.sign_in("ada", "not-the-password").await.unwrap_err(),
        Error::InvalidCredentials
    ));
}

#[on_both]
async fn codes_one_step_either_side_are_accepted_and_two_steps_away_refused(env: Env) {
    let admin = env.setup().await;
    let enrolled = enrol(&env, &admin.credential).await;
    for steps in [-2, 2] {
        let challenge = challenge(&env, "ada", ADMIN_PASSWORD).await;
        let refused = second_step(
            &env,
            with_code(&challenge, &code(&env, &enrolled.secret, steps)),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(refused, Error::InvalidCredentials),
            "{steps}: {refused:?}"
        );
    }
    // Each accepted step is later than the one before, so none is a replay.
    for steps in [-1, 0, 1] {
        let challenge = challenge(&env, "ada", ADMIN_PASSWORD).await;
        second_step(
            &env,
            with_code(&challenge, &code(&env, &enrolled.secret, steps)),
        )
        .await
        .unwrap_or_else(|e| panic!("step {steps}: {e:?}"));
    }
}

#[on_both]
async fn a_code_accepted_once_is_refused_again_and_so_is_an_earlier_steps(env: Env) {
    let admin = env.setup().await;
    let enrolled = enrol(&env, &admin.credential).await;
    let now_code = code(&env, &enrolled.secret, 0);
    let before = code(&env, &enrolled.secret, -1);
    let first = challenge(&env, "ada", ADMIN_PASSWORD).await;
    second_step(&env, with_code(&first, &now_code))
        .await
        .unwrap();
    let second = challenge(&env, "ada", ADMIN_PASSWORD).await;
    assert!(matches!(
        second_step(&env, with_code(&second, &now_code)).await,
        Err(Error::InvalidCredentials)
    ));
    // Still within the window, but older than the step accepted.
    assert!(matches!(
        second_step(&env, with_code(&second, &before)).await,
        Err(Error::InvalidCredentials)
    ));
    // The next step's code works (the challenge survives wrong codes).
    env.clock.advance(Duration::seconds(30));
    second_step(&env, with_code(&second, &code(&env, &enrolled.secret, 0)))
        .await
        .unwrap();
    // A challenge works once.
    let used = second_step(&env, with_code(&second, &code(&env, &enrolled.secret, 1)))
        .await
        .unwrap_err();
    assert_eq!(codes(&used), [("challenge".into(), "expired".into())]);
}

#[on_both]
async fn of_two_concurrent_sign_ins_with_the_same_code_exactly_one_wins(env: Env) {
    let admin = env.setup().await;
    let enrolled = enrol(&env, &admin.credential).await;
    let same = code(&env, &enrolled.secret, 0);
    let mut requests = Vec::new();
    for _ in 0..2 {
        let challenge = challenge(&env, "ada", ADMIN_PASSWORD).await;
        let gh = env.gh.clone();
        let request = with_code(&challenge, &same);
        requests.push(async move { gh.complete_sign_in(request, SignInSource::Desktop).await });
    }
    let results = spawn_all(requests).await;
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(
        won,
        1,
        "{:?}",
        results.iter().map(|r| r.as_ref().err()).collect::<Vec<_>>()
    );
    assert!(results
        .iter()
        .any(|r| matches!(r, Err(Error::InvalidCredentials))));
}

#[on_both]
async fn a_recovery_code_signs_in_once_however_it_is_typed(env: Env) {
    let admin = env.setup().await;
    let enrolled = enrol(&env, &admin.credential).await;
    let code = &enrolled.recovery_codes[0];
    let typed = code.to_uppercase().replace('-', " ");
    let first = challenge(&env, "ada", ADMIN_PASSWORD).await;
    second_step(&env, with_recovery_code(&first, &typed))
        .await
        .unwrap();
    let again = challenge(&env, "ada", ADMIN_PASSWORD).await;
    assert!(matches!(
        second_step(&env, with_recovery_code(&again, code)).await,
        Err(Error::InvalidCredentials)
    ));
    // Another one still works, and the audit says how many are left.
    second_step(
        &env,
        with_recovery_code(&again, &enrolled.recovery_codes[1]),
    )
    .await
    .unwrap();
    let details = env
        .db
        .texts("select cast(detail as text) from audit_events where action = 'sign_in.succeeded' order by at, id")
        .await;
    let last: serde_json::Value = serde_json::from_str(details.last().unwrap()).unwrap();
    assert_eq!(last["recovery_codes_left"], 8, "{details:?}");
    assert_eq!(last["second_factor"], "recovery_code");
}

#[on_both]
async fn wrong_codes_count_toward_the_sign_in_throttle_and_a_right_password_clears_nothing(
    env: Env,
) {
    let admin = env.setup().await;
    let (user, grace) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let enrolled = enrol(&env, &grace).await;
    for _ in 0..5 {
        // A fresh challenge each time: the right password must not reset the count.
        let challenge = challenge(&env, "grace", STRONG).await;
        assert!(matches!(
            second_step(&env, with_code(&challenge, "000000")).await,
            Err(Error::InvalidCredentials)
        ));
    }
    let seen = env.gh.get_user(&admin.credential, user.id).await.unwrap();
    assert_eq!(seen.failed_sign_ins, 5);
    // The desktop waits now: the password step and a right code are refused alike.
    assert!(matches!(
        env.sign_in("grace", STRONG).await,
        Err(Error::InvalidCredentials)
    ));
    env.clock.advance(Duration::minutes(2));
    let challenge = challenge(&env, "grace", STRONG).await;
    second_step(
        &env,
        with_code(&challenge, &code(&env, &enrolled.secret, 0)),
    )
    .await
    .unwrap();
    let seen = env.gh.get_user(&admin.credential, user.id).await.unwrap();
    assert_eq!(seen.failed_sign_ins, 0);
}

#[on_both]
async fn a_challenge_expires_after_five_minutes_and_bad_input_is_reported_by_field(env: Env) {
    let admin = env.setup().await;
    let enrolled = enrol(&env, &admin.credential).await;
    let challenge = challenge(&env, "ada", ADMIN_PASSWORD).await;
    let bad = second_step(&env, with_code(&challenge, "12ab"))
        .await
        .unwrap_err();
    assert_eq!(codes(&bad), [("code".into(), "invalid".into())]);
    let neither = second_step(
        &env,
        SecondFactorSignIn {
            challenge: secret_of(""),
            code: None,
            recovery_code: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        codes(&neither),
        [
            ("challenge".into(), "required".into()),
            ("code".into(), "required".into())
        ]
    );
    env.clock.advance(Duration::minutes(CHALLENGE_MINUTES));
    let late = second_step(
        &env,
        with_code(&challenge, &code(&env, &enrolled.secret, 0)),
    )
    .await
    .unwrap_err();
    assert_eq!(codes(&late), [("challenge".into(), "expired".into())]);
}

#[on_both]
async fn the_policy_needs_the_admin_enrolled_and_sends_a_covered_user_into_enrolment_before_anything_else(
    env: Env,
) {
    let admin = env.setup().await;
    let mut settings = env.gh.get_settings(&admin.credential).await.unwrap();
    settings.second_factor = SecondFactorPolicy::Admins;
    let refused = env
        .gh
        .update_settings(&admin.credential, settings.clone())
        .await
        .unwrap_err();
    assert_eq!(
        codes(&refused),
        [("second_factor".into(), "not_enrolled".into())]
    );
    enrol(&env, &admin.credential).await;
    env.gh
        .update_settings(&admin.credential, settings)
        .await
        .unwrap();

    // A new admin signs in with the password alone, and may do nothing but enrol.
    let (_, _) = env.user_with(&admin, "grace", vec![Role::Admin]).await;
    let signed_in = env.sign_in("grace", STRONG).await.unwrap();
    assert!(signed_in.must_enroll_second_factor);
    let grace = credential_of(&signed_in);
    let blocked = [
        env.gh.list_users(&grace, UserQuery::default()).await.err(),
        env.gh.get_settings(&grace).await.err(),
        env.gh
            .list_api_tokens(&grace, TokenQuery::default())
            .await
            .err(),
        env.gh
            .create_user(&grace, new_user("linus", vec![Role::Viewer]))
            .await
            .err(),
    ];
    for error in blocked {
        assert!(
            matches!(error, Some(Error::SecondFactorEnrollmentRequired)),
            "{error:?}"
        );
    }
    assert_eq!(
        Error::SecondFactorEnrollmentRequired.to_problem().status,
        403
    );
    // What enrolment needs still works; then everything does.
    assert!(!env.gh.me(&grace).await.unwrap().second_factor);
    enrol(&env, &grace).await;
    env.gh
        .list_users(&grace, UserQuery::default())
        .await
        .unwrap();
    // A viewer is not covered by "admins".
    let (_, viewer) = env.user_with(&admin, "linus", vec![Role::Viewer]).await;
    env.gh
        .list_api_tokens(&viewer, TokenQuery::default())
        .await
        .unwrap();
}

#[on_both]
async fn an_admins_reset_ends_the_users_sessions_and_their_password_alone_signs_in_again(env: Env) {
    let admin = env.setup().await;
    let (user, grace) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    enrol(&env, &grace).await;
    let seen = env.gh.get_user(&admin.credential, user.id).await.unwrap();
    assert!(seen.second_factor);
    let own = env
        .gh
        .reset_second_factor(&admin.credential, admin.user.id)
        .await
        .unwrap_err();
    assert_eq!(codes(&own), [("id".into(), "own_account".into())]);
    let forbidden = env
        .gh
        .reset_second_factor(&grace, admin.user.id)
        .await
        .unwrap_err();
    assert!(matches!(forbidden, Error::Forbidden));

    let reset = env
        .gh
        .reset_second_factor(&admin.credential, user.id)
        .await
        .unwrap();
    assert!(!reset.second_factor);
    assert!(matches!(
        env.gh.me(&grace).await.unwrap_err(),
        Error::Unauthenticated
    ));
    env.sign_in("grace", STRONG).await.unwrap();
    assert!(audit_actions(&env)
        .await
        .contains(&"second_factor.reset".to_owned()));
    let again = env
        .gh
        .reset_second_factor(&admin.credential, user.id)
        .await
        .unwrap_err();
    assert_eq!(codes(&again), [("id".into(), "not_enrolled".into())]);
}

#[on_both]
async fn turning_it_off_needs_the_password_and_a_code_and_is_refused_where_the_policy_requires_it(
    env: Env,
) {
    let admin = env.setup().await;
    let (_, grace) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let enrolled = enrol(&env, &grace).await;
    let removal = |password: &str, code: &str| TotpRemoval {
        current_password: secret_of(password),
        code: secret_of(code),
    };
    let wrong = env
        .gh
        .remove_totp(&grace, removal("wrong", &code(&env, &enrolled.secret, 0)))
        .await
        .unwrap_err();
    assert_eq!(
        codes(&wrong),
        [("current_password".into(), "incorrect".into())]
    );
    let wrong_code = env
        .gh
        .remove_totp(&grace, removal(STRONG, "000000"))
        .await
        .unwrap_err();
    assert_eq!(codes(&wrong_code), [("code".into(), "incorrect".into())]);

    enrol(&env, &admin.credential).await;
    let mut settings = env.gh.get_settings(&admin.credential).await.unwrap();
    settings.second_factor = SecondFactorPolicy::Everyone;
    env.gh
        .update_settings(&admin.credential, settings.clone())
        .await
        .unwrap();
    let required = env
        .gh
        .remove_totp(&grace, removal(STRONG, &code(&env, &enrolled.secret, 0)))
        .await
        .unwrap_err();
    assert_eq!(
        codes(&required),
        [("code".into(), "required_by_policy".into())]
    );

    settings.second_factor = SecondFactorPolicy::Off;
    env.gh
        .update_settings(&admin.credential, settings)
        .await
        .unwrap();
    let off = env
        .gh
        .remove_totp(&grace, removal(STRONG, &enrolled.recovery_codes[3]))
        .await
        .unwrap();
    assert!(!off.second_factor);
    env.sign_in("grace", STRONG).await.unwrap();
    assert_eq!(env.db.count("recovery_codes").await, 10);
}
