//! Access-token verification against forged, tampered, foreign and expired tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use gatehouse_domain::access_token::{issuer, AUDIENCE};
use gatehouse_domain::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use crate::helpers::*;

fn token_of(signed_in: &SignedIn) -> String {
    signed_in.access_token.access_token.expose().to_owned()
}

fn parts(token: &str) -> (Value, Value) {
    let mut it = token.split('.');
    let header =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap();
    let claims =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap();
    (header, claims)
}

fn encode_unsigned(header: &Value, claims: &Value, signature: &str) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        signature
    )
}

/// The private key the core keeps in its (test) keychain for this instance.
fn instance_key(env: &Env, admin: &Admin) -> EncodingKey {
    let stored = env
        .secrets
        .get(&format!("signing-key/{}", admin.instance_id))
        .unwrap()
        .expect("key in the keychain");
    let value: Value = serde_json::from_str(stored.expose_secret()).unwrap();
    let der = base64::engine::general_purpose::STANDARD
        .decode(value["pkcs8"].as_str().unwrap())
        .unwrap();
    EncodingKey::from_ed_der(&der)
}

fn sign(key: &EncodingKey, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

async fn verdict(env: &Env, token: &str) -> Result<UserView> {
    env.gh.me(&Credential::bearer(token)).await
}

#[on_both]
async fn a_token_carries_the_documented_claims_and_key_id(env: Env) {
    let admin = env.setup().await;
    let token = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
    let (header, claims) = parts(&token);
    assert_eq!(header["alg"], "EdDSA");
    let kid = header["kid"].as_str().unwrap();
    let jwks = env.gh.verification_keys().await.unwrap();
    assert!(jwks
        .keys
        .iter()
        .any(|k| k.kid == kid && k.kty == "OKP" && k.crv == "Ed25519"));
    assert_eq!(claims["iss"], issuer(admin.instance_id));
    assert_eq!(claims["aud"], AUDIENCE);
    assert_eq!(claims["sub"], admin.user.id.to_string());
    assert_eq!(claims["account"], admin.account.id.to_string());
    assert_eq!(claims["roles"], json!(["admin"]));
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );
    assert_eq!(claims["nbf"], claims["iat"]);
    assert_eq!(
        claims["sgen"], 0,
        "no password change yet: the first session generation"
    );
    assert!(claims["jti"].as_str().is_some());
}

#[on_both]
async fn a_token_with_alg_none_is_refused(env: Env) {
    env.setup().await;
    let token = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
    let (mut header, claims) = parts(&token);
    header["alg"] = json!("none");
    for forged in [
        encode_unsigned(&header, &claims, ""),
        encode_unsigned(&header, &claims, token.rsplit('.').next().unwrap()),
    ] {
        assert!(matches!(
            verdict(&env, &forged).await.unwrap_err(),
            Error::Unauthenticated
        ));
    }
}

#[on_both]
async fn a_token_signed_with_another_key_is_refused(env: Env) {
    env.setup().await;
    let token = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
    let (header, claims) = parts(&token);
    let stranger = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let key = EncodingKey::from_ed_der(stranger.to_pkcs8_der().unwrap().as_bytes());
    let forged = sign(&key, header["kid"].as_str().unwrap(), &claims);
    assert!(matches!(
        verdict(&env, &forged).await.unwrap_err(),
        Error::Unauthenticated
    ));
}

#[on_both]
async fn an_hs256_token_keyed_with_the_public_key_is_refused(env: Env) {
    env.setup().await;
    let token = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
    let (header, claims) = parts(&token);
    let jwks = env.gh.verification_keys().await.unwrap();
    let public = URL_SAFE_NO_PAD.decode(&jwks.keys[0].x).unwrap();
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = header["kid"].as_str().map(str::to_owned);
    let forged = jsonwebtoken::encode(&hs, &claims, &EncodingKey::from_secret(&public)).unwrap();
    assert!(matches!(
        verdict(&env, &forged).await.unwrap_err(),
        Error::Unauthenticated
    ));
}

#[on_both]
async fn a_tampered_payload_is_refused(env: Env) {
    let admin = env.setup().await;
    let (_, viewer) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    let _ = viewer;
    let token = token_of(&env.sign_in("grace", STRONG).await.unwrap());
    let (_, mut claims) = parts(&token);
    claims["sub"] = json!(admin.user.id.to_string());
    claims["roles"] = json!(["admin"]);
    let mut pieces: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    pieces[1] = &payload;
    assert!(matches!(
        verdict(&env, &pieces.join(".")).await.unwrap_err(),
        Error::Unauthenticated
    ));
}

