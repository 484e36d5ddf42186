//! Two-step sign-in (docs/decisions/0011-second-factor.md): a TOTP authenticator
//! (RFC 6238) with single-use recovery codes, and the instance's policy of who must
//! have one.
//!
//! - here: the types, the policy, and enrolment (start, confirm with a code, turn off
//!   with password and code) and an admin's reset;
//! - `sign_in`: the second step of a sign-in (the password step's challenge, then a
//!   code or a recovery code for the token);
//! - `totp`: the codes themselves; `recovery`: the recovery codes.

mod recovery;
mod sign_in;
mod totp;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::fields::{FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::password;
use crate::secrets::OneTimeSecret;
use crate::sign_in_throttle::{self as throttle, SourceKey};
use crate::store::{
    transaction, InstanceStore, Mode, SecondFactorStore, Store, UserRow, UserStore,
};
use crate::user::{Role, UserView};

pub use recovery::COUNT as RECOVERY_CODE_COUNT;
pub use sign_in::CHALLENGE_MINUTES;
pub use totp::{DIGITS as TOTP_DIGITS, STEP_SECONDS as TOTP_STEP_SECONDS};

/// Who must sign in in two steps (an instance setting).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecondFactorPolicy {
    /// Anyone may turn it on; no one must.
    #[default]
    Off,
    /// Admins must: one who has none is sent to set it up right after the password.
    Admins,
    /// Everyone must.
    Everyone,
}

impl SecondFactorPolicy {
    pub(crate) fn covers(self, user: &UserRow) -> bool {
        match self {
            SecondFactorPolicy::Off => false,
            SecondFactorPolicy::Admins => user.roles.contains(Role::Admin),
            SecondFactorPolicy::Everyone => true,
        }
    }
}

/// A password step that needs a second one: present `challenge` with a code to
/// `POST /api/v1/sessions/second-factor` before `expires_at`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorChallenge {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub challenge: OneTimeSecret,
    pub expires_at: DateTime<Utc>,
}

/// For [`crate::Problem`]'s equality (tests compare problems).
impl PartialEq for SecondFactorChallenge {
    fn eq(&self, other: &Self) -> bool {
        self.challenge.expose() == other.challenge.expose() && self.expires_at == other.expires_at
    }
}

/// The second step of a sign-in: the challenge and either a `code` from the
/// authenticator app or a `recovery_code`.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SecondFactorSignIn {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub challenge: SecretString,
    /// The 6-digit code of the authenticator app.
    #[serde(default, serialize_with = "crate::secrets::expose_optional_secret")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub code: Option<SecretString>,
    /// One of the recovery codes given at enrolment (each works once).
    #[serde(default, serialize_with = "crate::secrets::expose_optional_secret")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub recovery_code: Option<SecretString>,
}

/// An enrolment begun: what to put into the authenticator app, shown this once.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpEnrollment {
    /// The secret in base32, to type in by hand.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub secret: OneTimeSecret,
    /// The `otpauth://totp/…` URI the QR code holds.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub otpauth_uri: OneTimeSecret,
    /// The URI as an SVG QR code (an `<svg>` element).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub qr_svg: OneTimeSecret,
}

/// The first code from the authenticator app, which confirms the enrolment.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TotpConfirmation {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub code: SecretString,
}

/// The recovery codes of a confirmed enrolment, shown this once.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    #[cfg_attr(feature = "ts", ts(type = "Array<string>"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub codes: Vec<OneTimeSecret>,
    pub user: UserView,
}

/// Turning one's own two-step sign-in off: the password and a current code (or a
/// recovery code).
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TotpRemoval {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub current_password: SecretString,
    /// A code of the authenticator app, or a recovery code.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub code: SecretString,
}

/// The code an authenticator app with `secret` (base32) shows at `at`: what the user
/// types. For clients and tests that stand in for the app; `None` if `secret` is not
/// base32.
pub fn code_at(secret: &str, at: DateTime<Utc>) -> Option<String> {
    totp::code_at(secret, totp::step_of(at), totp::DIGITS)
}

