//! Passwords that an admin's reset generates when the admin chooses none, and that the
//! "Generate password" of the user forms offers: random, readable aloud and typed
//! alike on other keyboard layouts, and passing the instance's policy.

use rand::seq::SliceRandom;
use rand::Rng;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::gatehouse::Gatehouse;
use crate::instance::Settings;
use crate::policy::{evaluate, PasswordContext};
use crate::secrets::OneTimeSecret;

/// The characters left out of generated passwords: those read alike (`0`/`O`/`o`,
/// `1`/`l`/`I`) and the letters that swap places on German and French keyboards
/// (`y`/`z`, `Y`/`Z`).
#[cfg(test)]
const AMBIGUOUS_CHARACTERS: &str = "0Oo1lIyzYZ";

/// The character classes a generated password draws from, none of them ambiguous.
const SETS: [&str; 4] = [
    "ABCDEFGHJKLMNPQRSTUVWX",
    "abcdefghijkmnpqrstuvwx",
    "23456789",
    "!#%+-.=?@_",
];

/// A generated password that passes the policy in force, for a form to fill in.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GeneratedPassword {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub password: OneTimeSecret,
}

impl Gatehouse {
    /// A random password that passes the policy in force (admins only): what "Generate
    /// password" fills into the user forms. Nothing is stored.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn generate_password(&self, credential: &Credential) -> Result<GeneratedPassword> {
        let (_, settings) = self.precheck_admin(credential).await?;
        let password = tokio::task::spawn_blocking(move || generate(&settings))
            .await?
            .ok_or_else(|| {
                Error::validation(
                    "password",
                    "policy_unsatisfiable",
                    "No generated password passes the current policy; choose one, or relax the policy in Settings.",
                )
            })?;
        Ok(GeneratedPassword {
            password: OneTimeSecret::new(
                secrecy::ExposeSecret::expose_secret(&password).to_owned(),
            ),
        })
    }
}

/// A random password that passes `settings`' policy, for admin resets; `None` if a
/// hundred tries found none (the policy check refuses policies no password can pass,
/// so this bounds the work rather than being expected). CPU-bound: call it off the
/// async workers.
pub(super) fn generate(settings: &Settings) -> Option<SecretString> {
    let policy = &settings.password_policy;
    let length = usize::from(policy.min_length.max(20).min(policy.max_length));
    let mut rng = rand::rngs::OsRng;
    for _ in 0..100 {
        let mut chars: Vec<char> = SETS
            .iter()
            .map(|set| set.as_bytes()[rng.gen_range(0..set.len())] as char)
            .collect();
        let all: Vec<u8> = SETS.concat().into_bytes();
        while chars.len() < length {
            chars.push(all[rng.gen_range(0..all.len())] as char);
        }
        chars.shuffle(&mut rng);
        let candidate: String = chars.into_iter().take(length).collect();
        if evaluate(policy, &candidate, &PasswordContext::default()).passed {
            return Some(SecretString::from(candidate));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_temporary_password_passes_every_preset() {
        for preset in crate::policy::PolicyPreset::ALL {
            let settings = Settings {
                password_policy: preset.policy(),
                ..Settings::default()
            };
            let password = generate(&settings).expect("a password");
            assert!(
                evaluate(
                    &settings.password_policy,
                    secrecy::ExposeSecret::expose_secret(&password),
                    &PasswordContext::default()
                )
                .passed
            );
        }
    }

    #[test]
    fn generated_passwords_leave_out_every_ambiguous_character() {
        assert!(SETS
            .concat()
            .chars()
            .all(|c| !AMBIGUOUS_CHARACTERS.contains(c)));
        let settings = Settings::default();
        for _ in 0..50 {
            let password = generate(&settings).expect("a password");
            let text = secrecy::ExposeSecret::expose_secret(&password);
            assert!(
                text.chars().all(|c| !AMBIGUOUS_CHARACTERS.contains(c)),
                "{text}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// The policy check refuses exactly enough: any policy it accepts can be met,
        /// so an admin reset can always generate a temporary password.
        #[test]
        fn every_policy_the_check_accepts_admits_a_generated_password(
            min_length in 1u16..40,
            extra in 0u16..200,
            classes in proptest::collection::vec(proptest::bool::ANY, 4),
            min_character_classes in 0u8..=4,
            min_strength_score in 0u8..=4,
        ) {
            let policy = crate::policy::PasswordPolicy {
                min_length,
                max_length: min_length + extra,
                require_uppercase: classes[0],
                require_lowercase: classes[1],
                require_digit: classes[2],
                require_special: classes[3],
                min_character_classes,
                min_strength_score,
                ..crate::policy::PasswordPolicy::default()
            };
            if policy.check().is_ok() {
                let settings = Settings { password_policy: policy, ..Settings::default() };
                proptest::prop_assert!(generate(&settings).is_some());
            }
        }
    }
}