#[on_both]
async fn an_expired_token_is_refused_with_its_own_code(env: Env) {
    env.setup().await;
    let token = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
    env.clock.advance(Duration::minutes(59));
    verdict(&env, &token).await.unwrap();
    env.clock.advance(Duration::minutes(2));
    let error = verdict(&env, &token).await.unwrap_err();
    assert!(matches!(error, Error::TokenExpired));
    assert_eq!(error.to_problem().code, ErrorCode::TokenExpired);
}

#[on_both]
async fn genuine_signatures_over_bad_claims_are_refused(env: Env) {
    let admin = env.setup().await;
    let token = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
    let (header, claims) = parts(&token);
    let kid = header["kid"].as_str().unwrap();
    let key = instance_key(&env, &admin);
    // The genuine key signs a well-formed token: accepted (the harness works).
    verdict(&env, &sign(&key, kid, &claims)).await.unwrap();
    let mut cases = Vec::new();
    let mut wrong_audience = claims.clone();
    wrong_audience["aud"] = json!("someone-else");
    cases.push(("wrong audience", wrong_audience));
    let mut wrong_issuer = claims.clone();
    wrong_issuer["iss"] = json!("urn:gatehouse:instance:00000000-0000-0000-0000-000000000000");
    cases.push(("wrong issuer", wrong_issuer));
    let mut no_exp = claims.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    cases.push(("no exp", no_exp));
    let mut string_exp = claims.clone();
    string_exp["exp"] = json!("99999999999");
    cases.push(("exp as a string (CVE-2026-25537)", string_exp));
    for (case, claims) in cases {
        let error = verdict(&env, &sign(&key, kid, &claims)).await.unwrap_err();
        assert!(matches!(error, Error::Unauthenticated), "{case}: {error:?}");
    }
    let unknown_kid = sign(&key, "not-a-registered-kid", &claims);
    assert!(matches!(
        verdict(&env, &unknown_kid).await.unwrap_err(),
        Error::Unauthenticated
    ));
}

#[on_both]
async fn tokens_from_another_desktop_on_the_same_database_verify_here(env: Env) {
    env.setup().await;
    let other = env.another_desktop().await;
    let signed_in = other
        .sign_in(
            SignIn {
                login: "ada".into(),
                password: secret(ADMIN_PASSWORD),
            },
            SignInSource::Desktop,
        )
        .await
        .unwrap();
    let token = token_of(&signed_in);
    // The other desktop registered its own key; this one verifies with it.
    verdict(&env, &token).await.unwrap();
    assert_eq!(env.gh.verification_keys().await.unwrap().keys.len(), 2);
    assert_ne!(
        parts(&token).0["kid"],
        parts(&token_of(
            &env.sign_in("ada", ADMIN_PASSWORD).await.unwrap()
        ))
        .0["kid"]
    );
}

#[on_both]
async fn a_desktop_restarted_with_its_keychain_keeps_its_signing_key(env: Env) {
    env.setup().await;
    let first = parts(&token_of(
        &env.sign_in("ada", ADMIN_PASSWORD).await.unwrap(),
    ))
    .0["kid"]
        .clone();
    let restarted =
        Gatehouse::connect_with_clock(&env.db.config(), env.secrets.clone(), env.clock.clone())
            .await
            .unwrap();
    let again = restarted
        .sign_in(
            SignIn {
                login: "ada".into(),
                password: secret(ADMIN_PASSWORD),
            },
            SignInSource::Desktop,
        )
        .await
        .unwrap();
    assert_eq!(parts(&token_of(&again)).0["kid"], first);
    assert_eq!(env.gh.verification_keys().await.unwrap().keys.len(), 1);
}