/// A code as typed: six digits, spaces ignored.
pub(crate) fn parse_code(field: &str, typed: &str) -> std::result::Result<String, FieldError> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() {
        return Err(FieldError::new(field, "required", "Enter the code."));
    }
    if code.len() != totp::DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(
            field,
            "invalid",
            format!(
                "Enter the {} digits your authenticator app shows.",
                totp::DIGITS
            ),
        ));
    }
    Ok(code)
}

/// What a typed second factor is, once parsed.
pub(crate) enum Factor {
    /// A TOTP code (six digits).
    Code(String),
    /// The digest of a recovery code.
    Recovery(Vec<u8>),
}

impl Factor {
    /// Six digits are a code; anything else must be a recovery code.
    pub(crate) fn parse_either(field: &str, typed: &str) -> std::result::Result<Self, FieldError> {
        if let Some(hash) = recovery::digest(typed) {
            return Ok(Factor::Recovery(hash));
        }
        parse_code(field, typed).map(Factor::Code)
    }

    pub(crate) fn parse_recovery(
        field: &str,
        typed: &str,
    ) -> std::result::Result<Self, FieldError> {
        recovery::digest(typed)
            .map(Factor::Recovery)
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    "invalid",
                    "Enter one of your recovery codes (16 letters and digits).",
                )
            })
    }

    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Factor::Code(_) => "totp",
            Factor::Recovery(_) => "recovery_code",
        }
    }

    /// Uses the factor, in the caller's write transaction: accepts the code's step (if
    /// later than the last one) or uses the recovery code. False if it is not right,
    /// or not any more (a racing sign-in used it first).
    pub(crate) async fn consume(
        &self,
        tx: &mut impl Store,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        match self {
            Factor::Code(code) => {
                let Some(row) = tx.totp(user_id).await? else {
                    return Ok(false);
                };
                if row.confirmed_at.is_none() {
                    return Ok(false);
                }
                match totp::matching_step(&row.secret, code, now, row.last_step) {
                    Some(step) => Ok(tx.accept_totp_step(user_id, step).await?),
                    None => Ok(false),
                }
            }
            Factor::Recovery(hash) => Ok(tx.use_recovery_code(user_id, hash, now).await?),
        }
    }
}

/// Whether `user`'s session may do more than enrol: not while the policy covers them
/// and they have no second factor. API tokens are not sessions and are not asked.
pub(crate) async fn check_enrolled(
    tx: &mut impl Store,
    user: &UserRow,
    credential: &Credential,
) -> Result<()> {
    if user.second_factor || credential.expose().starts_with(crate::api_token::PREFIX) {
        return Ok(());
    }
    let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
    if instance.settings.0.second_factor.covers(user) {
        return Err(Error::SecondFactorEnrollmentRequired);
    }
    Ok(())
}

impl Gatehouse {
    /// An active user whose password is not temporary, enrolled or not: who may set up
    /// (or turn off) their own second factor.
    async fn authorize_enrollment(
        &self,
        tx: &mut impl Store,
        credential: &Credential,
    ) -> Result<UserRow> {
        let user = self.authenticate(tx, credential, true).await?;
        if user.must_change_password {
            return Err(Error::PasswordChangeRequired);
        }
        Ok(user)
    }

