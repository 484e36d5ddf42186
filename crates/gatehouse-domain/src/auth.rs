//! Sign-in, the caller's credential, and authorization.
//!
//! Every operation other than setup, sign-in and password evaluation takes a
//! [`Credential`]. The caller's status and roles are read from the database on
//! every call, so a suspension or a lost admin role takes effect at once.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::access_token::{self, IssuedAccessToken};
use crate::account::AccountStatus;
use crate::api_token;
use crate::audit::{self, AuditAction};
use crate::error::{Error, Result};
use crate::fields::FieldErrors;
use crate::gatehouse::Gatehouse;
use crate::instance::Settings;
use crate::password::{self, Password};
use crate::policy::PasswordContext;
use crate::sign_in_throttle::{self as throttle, Refusal, SignInSource, SourceKey};
use crate::store::{transaction, InstanceStore, Mode, Store, UserRow, UserStore};
use crate::user::{Role, UserStatus, UserView};

/// A bearer credential: an access token (JWT) or an API token.
#[derive(Clone)]
pub struct Credential(SecretString);

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credential([REDACTED])")
    }
}

impl Credential {
    pub fn bearer(token: impl Into<String>) -> Self {
        Credential(SecretString::from(token.into()))
    }

    /// From an `Authorization` header value; `None` unless it is `Bearer <token>`.
    pub fn from_authorization_header(value: &str) -> Option<Self> {
        let (scheme, token) = value.trim().split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
            .then(|| Credential::bearer(token))
    }

    /// The token itself: for the `Authorization` header of a request that carries it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Username or email, and password.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// Username or email address.
    pub login: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub password: SecretString,
}

/// A successful sign-in.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedIn {
    pub access_token: IssuedAccessToken,
    pub user: UserView,
    /// The password is temporary: nothing but a password change is allowed until then.
    pub must_change_password: bool,
    /// The instance requires a second factor this user has not set up: nothing but
    /// setting it up (after any password change) is allowed until then.
    pub must_enroll_second_factor: bool,
}

/// Why a sign-in failed, as the audit records it; the caller only ever sees
/// `invalid_credentials`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum SignInFailure {
    UnknownUser,
    WrongPassword,
    /// The right password of a user who is not active (not counted: it is no guess).
    Inactive,
    /// The source failed too often and waits; the password was not checked.
    SourceWaiting,
    /// The username reached the ceiling; the password was not checked.
    UserLocked,
}

impl From<Refusal> for SignInFailure {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::SourceWaiting => SignInFailure::SourceWaiting,
            Refusal::UserLocked => SignInFailure::UserLocked,
        }
    }
}

/// Changing one's own password.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub current_password: SecretString,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub new_password: SecretString,
}

/// Whether the user's account is active: a suspended account's users are refused as
/// inactive users are.
async fn account_is_active(tx: &mut impl Store, user: &UserRow) -> Result<bool> {
    Ok(tx
        .account(user.account_id)
        .await?
        .is_some_and(|account| account.status == AccountStatus::Active))
}

impl Gatehouse {
    /// Signs in with username or email and password, returning an access token.
    ///
    /// An unknown login, a wrong password, an inactive user and a refused source all
    /// fail with the same `invalid_credentials` after the same argon2 work, so no
    /// answer tells them apart. Wrong passwords are counted per `source` and across
    /// sources ([`crate::sign_in_throttle`]): a source that failed too often waits,
    /// without making any other source wait.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn sign_in(&self, request: SignIn, source: SignInSource) -> Result<SignedIn> {
        let login = crate::login_key::login_key(&request.login);
        let mut errors = FieldErrors::default();
        if login.is_empty() {
            errors.push(crate::FieldError::new(
                "login",
                "required",
                "Enter your username or email.",
            ));
        } else if login.contains('\0') {
            errors.push(crate::FieldError::new(
                "login",
                "invalid_characters",
                "A username or email cannot contain NUL characters.",
            ));
        }
        if request.password.expose_secret().is_empty() {
            errors.push(crate::FieldError::new(
                "password",
                "required",
                "Enter your password.",
            ));
        }
        errors.finish()?;

        let source = SourceKey::of(source);
        let now = self.now();
        let (instance, user, refused, account_active) =
            transaction!(self.pool(), Mode::Read, |tx| async {
                let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
                let user = tx.user_by_login(&login).await?;
                let (refused, account_active) = match &user {
                    Some(user) => (
                        throttle::refusal(tx, user, &source, now).await?,
                        account_is_active(tx, user).await?,
                    ),
                    None => (None, false),
                };
                Ok::<_, Error>((instance, user, refused, account_active))
            })?;
        let settings = &instance.settings.0;
        // A refused source's password is not checked, but the dummy hash costs the
        // same as a real check: the answer and its timing are those of a wrong one.
        let stored = match (&user, refused) {
            (Some(user), None) => Some(user.password_hash.clone()),
            _ => None,
        };
        let verified = password::verify(request.password, stored).await?;