#[on_both]
async fn a_signing_key_that_signed_nothing_for_longer_than_any_token_lives_leaves_the_jwks(
    env: Env,
) {
    env.setup().await;
    let other = env.another_desktop().await;
    let signed_in = other
        .sign_in(
            SignIn {
                login: "ada".into(),
                password: secret(ADMIN_PASSWORD),
            },
            SignInSource::Desktop,
        )
        .await
        .unwrap();
    let other_kid = parts(&token_of(&signed_in)).0["kid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(env.gh.verification_keys().await.unwrap().keys.len(), 2);
    // A day and a bit later only this desktop has signed: the other's key is gone.
    env.clock
        .advance(chrono::Duration::hours(24) + chrono::Duration::minutes(6));
    let here = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
    let kids: Vec<_> = env
        .gh
        .verification_keys()
        .await
        .unwrap()
        .keys
        .into_iter()
        .map(|k| k.kid)
        .collect();
    assert_eq!(
        kids,
        vec![parts(&here).0["kid"].as_str().unwrap().to_owned()]
    );
    // When the other desktop signs again, its key is back, and its token verifies.
    let again = other
        .sign_in(
            SignIn {
                login: "ada".into(),
                password: secret(ADMIN_PASSWORD),
            },
            SignInSource::Desktop,
        )
        .await
        .unwrap();
    assert_eq!(parts(&token_of(&again)).0["kid"], other_kid.as_str());
    verdict(&env, &token_of(&again)).await.unwrap();
    assert_eq!(env.gh.verification_keys().await.unwrap().keys.len(), 2);
}

#[on_both]
async fn an_admin_reset_ends_a_session_begun_in_the_same_second(env: Env) {
    let admin = env.setup().await;
    let (grace, credential) = env.user_with(&admin, "grace", vec![Role::Viewer]).await;
    env.gh.me(&credential).await.unwrap();
    // The clock does not move: the session and the reset share their second.
    let reset = env
        .gh
        .reset_user_password(
            &admin.credential,
            grace.id,
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
    // A session begun after the reset, still in that second, works.
    let temporary = reset.temporary_password.unwrap().expose().to_owned();
    let fresh = token_of(&env.sign_in("grace", &temporary).await.unwrap());
    assert_eq!(parts(&fresh).1["sgen"], 1);
    assert_eq!(verdict(&env, &fresh).await.unwrap().id, grace.id);
}

#[on_both]
async fn changing_ones_password_ends_every_session_begun_in_the_same_second(env: Env) {
    let admin = env.setup().await;
    let other = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
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
        verdict(&env, &admin.token).await.unwrap_err(),
        Error::Unauthenticated
    ));
    assert!(matches!(
        verdict(&env, &other).await.unwrap_err(),
        Error::Unauthenticated
    ));
    assert_eq!(
        verdict(&env, &token_of(&changed)).await.unwrap().id,
        admin.user.id
    );
}

#[on_both]
async fn a_genuine_token_of_another_session_generation_is_refused(env: Env) {
    let admin = env.setup().await;
    let token = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
    let (header, mut claims) = parts(&token);
    let kid = header["kid"].as_str().unwrap();
    let key = instance_key(&env, &admin);
    claims["sgen"] = json!(1);
    assert!(matches!(
        verdict(&env, &sign(&key, kid, &claims)).await.unwrap_err(),
        Error::Unauthenticated
    ));
}

#[on_both]
async fn a_token_issued_or_valid_only_more_than_a_minute_ahead_is_refused(env: Env) {
    let admin = env.setup().await;
    let token = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
    let (header, claims) = parts(&token);
    let kid = header["kid"].as_str().unwrap();
    let key = instance_key(&env, &admin);
    let now = claims["iat"].as_i64().unwrap();
    let at = |iat: i64, nbf: i64| {
        let mut claims = claims.clone();
        claims["iat"] = json!(iat);
        claims["nbf"] = json!(nbf);
        sign(&key, kid, &claims)
    };
    // Another desktop's clock a little ahead is tolerated...
    verdict(&env, &at(now + 60, now + 60)).await.unwrap();
    // ...but not a token from further in the future, nor one not valid yet.
    assert!(matches!(
        verdict(&env, &at(now + 61, now)).await.unwrap_err(),
        Error::Unauthenticated
    ));
    assert!(matches!(
        verdict(&env, &at(now, now + 61)).await.unwrap_err(),
        Error::Unauthenticated
    ));
}

#[on_both]
async fn a_token_without_not_before_or_session_generation_is_refused(env: Env) {
    let admin = env.setup().await;
    let token = token_of(&env.sign_in("ada", ADMIN_PASSWORD).await.unwrap());
    let (header, claims) = parts(&token);
    let kid = header["kid"].as_str().unwrap();
    let key = instance_key(&env, &admin);
    for claim in ["nbf", "sgen"] {
        let mut without = claims.clone();
        without.as_object_mut().unwrap().remove(claim);
        assert!(
            matches!(
                verdict(&env, &sign(&key, kid, &without)).await.unwrap_err(),
                Error::Unauthenticated
            ),
            "{claim}"
        );
    }
}
