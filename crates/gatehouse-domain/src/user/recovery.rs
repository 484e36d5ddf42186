//! Recovery from the machine that holds the database (`gatehouse admin unlock` and
//! `gatehouse admin reset-password`), for when no admin can sign in any more.
//!
//! These take no credential: whoever can open the database can write every row of it
//! anyway (README, "Trust model"), so asking for a password here would protect
//! nothing. What they keep are the rules a change through Gatehouse obeys: the user is
//! found as sign-in finds them, a new password passes the instance's policy, the change
//! is one transaction with its audit event (no actor; `"source": "command_line"`), and
//! a reset ends the user's sessions.

use secrecy::SecretString;

use super::UserView;
use crate::audit::{self, AuditAction};
use crate::error::{Error, Result};
use crate::gatehouse::Gatehouse;
use crate::password::{self, Password};
use crate::policy::PasswordContext;
use crate::store::{transaction, ApiTokenStore, InstanceStore, Mode, UserRow, UserStore};

/// The audit events' `source` for changes made from the command line.
pub const COMMAND_LINE_SOURCE: &str = "command_line";

/// What a command-line password reset did.
#[derive(Clone, Debug)]
pub struct RecoveredPassword {
    pub user: UserView,
    /// API tokens revoked with it (only when asked for).
    pub revoked_api_tokens: u32,
}

impl Gatehouse {
    /// Lifts the sign-in lock of the user whose username or email is `login`: the
    /// username-wide lock, every source's wait and the failure counts (as an admin's
    /// unlock does).
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn recover_unlock(&self, login: &str) -> Result<UserView> {
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let user = recovery_target(tx, login).await?;
            crate::sign_in_throttle::lift(tx, user.id).await?;
            audit::record(
                tx,
                now,
                None,
                AuditAction::UserUnlocked,
                ("user", Some(user.id.to_string())),
                serde_json::json!({
                    "source": COMMAND_LINE_SOURCE,
                    "failed_sign_ins": user.failed_sign_ins,
                    "was_locked_until": user.locked_until,
                }),
            )
            .await?;
            Ok(UserView::from(
                tx.user(user.id).await?.ok_or(Error::NotFound("user"))?,
            ))
        })
    }

    /// Sets `new_password` (checked against the instance's policy) as a temporary
    /// password of the user whose username or email is `login`: it must be changed at
    /// the next sign-in, the user's sessions end, and the sign-in lock goes with the
    /// old password (the point is to get back in). API tokens stay unless
    /// `revoke_api_tokens`.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn recover_reset_password(
        &self,
        login: &str,
        new_password: SecretString,
        revoke_api_tokens: bool,
    ) -> Result<RecoveredPassword> {
        let (user, settings) = transaction!(self.pool(), Mode::Read, |tx| async {
            let user = recovery_target(tx, login).await?;
            let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
            Ok::<_, Error>((user, instance.settings.0))
        })?;
        let password = Password::parse_off_thread(
            new_password,
            settings.password_policy.clone(),
            PasswordContext::of_user(&user),
            "password",
        )
        .await?
        .map_err(Error::Validation)?;
        let hash = password::hash(password).await?;
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            // The same user as checked: a rename in between must not move the reset.
            tx.user(user.id).await?.ok_or(Error::NotFound("user"))?;
            tx.update_password(user.id, &hash.0, true, now).await?;
            crate::sign_in_throttle::lift(tx, user.id).await?;
            let revoked = if revoke_api_tokens {
                tx.revoke_live_api_tokens_of(user.id, now).await?
            } else {
                0
            };
            let revoked = u32::try_from(revoked).unwrap_or(u32::MAX);
            audit::record(
                tx,
                now,
                None,
                AuditAction::UserPasswordReset,
                ("user", Some(user.id.to_string())),
                serde_json::json!({
                    "source": COMMAND_LINE_SOURCE,
                    "revoked_api_tokens": revoked,
                }),
            )
            .await?;
            Ok(RecoveredPassword {
                user: UserView::from(tx.user(user.id).await?.ok_or(Error::NotFound("user"))?),
                revoked_api_tokens: revoked,
            })
        })
    }
}

/// The user a recovery command names, on a set-up instance.
async fn recovery_target(
    tx: &mut (impl UserStore + InstanceStore),
    login: &str,
) -> Result<UserRow> {
    tx.instance().await?.ok_or(Error::NotInitialized)?;
    let key = crate::login_key::login_key(login);
    if key.is_empty() {
        return Err(Error::validation(
            "username",
            "required",
            "Name the user by username or email.",
        ));
    }
    tx.user_by_login(&key).await?.ok_or(Error::NotFound("user"))
}
