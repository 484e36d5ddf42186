//! The second step of a sign-in. The password step of a user with a second factor
//! ends in a challenge (256 random bits, five minutes, kept as its SHA-256) instead of
//! a token; this step presents it with a code or a recovery code. A wrong one counts as
//! a failed sign-in of the source, and the source's failures are cleared only here, by
//! the whole sign-in succeeding: a right password alone clears nothing, or its holder
//! could guess codes without end.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use super::{parse_code, Factor, SecondFactorChallenge, SecondFactorSignIn};
use crate::audit::{self, AuditAction};
use crate::auth::SignedIn;
use crate::error::{Error, Result};
use crate::fields::{FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::secrets::OneTimeSecret;
use crate::sign_in_throttle::{self as throttle, SignInSource, SourceKey};
use crate::store::{transaction, InstanceStore, Mode, SecondFactorStore, UserRow, UserStore};
use crate::user::{UserStatus, UserView};

/// How long the second step may take after the password.
pub const CHALLENGE_MINUTES: i64 = 5;

fn challenge_digest(challenge: &str) -> Vec<u8> {
    Sha256::digest(challenge.trim().as_bytes()).to_vec()
}

fn expired() -> Error {
    Error::validation(
        "challenge",
        "expired",
        "This sign-in took too long or was finished already: enter your password again.",
    )
}

/// How the write of a second step ended.
enum Outcome {
    SignedIn(Box<UserRow>),
    /// The source must wait or the username is locked (set since the read).
    Refused,
    /// The code is not right, or not any more (used by a racing sign-in).
    Wrong,
}

impl Gatehouse {
    /// The end of a right password step of a user with a second factor: a challenge
    /// for the second step, as the error that says one is needed. No token.
    pub(crate) async fn second_factor_challenge(
        &self,
        user: &UserRow,
        source: &SourceKey,
    ) -> Result<Error> {
        let now = self.now();
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let challenge = URL_SAFE_NO_PAD.encode(bytes);
        let hash = challenge_digest(&challenge);
        let expires_at = now + chrono::Duration::minutes(CHALLENGE_MINUTES);
        transaction!(self.pool(), Mode::Write, |tx| async {
            tx.insert_challenge(&hash, user.id, expires_at, now).await?;
            audit::record(
                tx,
                now,
                Some(user.id),
                AuditAction::SignInSecondFactorRequired,
                ("user", Some(user.id.to_string())),
                serde_json::json!({ "source": source.as_str() }),
            )
            .await
        })?;
        Ok(Error::SecondFactorRequired(SecondFactorChallenge {
            challenge: OneTimeSecret::new(challenge),
            expires_at,
        }))
    }

    /// The second step of a sign-in: the password step's challenge with a code of the
    /// authenticator app (each step's code works once) or a recovery code (each works
    /// once). Returns the access token. Wrong codes count toward the source's sign-in
    /// throttle and fail with `invalid_credentials`, as wrong passwords do.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn complete_sign_in(
        &self,
        request: SecondFactorSignIn,
        source: SignInSource,
    ) -> Result<SignedIn> {
        let mut errors = FieldErrors::default();
        let challenge = request.challenge.expose_secret();
        if challenge.trim().is_empty() {
            errors.push(FieldError::new(
                "challenge",
                "required",
                "Sign in with your password first.",
            ));
        }
        let factor = match (&request.code, &request.recovery_code) {
            (Some(code), None) => errors.check(
                "code",
                parse_code("code", code.expose_secret()).map(Factor::Code),
            ),
            (None, Some(code)) => errors.check(
                "recovery_code",
                Factor::parse_recovery("recovery_code", code.expose_secret()),
            ),
            (None, None) => {
                errors.push(FieldError::new(
                    "code",
                    "required",
                    "Enter the code of your authenticator app, or a recovery code.",
                ));
                None
            }
            (Some(_), Some(_)) => {
                errors.push(FieldError::new(
                    "recovery_code",
                    "both_given",
                    "Send a code or a recovery code, not both.",
                ));
                None
            }
        };
        errors.finish()?;
        let factor = crate::fields::parsed(factor);
        let hash = challenge_digest(challenge);
        let source = SourceKey::of(source);
        let now = self.now();
        let (instance, user, refused) = transaction!(self.pool(), Mode::Read, |tx| async {
            let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
            let user_id = tx.challenge_user(&hash, now).await?.ok_or_else(expired)?;
            let user = tx.user(user_id).await?.ok_or_else(expired)?;
            let refused = throttle::refusal(tx, &user, &source, now).await?;
            Ok::<_, Error>((instance, user, refused))
        })?;
        let settings = &instance.settings.0;
        if refused.is_some() || user.status != UserStatus::Active {
            // Not counted: a waiting source's code is not checked, and an inactive
            // user's right code is no guess.
            let reason = if refused.is_some() {
                "source_waiting"
            } else {
                "inactive"
            };
            self.second_step_failed(&user, &source, settings, reason, false)
                .await?;
            return Err(Error::InvalidCredentials);
        }
        // Issued first, as at the password step, and dropped if the write refuses it.
        let access_token = self
            .issue_access_token(instance.id, &user, settings)
            .await?;
        let outcome = transaction!(self.pool(), Mode::Write, |tx| async {
            let current = tx.user(user.id).await?.ok_or(Error::InvalidCredentials)?;
            if throttle::refusal(tx, &current, &source, now)
                .await?
                .is_some()
            {
                return Ok(Outcome::Refused);
            }
            if tx.challenge_user(&hash, now).await?.is_none() {
                return Err(expired());
            }
            if !factor.consume(tx, user.id, now).await? {
                return Ok(Outcome::Wrong);
            }
            tx.delete_challenge(&hash).await?;
            throttle::record_success(tx, user.id, &source).await?;
            let mut detail = serde_json::json!({
                "source": source.as_str(),
                "second_factor": factor.kind(),
            });
            if let Factor::Recovery(_) = factor {
                detail["recovery_codes_left"] = tx.unused_recovery_codes(user.id).await?.into();
            }
            audit::record(
                tx,
                now,
                Some(user.id),
                AuditAction::SignInSucceeded,
                ("user", Some(user.id.to_string())),
                detail,
            )
            .await?;
            let user = tx.user(user.id).await?.ok_or(Error::InvalidCredentials)?;
            Ok::<_, Error>(Outcome::SignedIn(Box::new(user)))
        })?;
        match outcome {
            Outcome::SignedIn(user) => Ok(SignedIn {
                access_token,
                must_change_password: user.must_change_password,
                must_enroll_second_factor: false,
                user: UserView::from(*user),
            }),
            Outcome::Refused => {
                self.second_step_failed(&user, &source, settings, "source_waiting", false)
                    .await?;
                Err(Error::InvalidCredentials)
            }
            Outcome::Wrong => {
                self.second_step_failed(&user, &source, settings, "wrong_second_factor", true)
                    .await?;
                Err(Error::InvalidCredentials)
            }
        }
    }

    /// Records a failed second step (and counts it when it was a guess).
    async fn second_step_failed(
        &self,
        user: &UserRow,
        source: &SourceKey,
        settings: &crate::Settings,
        reason: &str,
        count: bool,
    ) -> Result<()> {
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let counted = match count {
                true => Some(throttle::record_failure(tx, user.id, source, settings, now).await?),
                false => None,
            };
            let detail = serde_json::json!({
                "reason": reason,
                "source": source.as_str(),
                "counted": counted,
            });
            audit::record(
                tx,
                now,
                None,
                AuditAction::SignInFailed,
                ("user", Some(user.id.to_string())),
                detail,
            )
            .await
        })
    }
}