        let Some(user) = user else {
            // Recorded like a known user's failure, so both take the same work. The
            // attempted name is not kept: people type passwords into it by mistake.
            transaction!(self.pool(), Mode::Write, |tx| async {
                let detail = serde_json::json!({
                    "known_user": false,
                    "reason": SignInFailure::UnknownUser,
                    "source": source.as_str(),
                });
                audit::record(
                    tx,
                    now,
                    None,
                    AuditAction::SignInFailed,
                    ("user", None),
                    detail,
                )
                .await
            })?;
            return Err(Error::InvalidCredentials);
        };
        let failure = match refused {
            Some(refusal) => Some(SignInFailure::from(refusal)),
            None if !verified => Some(SignInFailure::WrongPassword),
            // Only after the password is verified, and answered like a wrong one: an
            // inactive user's status is no password oracle. A right password is no
            // guess, so it does not count toward the throttle.
            None if user.status != UserStatus::Active || !account_active => {
                Some(SignInFailure::Inactive)
            }
            None => None,
        };
        if let Some(failure) = failure {
            transaction!(self.pool(), Mode::Write, |tx| async {
                let counted = match failure {
                    SignInFailure::WrongPassword => {
                        Some(throttle::record_failure(tx, user.id, &source, settings, now).await?)
                    }
                    _ => None,
                };
                let detail = serde_json::json!({
                    "reason": failure,
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
                .await?;
                if let Some(counted) = counted {
                    audit::record_lockouts(tx, now, user.id, &source, settings, counted).await?;
                }
                Ok(())
            })?;
            return Err(Error::InvalidCredentials);
        }
        // A second factor: the password step ends in a challenge, not a token, and
        // clears no failures (or guessing codes between passwords would be free).
        if user.second_factor {
            return Err(self.second_factor_challenge(&user, &source).await?);
        }
        // Issued first, so the audit never records a sign-in that then failed; it is
        // dropped unreturned if the source was refused meanwhile.
        let access_token = self
            .issue_access_token(instance.id, &user, settings)
            .await?;
        transaction!(self.pool(), Mode::Write, |tx| async {
            // Concurrent guesses all read "not refused" above: a wait or lock set
            // since then stands, and a right guess among them must not lift it.
            let current = tx.user(user.id).await?.ok_or(Error::InvalidCredentials)?;
            if throttle::refusal(tx, &current, &source, now)
                .await?
                .is_some()
            {
                return Err(Error::InvalidCredentials);
            }
            throttle::record_success(tx, user.id, &source).await?;
            tx.record_sign_in(user.id, now).await?;
            audit::record(
                tx,
                now,
                Some(user.id),
                AuditAction::SignInSucceeded,
                ("user", Some(user.id.to_string())),
                serde_json::json!({ "source": source.as_str() }),
            )
            .await
        })?;
        // The failures were just cleared in the database; show that.
        let user = UserRow {
            failed_sign_ins: 0,
            locked_until: None,
            last_sign_in_at: Some(now),
            ..user
        };
        Ok(SignedIn {
            access_token,
            must_change_password: user.must_change_password,
            must_enroll_second_factor: settings.second_factor.covers(&user),
            user: UserView::from(user),
        })
    }

    /// Who a credential belongs to, and checks that user is still active.
    /// `touch` records the use of an API token (not done by a read-only pre-check).
    pub(crate) async fn authenticate(
        &self,
        tx: &mut impl Store,
        credential: &Credential,
        touch: bool,
    ) -> Result<UserRow> {
        let now = self.now();
        let token = credential.expose();
        let mut session_generation = None;
        let user_id = if token.starts_with(api_token::PREFIX) {
            api_token::authenticate(tx, token, now, touch).await?
        } else {
            let instance = tx.instance().await?.ok_or(Error::Unauthenticated)?;
            let claims = access_token::verify(tx, token, instance.id, now).await?;
            session_generation = Some(claims.sgen);
            claims.sub
        };
        let user = tx.user(user_id).await?.ok_or(Error::Unauthenticated)?;
        // Sessions of an earlier generation ended with the password change or reset
        // that began the current one, however shortly before it they started.
        if session_generation.is_some_and(|sgen| sgen != user.session_generation) {
            return Err(Error::Unauthenticated);
        }
        if user.status != UserStatus::Active || !account_is_active(tx, &user).await? {
            return Err(Error::Forbidden);
        }
        Ok(user)
    }

    /// Any active user whose password is not temporary.
    pub(crate) async fn authorize(
        &self,
        tx: &mut impl Store,
        credential: &Credential,
    ) -> Result<UserRow> {
        let user = self.authenticate(tx, credential, true).await?;
        if user.must_change_password {
            return Err(Error::PasswordChangeRequired);
        }
        crate::second_factor::check_enrolled(tx, &user, credential).await?;
        Ok(user)
    }

    /// An active admin whose password is not temporary.
    pub(crate) async fn authorize_admin(
        &self,
        tx: &mut impl Store,
        credential: &Credential,
    ) -> Result<UserRow> {
        let user = self.authorize(tx, credential).await?;
        if !user.roles.contains(Role::Admin) {
            return Err(Error::Forbidden);
        }
        Ok(user)
    }

    /// Checks the caller is an admin before expensive work (hashing), without
    /// writing; the operation's own transaction checks again. Returns the settings.
    pub(crate) async fn precheck_admin(
        &self,
        credential: &Credential,
    ) -> Result<(UserRow, Settings)> {
        transaction!(self.pool(), Mode::Read, |tx| async {
            let user = self.authenticate(tx, credential, false).await?;
            if user.must_change_password {
                return Err(Error::PasswordChangeRequired);
            }
            crate::second_factor::check_enrolled(tx, &user, credential).await?;
            if !user.roles.contains(Role::Admin) {
                return Err(Error::Forbidden);
            }
            let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
            Ok((user, instance.settings.0))
        })
    }

    /// The signed-in user, as they are now.
    pub async fn me(&self, credential: &Credential) -> Result<UserView> {
        transaction!(self.pool(), Mode::Write, |tx| async {
            let user = self.authenticate(tx, credential, true).await?;
            Ok::<_, Error>(UserView::from(user))
        })
    }

    /// Changes the caller's own password (also allowed, and required, while it is
    /// temporary). Every session that began before ends, the caller's too; the caller
    /// gets a new access token in return. API tokens are not sessions and keep working.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn change_password(
        &self,
        credential: &Credential,
        change: PasswordChange,
    ) -> Result<SignedIn> {
        let source = SourceKey::session(credential);
        let now = self.now();
        let (user, settings, refused) = transaction!(self.pool(), Mode::Read, |tx| async {
            let user = self.authenticate(tx, credential, false).await?;
            let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
            let refused = throttle::refusal(tx, &user, &source, now).await?;
            Ok::<_, Error>((user, instance.settings.0, refused))
        })?;
        let same = change.current_password.expose_secret() == change.new_password.expose_secret();
        // As at sign-in: a refused session's guess is not checked, at the same cost.
        let stored = refused.is_none().then(|| user.password_hash.clone());
        let current_ok = password::verify(change.current_password, stored).await?;
        let parsed = Password::parse_off_thread(
            change.new_password,
            settings.password_policy.clone(),
            PasswordContext::of_user(&user),
            "new_password",
        )
        .await?;
        let mut errors = FieldErrors::default();
        if refused.is_some() {
            // Too many wrong guesses from this session (or at this user): no answer
            // either way.
            errors.push(crate::FieldError::new(
                "current_password",
                "locked",
                "Too many wrong passwords. Try again later.",
            ));
        } else if !current_ok {
            // A stolen session must not become an unlimited password oracle: wrong
            // guesses are throttled per session and count toward the username's
            // ceiling like failed sign-ins.
            transaction!(self.pool(), Mode::Write, |tx| async {
                let counted =
                    throttle::record_failure(tx, user.id, &source, &settings, now).await?;
                audit::record(
                    tx,
                    now,
                    Some(user.id),
                    AuditAction::PasswordChangeFailed,
                    ("user", Some(user.id.to_string())),
                    serde_json::json!({ "counted": counted }),
                )
                .await?;
                audit::record_lockouts(tx, now, user.id, &source, &settings, counted).await
            })?;
            errors.push(crate::FieldError::new(
                "current_password",
                "incorrect",
                "This is not your current password.",
            ));
        }
        if same {
            errors.push(crate::FieldError::new(
                "new_password",
                "unchanged",
                "Choose a password different from the current one.",
            ));
        }
        let new_password = errors.check_all(parsed);
        errors.finish()?;
        let hash = password::hash(crate::fields::parsed(new_password)).await?;
        let (user, instance) = transaction!(self.pool(), Mode::Write, |tx| async {
            let user = self.authenticate(tx, credential, true).await?;
            tx.update_password(user.id, &hash.0, false, now).await?;
            audit::record(
                tx,
                now,
                Some(user.id),
                AuditAction::UserPasswordChanged,
                ("user", Some(user.id.to_string())),
                serde_json::json!({}),
            )
            .await?;
            let user = tx.user(user.id).await?.ok_or(Error::Unauthenticated)?;
            let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
            Ok::<_, Error>((user, instance))
        })?;
        let access_token = self
            .issue_access_token(instance.id, &user, &instance.settings.0)
            .await?;
        Ok(SignedIn {
            access_token,
            must_change_password: false,
            must_enroll_second_factor: !user.second_factor
                && instance.settings.0.second_factor.covers(&user),
            user: UserView::from(user),
        })
    }
}
