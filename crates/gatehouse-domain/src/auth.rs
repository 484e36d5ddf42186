//! Sign-in, the caller's credential, and authorization.
//!
//! Every operation other than setup, sign-in and password evaluation takes a
//! [`Credential`]. The caller's status and roles are read from the database on
//! every call, so a suspension or a lost admin role takes effect at once.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::access_token::{self, IssuedAccessToken};
use crate::api_token;
use crate::audit;
use crate::error::{Error, Result};
use crate::fields::FieldErrors;
use crate::gatehouse::Gatehouse;
use crate::instance::Settings;
use crate::password::{self, Password};
use crate::policy::PasswordContext;
use crate::store::{transaction, Mode, Store, UserRow};
use crate::user::{UserStatus, UserView};

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

    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Username or email, and password.
#[derive(Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// Username or email address.
    pub login: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub password: SecretString,
}

/// A successful sign-in.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedIn {
    pub access_token: IssuedAccessToken,
    pub user: UserView,
    /// The password is temporary: nothing but a password change is allowed until then.
    pub must_change_password: bool,
}

/// Changing one's own password.
#[derive(Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub current_password: SecretString,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub new_password: SecretString,
}

impl Gatehouse {
    /// Signs in with username or email and password, returning an access token.
    ///
    /// An unknown login, a wrong password and a locked user all fail with the same
    /// `invalid_credentials` after the same argon2 work. Failures are counted in the
    /// database; reaching the instance's threshold locks the user for a while.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn sign_in(&self, request: SignIn) -> Result<SignedIn> {
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

        let (instance, user) = transaction!(self.pool(), Mode::Read, |tx| async {
            let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
            let user = tx.user_by_login(&login).await?;
            Ok::<_, Error>((instance, user))
        })?;
        let verified = password::verify(
            request.password,
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await?;
        let now = self.now();
        let settings = &instance.settings.0;

        let Some(user) = user else {
            // Recorded like a known user's failure, so both take the same work. The
            // attempted name is not kept: people type passwords into it by mistake.
            transaction!(self.pool(), Mode::Write, |tx| async {
                let detail = serde_json::json!({ "known_user": false });
                audit::record(tx, now, None, "sign_in.failed", ("user", None), detail).await
            })?;
            return Err(Error::InvalidCredentials);
        };
        let locked = user.locked_until.is_some_and(|until| until > now);
        if !verified || locked {
            let lock_until = now + chrono::Duration::minutes(i64::from(settings.lockout_minutes));
            let threshold = i32::try_from(settings.lockout_threshold).unwrap_or(i32::MAX);
            transaction!(self.pool(), Mode::Write, |tx| async {
                if !locked {
                    tx.record_failed_sign_in(user.id, threshold, lock_until)
                        .await?;
                }
                let detail = serde_json::json!({ "locked": locked });
                audit::record(
                    tx,
                    now,
                    None,
                    "sign_in.failed",
                    ("user", Some(user.id.to_string())),
                    detail,
                )
                .await
            })?;
            return Err(Error::InvalidCredentials);
        }
        if user.status != UserStatus::Active.as_str() {
            return Err(Error::UserInactive);
        }
        // Issued first, so the audit never records a sign-in that then failed; it is
        // dropped unreturned if the user was locked meanwhile.
        let access_token = self
            .issue_access_token(instance.id, &user, settings)
            .await?;
        transaction!(self.pool(), Mode::Write, |tx| async {
            // Concurrent guesses all read "not locked" above: a lock set since then
            // stands, and a right guess among them must not lift it.
            let current = tx.user(user.id).await?.ok_or(Error::InvalidCredentials)?;
            if current.locked_until.is_some_and(|until| until > now) {
                return Err(Error::InvalidCredentials);
            }
            tx.clear_failed_sign_ins(user.id).await?;
            audit::record(
                tx,
                now,
                Some(user.id),
                "sign_in.succeeded",
                ("user", Some(user.id.to_string())),
                serde_json::json!({}),
            )
            .await
        })?;
        // The failures were just cleared in the database; show that.
        let user = UserRow {
            failed_sign_ins: 0,
            locked_until: None,
            ..user
        };
        Ok(SignedIn {
            access_token,
            must_change_password: user.must_change_password,
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
        let mut issued_at = None;
        let user_id = if token.starts_with(api_token::PREFIX) {
            api_token::authenticate(tx, token, now, touch).await?
        } else {
            let instance = tx.instance().await?.ok_or(Error::Unauthenticated)?;
            let claims = access_token::verify(tx, token, instance.id, now).await?;
            issued_at = Some(claims.iat);
            claims.sub
        };
        let user = tx.user(user_id).await?.ok_or(Error::Unauthenticated)?;
        // Sessions that began before the password last changed are over (tokens carry
        // whole seconds: one issued in the second of the change still counts).
        if let (Some(iat), Some(after)) = (issued_at, user.sessions_valid_after) {
            if iat < after.timestamp() {
                return Err(Error::Unauthenticated);
            }
        }
        if user.status != UserStatus::Active.as_str() {
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
        Ok(user)
    }

    /// An active admin whose password is not temporary.
    pub(crate) async fn authorize_admin(
        &self,
        tx: &mut impl Store,
        credential: &Credential,
    ) -> Result<UserRow> {
        let user = self.authorize(tx, credential).await?;
        if !user.role_admin {
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
            if !user.role_admin {
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
        let (user, settings) = transaction!(self.pool(), Mode::Read, |tx| async {
            let user = self.authenticate(tx, credential, false).await?;
            let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
            Ok::<_, Error>((user, instance.settings.0))
        })?;
        let same = change.current_password.expose_secret() == change.new_password.expose_secret();
        let current_ok =
            password::verify(change.current_password, Some(user.password_hash.clone())).await?;
        let parsed = Password::parse_off_thread(
            change.new_password,
            settings.password_policy.clone(),
            PasswordContext::of_user(&user),
            "new_password",
        )
        .await?;
        let now = self.now();
        let mut errors = FieldErrors::default();
        if user.locked_until.is_some_and(|until| until > now) {
            // Locked by wrong guesses (here or at sign-in): no answer either way.
            errors.push(crate::FieldError::new(
                "current_password",
                "locked",
                "Too many wrong passwords. Try again later.",
            ));
        } else if !current_ok {
            // A stolen session must not become an unlimited password oracle: wrong
            // guesses count toward the same lock as failed sign-ins.
            let lock_until = now + chrono::Duration::minutes(i64::from(settings.lockout_minutes));
            let threshold = i32::try_from(settings.lockout_threshold).unwrap_or(i32::MAX);
            transaction!(self.pool(), Mode::Write, |tx| async {
                tx.record_failed_sign_in(user.id, threshold, lock_until)
                    .await?;
                audit::record(
                    tx,
                    now,
                    Some(user.id),
                    "password_change.failed",
                    ("user", Some(user.id.to_string())),
                    serde_json::json!({}),
                )
                .await
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
                "user.password_changed",
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
            user: UserView::from(user),
        })
    }
}
