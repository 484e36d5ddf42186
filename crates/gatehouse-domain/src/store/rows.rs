//! Rows as stored. Only the store and the domain modules see these; the public
//! types (views) are built from them and never carry secrets.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use crate::instance::Settings;

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct InstanceRow {
    pub id: Uuid,
    pub organization: String,
    pub settings: Json<Settings>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AccountRow {
    pub id: Uuid,
    pub name: String,
    pub plan: String,
    pub metadata: Json<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
}

#[derive(Clone, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub username: String,
    /// Absent for ordinary users created without one (seed 004).
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub business_role: Option<String>,
    pub status: String,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub preferences: Json<serde_json::Value>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub failed_sign_ins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub role_admin: bool,
    pub role_editor: bool,
    pub role_viewer: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
    /// Carried in access tokens (`sgen`); a password change or reset adds one.
    pub session_generation: i64,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A user's identity and stored unique keys (see `rekey`).
#[derive(Clone, sqlx::FromRow)]
pub(crate) struct UserKeysRow {
    pub id: Uuid,
    pub username: String,
    pub username_key: String,
    pub email: Option<String>,
    pub email_key: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ApiTokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub secret_hash: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token as listed: with the usernames of its owner and of whoever created it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ListedApiTokenRow {
    #[sqlx(flatten)]
    pub token: ApiTokenRow,
    pub owner_username: String,
    pub created_by_username: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct SigningKeyRow {
    pub kid: String,
    pub algorithm: String,
    pub public_key: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
    pub last_signed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub detail: Json<serde_json::Value>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct IdempotencyRow {
    pub actor_id: Uuid,
    pub key: String,
    pub fingerprint: String,
    pub account_id: Uuid,
    pub user_id: Uuid,
    pub token_id: Uuid,
    pub created_at: DateTime<Utc>,
}
