//! The audit trail: every mutation writes one event, inside the mutation's own
//! transaction, so the change and its record commit or roll back together.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use uuid::Uuid;

use crate::auth::Credential;
use crate::error::Result;
use crate::gatehouse::Gatehouse;
use crate::store::{transaction, AuditRow, AuditStore, Mode, Store};

/// What happened, to what, by whom.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// e.g. `user.created`, `account.created`, `api_token.revoked`.
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    /// Non-secret details (names, changed fields); never a password or token.
    pub detail: serde_json::Value,
}

/// A page of the audit trail.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Page size, 1–500; default 50.
    #[serde(default)]
    pub limit: Option<u32>,
    /// How many to skip.
    #[serde(default)]
    pub offset: Option<u32>,
}

impl From<AuditRow> for AuditEvent {
    fn from(row: AuditRow) -> Self {
        AuditEvent {
            id: row.id,
            at: row.at,
            actor_id: row.actor_id,
            action: row.action,
            target_type: row.target_type,
            target_id: row.target_id,
            detail: row.detail.0,
        }
    }
}

/// What an audit event records. The text is what is stored and shown
/// ([`AuditEvent::action`]): `concept.what_happened`, never to change once written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuditAction {
    InstanceSetUp,
    SettingsUpdated,
    SigningKeyRegistered,
    AccountCreated,
    AccountUpdated,
    AccountStatusChanged,
    AccountDeleted,
    UserCreated,
    UserUpdated,
    UserDeleted,
    UserStatusChanged,
    UserRolesChanged,
    UserPasswordReset,
    UserPasswordChanged,
    UserUnlocked,
    SignInSucceeded,
    SignInFailed,
    PasswordChangeFailed,
    ApiTokenCreated,
    /// An admin made a token for another user.
    ApiTokenCreatedForOther,
    ApiTokenRevoked,
    /// The password asked for before making a token was wrong.
    ApiTokenPasswordConfirmationFailed,
    /// A right password of a user with a second factor: a challenge was issued.
    SignInSecondFactorRequired,
    SecondFactorEnrollmentStarted,
    SecondFactorEnrolled,
    /// The user turned their own second factor off.
    SecondFactorRemoved,
    /// An admin removed another user's second factor (their sessions ended).
    SecondFactorReset,
    /// A wrong password or code when turning one's own second factor off.
    SecondFactorCheckFailed,
}

impl AuditAction {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AuditAction::InstanceSetUp => "instance.set_up",
            AuditAction::SettingsUpdated => "settings.updated",
            AuditAction::SigningKeyRegistered => "signing_key.registered",
            AuditAction::AccountCreated => "account.created",
            AuditAction::AccountUpdated => "account.updated",
            AuditAction::AccountStatusChanged => "account.status_changed",
            AuditAction::AccountDeleted => "account.deleted",
            AuditAction::UserCreated => "user.created",
            AuditAction::UserUpdated => "user.updated",
            AuditAction::UserDeleted => "user.deleted",
            AuditAction::UserStatusChanged => "user.status_changed",
            AuditAction::UserRolesChanged => "user.roles_changed",
            AuditAction::UserPasswordReset => "user.password_reset",
            AuditAction::UserPasswordChanged => "user.password_changed",
            AuditAction::UserUnlocked => "user.unlocked",
            AuditAction::SignInSucceeded => "sign_in.succeeded",
            AuditAction::SignInFailed => "sign_in.failed",
            AuditAction::PasswordChangeFailed => "password_change.failed",
            AuditAction::ApiTokenCreated => "api_token.created",
            AuditAction::ApiTokenCreatedForOther => "api_token.created_for_other",
            AuditAction::ApiTokenRevoked => "api_token.revoked",
            AuditAction::ApiTokenPasswordConfirmationFailed => {
                "api_token.password_confirmation_failed"
            }
            AuditAction::SignInSecondFactorRequired => "sign_in.second_factor_required",
            AuditAction::SecondFactorEnrollmentStarted => "second_factor.enrollment_started",
            AuditAction::SecondFactorEnrolled => "second_factor.enrolled",
            AuditAction::SecondFactorRemoved => "second_factor.removed",
            AuditAction::SecondFactorReset => "second_factor.reset",
            AuditAction::SecondFactorCheckFailed => "second_factor.check_failed",
        }
    }
}

/// Writes one audit event inside the caller's transaction.
pub(crate) async fn record(
    store: &mut impl Store,
    at: DateTime<Utc>,
    actor: Option<Uuid>,
    action: AuditAction,
    target: (&str, Option<String>),
    detail: serde_json::Value,
) -> Result<()> {
    store
        .insert_audit(&AuditRow {
            id: Uuid::now_v7(),
            at,
            actor_id: actor,
            action: action.as_str().to_owned(),
            target_type: target.0.to_owned(),
            target_id: target.1,
            detail: Json(detail),
        })
        .await?;
    Ok(())
}

impl Gatehouse {
    /// The most recent audit events, newest first (admins only).
    pub async fn list_audit_events(
        &self,
        credential: &Credential,
        query: AuditQuery,
    ) -> Result<crate::List<AuditEvent>> {
        let limit = i64::from(query.limit.unwrap_or(50).clamp(1, 500));
        let offset = i64::from(query.offset.unwrap_or(0));
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            let rows = tx.audit_events(limit, offset).await?;
            Ok::<_, crate::Error>(crate::List {
                items: rows.into_iter().map(AuditEvent::from).collect(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_text_of_an_action_is_concept_dot_event() {
        assert_eq!(AuditAction::UserCreated.as_str(), "user.created");
        assert_eq!(
            AuditAction::ApiTokenCreatedForOther.as_str(),
            "api_token.created_for_other"
        );
        assert_eq!(AuditAction::InstanceSetUp.as_str(), "instance.set_up");
    }
}
