//! Passwords: parsed through the instance's policy, hashed with argon2id.
//!
//! A password is a [`SecretString`] from the boundary to the hasher: it never appears
//! in `Debug` output, logs or serialized values. Hashing and verification run on
//! tokio's blocking pool, never on the async workers.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};
use crate::fields::FieldError;
use crate::policy::{evaluate, PasswordContext, PasswordPolicy, HARD_MAX_LENGTH};

/// argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). One lane is
/// right for the RustCrypto implementation, which runs lanes one after another.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A password that passed the policy. Only [`Password::parse`] makes one.
pub struct Password(SecretString);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

impl Password {
    /// Checks `candidate` against `policy`; fails with one field error per failing rule.
    /// CPU-bound (zxcvbn): call it from [`tokio::task::spawn_blocking`] in async code.
    pub fn parse(
        candidate: SecretString,
        policy: &PasswordPolicy,
        context: &PasswordContext,
        field: &str,
    ) -> Result<Password, Vec<FieldError>> {
        let text = candidate.expose_secret();
        if text.is_empty() {
            return Err(vec![FieldError::new(
                field,
                "required",
                "Enter a password.",
            )]);
        }
        if text.chars().count() > usize::from(HARD_MAX_LENGTH) {
            return Err(vec![FieldError::new(
                field,
                "max_length",
                format!(
                    "At most {} characters",
                    policy.max_length.min(HARD_MAX_LENGTH)
                ),
            )]);
        }
        let report = evaluate(policy, text, context);
        if report.passed {
            Ok(Password(candidate))
        } else {
            Err(report.field_errors(field))
        }
    }

    /// [`Password::parse`] on the blocking pool, for async callers.
    pub async fn parse_off_thread(
        candidate: SecretString,
        policy: PasswordPolicy,
        context: PasswordContext,
        field: &'static str,
    ) -> Result<Result<Password, Vec<FieldError>>> {
        Ok(tokio::task::spawn_blocking(move || {
            Password::parse(candidate, &policy, &context, field)
        })
        .await?)
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// An argon2id PHC string, as stored in the database.
#[derive(Clone)]
pub struct PasswordHashString(pub(crate) String);

impl std::fmt::Debug for PasswordHashString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHashString([REDACTED])")
    }
}

/// Hashes on the blocking pool.
pub async fn hash(password: Password) -> Result<PasswordHashString> {
    tokio::task::spawn_blocking(move || hash_blocking(password.expose())).await?
}

fn hash_blocking(password: &str) -> Result<PasswordHashString> {
    let salt = SaltString::generate(&mut OsRng);
    let phc = hasher()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| Error::Internal(format!("hashing failed: {e}").into()))?;
    Ok(PasswordHashString(phc.to_string()))
}

/// A hash of a random password with the production parameters, verified against when
/// the user is unknown, so that an unknown name costs as much time as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random = SaltString::generate(&mut OsRng);
    hash_blocking(random.as_str())
        .expect("hashing a random password")
        .0
});

/// Verifies `candidate` against `stored`, or against a dummy hash when `stored` is
/// `None`; either way the same work is done. True only for a real match.
pub async fn verify(candidate: SecretString, stored: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&phc)
            .map_err(|e| Error::Internal(format!("stored hash unreadable: {e}").into()))?;
        let matches = hasher()
            .verify_password(candidate.expose_secret().as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await?
}

/// Forces the dummy hash to be computed now rather than during the first sign-in.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyPreset;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn an_empty_password_is_required() {
        let errors = Password::parse(
            secret(""),
            &PasswordPolicy::default(),
            &Default::default(),
            "password",
        )
        .unwrap_err();
        assert_eq!(errors[0].code, "required");
    }

    #[test]
    fn a_password_failing_the_policy_reports_each_rule() {
        let errors = Password::parse(
            secret("abc"),
            &PolicyPreset::Seed000.policy(),
            &Default::default(),
            "password",
        )
        .unwrap_err();
        let codes: Vec<_> = errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["min_length", "uppercase", "digit", "special"]);
        assert!(errors.iter().all(|e| e.field == "password"));
    }

    #[test]
    fn an_input_beyond_the_hard_maximum_is_refused_before_evaluation() {
        let errors = Password::parse(
            secret(&"x".repeat(usize::from(HARD_MAX_LENGTH) + 1)),
            &PolicyPreset::Seed001.policy(),
            &Default::default(),
            "password",
        )
        .unwrap_err();
        assert_eq!(errors[0].code, "max_length");
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let password = Password::parse(
            secret("Tr0ub4dor&3-horse"),
            &PolicyPreset::Seed000.policy(),
            &Default::default(),
            "password",
        )
        .unwrap();
        assert!(!format!("{password:?}").contains("Tr0ub"));
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let password = Password::parse(
            secret("Abcdefg1!"),
            &PolicyPreset::Seed000.policy(),
            &Default::default(),
            "p",
        )
        .unwrap();
        let stored = hash(password).await.unwrap();
        assert!(stored.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(secret("Abcdefg1!"), Some(stored.0.clone()))
            .await
            .unwrap());
        assert!(!verify(secret("abcdefg1!"), Some(stored.0)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify(secret("anything"), None).await.unwrap());
    }
}