    /// Begins setting up an authenticator app for the caller: a new secret, its
    /// `otpauth://` URI and that as a QR code, shown this once. Nothing is on until
    /// [`Gatehouse::confirm_totp_enrollment`]; starting again replaces the secret.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn start_totp_enrollment(&self, credential: &Credential) -> Result<TotpEnrollment> {
        let now = self.now();
        let secret = totp::new_secret();
        let (user, organization) = transaction!(self.pool(), Mode::Write, |tx| async {
            let user = self.authorize_enrollment(tx, credential).await?;
            let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
            if !tx.start_totp(user.id, &secret, now).await? {
                return Err(Error::Conflict(vec![FieldError::new(
                    "totp",
                    "already_enrolled",
                    "Two-step sign-in is on already: turn it off first to move it to another authenticator.",
                )]));
            }
            audit::record(
                tx,
                now,
                Some(user.id),
                AuditAction::SecondFactorEnrollmentStarted,
                ("user", Some(user.id.to_string())),
                serde_json::json!({}),
            )
            .await?;
            Ok::<_, Error>((user, instance.organization))
        })?;
        let uri = totp::otpauth_uri(&secret, &organization, &user.username)
            .ok_or_else(|| Error::Internal("the new TOTP secret does not decode".into()))?;
        let svg = totp::qr_svg(&uri)
            .ok_or_else(|| Error::Internal("the otpauth URI does not fit a QR code".into()))?;
        Ok(TotpEnrollment {
            secret: OneTimeSecret::new(secret),
            otpauth_uri: OneTimeSecret::new(uri),
            qr_svg: OneTimeSecret::new(svg),
        })
    }

    /// Confirms the caller's enrolment with a current code: two-step sign-in is on from
    /// now, and the ten recovery codes are returned this once (stored hashed).
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn confirm_totp_enrollment(
        &self,
        credential: &Credential,
        confirmation: TotpConfirmation,
    ) -> Result<RecoveryCodes> {
        let code = parse_code("code", confirmation.code.expose_secret())
            .map_err(|e| Error::Validation(vec![e]))?;
        let now = self.now();
        let codes: Vec<String> = (0..recovery::COUNT).map(|_| recovery::generate()).collect();
        let hashes: Vec<Vec<u8>> = codes.iter().filter_map(|c| recovery::digest(c)).collect();
        let user = transaction!(self.pool(), Mode::Write, |tx| async {
            let user = self.authorize_enrollment(tx, credential).await?;
            let row = tx
                .totp(user.id)
                .await?
                .filter(|row| row.confirmed_at.is_none());
            let Some(row) = row else {
                return Err(Error::validation(
                    "code",
                    "not_started",
                    "Start setting up two-step sign-in first.",
                ));
            };
            let step = totp::matching_step(&row.secret, &code, now, row.last_step);
            let confirmed = match step {
                Some(step) => tx.confirm_totp(user.id, step, now).await?,
                None => false,
            };
            if !confirmed {
                return Err(Error::validation(
                    "code",
                    "incorrect",
                    "This is not the current code: check that the phone's clock is right and enter the code it shows now.",
                ));
            }
            tx.replace_recovery_codes(user.id, &hashes).await?;
            audit::record(
                tx,
                now,
                Some(user.id),
                AuditAction::SecondFactorEnrolled,
                ("user", Some(user.id.to_string())),
                serde_json::json!({ "recovery_codes": hashes.len() }),
            )
            .await?;
            tx.user(user.id).await?.ok_or(Error::Unauthenticated)
        })?;
        Ok(RecoveryCodes {
            codes: codes.into_iter().map(OneTimeSecret::new).collect(),
            user: UserView::from(user),
        })
    }

    /// Turns the caller's two-step sign-in off, with their password and a current code
    /// (or a recovery code). Not while the instance's policy requires it of them. Wrong
    /// passwords and codes count toward this session's sign-in throttle.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn remove_totp(
        &self,
        credential: &Credential,
        removal: TotpRemoval,
    ) -> Result<UserView> {
        let source = SourceKey::session(credential);
        let now = self.now();
        let (user, settings, refused) = transaction!(self.pool(), Mode::Read, |tx| async {
            let user = self.authorize_enrollment(tx, credential).await?;
            let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
            let refused = throttle::refusal(tx, &user, &source, now).await?;
            Ok::<_, Error>((user, instance.settings.0, refused))
        })?;
        let mut errors = FieldErrors::default();
        let factor = errors.check(
            "code",
            Factor::parse_either("code", removal.code.expose_secret()),
        );
        if !user.second_factor {
            errors.push(FieldError::new(
                "code",
                "not_enrolled",
                "Two-step sign-in is not on.",
            ));
        } else if settings.second_factor.covers(&user) {
            errors.push(FieldError::new(
                "code",
                "required_by_policy",
                "This instance requires two-step sign-in of you: it cannot be turned off.",
            ));
        }
        let stored = refused.is_none().then(|| user.password_hash.clone());
        let password_ok = password::verify(removal.current_password, stored).await?;
        if refused.is_some() {
            errors.push(FieldError::new(
                "current_password",
                "locked",
                "Too many wrong attempts. Try again later.",
            ));
        } else if !password_ok {
            errors.push(FieldError::new(
                "current_password",
                "incorrect",
                "This is not your current password.",
            ));
        }
        if refused.is_none() && !password_ok {
            self.count_failure(&user, &source, &settings, "password")
                .await?;
        }
        errors.finish()?;
        let factor = crate::fields::parsed(factor);
        let removed = transaction!(self.pool(), Mode::Write, |tx| async {
            let user = self.authorize_enrollment(tx, credential).await?;
            if !factor.consume(tx, user.id, now).await? {
                return Ok(None);
            }
            tx.delete_second_factor(user.id).await?;
            tx.delete_challenges_of(user.id).await?;
            audit::record(
                tx,
                now,
                Some(user.id),
                AuditAction::SecondFactorRemoved,
                ("user", Some(user.id.to_string())),
                serde_json::json!({ "with": factor.kind() }),
            )
            .await?;
            Ok::<_, Error>(Some(tx.user(user.id).await?.ok_or(Error::Unauthenticated)?))
        })?;
        match removed {
            Some(user) => Ok(UserView::from(user)),
            None => {
                self.count_failure(&user, &source, &settings, factor.kind())
                    .await?;
                Err(Error::validation(
                    "code",
                    "incorrect",
                    "This code is not right, or was used already.",
                ))
            }
        }
    }

    /// A wrong password or code in a session's own request: counted like a failed
    /// sign-in of that session, and audited.
    async fn count_failure(
        &self,
        user: &UserRow,
        source: &SourceKey,
        settings: &crate::Settings,
        what: &str,
    ) -> Result<()> {
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let counted = throttle::record_failure(tx, user.id, source, settings, now).await?;
            audit::record(
                tx,
                now,
                Some(user.id),
                AuditAction::SecondFactorCheckFailed,
                ("user", Some(user.id.to_string())),
                serde_json::json!({ "wrong": what, "counted": counted }),
            )
            .await
        })
    }

    /// Removes another user's second factor (admins), for a lost phone without recovery
    /// codes: their sessions end, and they sign in with their password alone, then set
    /// it up again if the policy requires it. Not one's own (that asks for a code).
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn reset_second_factor(&self, credential: &Credential, id: Uuid) -> Result<UserView> {
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize_admin(tx, credential).await?;
            let user = tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            if user.id == caller.id {
                return Err(Error::validation(
                    "id",
                    "own_account",
                    "Turn off your own two-step sign-in under your account: it asks for your password and a code.",
                ));
            }
            if !tx.delete_second_factor(id).await? {
                return Err(Error::validation(
                    "id",
                    "not_enrolled",
                    "This user has no two-step sign-in to reset.",
                ));
            }
            tx.delete_challenges_of(id).await?;
            tx.end_sessions(id, now).await?;
            audit::record(
                tx,
                now,
                Some(caller.id),
                AuditAction::SecondFactorReset,
                ("user", Some(id.to_string())),
                serde_json::json!({ "sessions_ended": true }),
            )
            .await?;
            Ok(UserView::from(
                tx.user(id).await?.ok_or(Error::NotFound("user"))?,
            ))
        })
    }
}
