//! Users and admins: the types the operations take and return, and the roles and
//! statuses a user has. The operations are in the submodules, by what they do:
//!
//! - `create`: "create user" and "create admin" (seeds 002, 003, 004), and the
//!   insertion that setup and "create account" share;
//! - `list`: one user, and the searchable, paged list;
//! - `manage`: status, roles, admin password resets and unlocking;
//! - `edit`: editing a user's profile (optimistic concurrency) and deleting a user;
//! - `recovery`: unlocking and resetting from the command line, without an admin;
//!
//! with the parsing of a new user's fields in `fields` and the generator of
//! temporary passwords in `temporary_password`.

mod create;
mod edit;
mod fields;
mod list;
pub(crate) use list::like_pattern;
mod manage;
mod recovery;
mod temporary_password;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::policy::PasswordContext;
use crate::secrets::OneTimeSecret;
use crate::store::UserRow;

pub(crate) use create::{insert, retry_derived_clash};
pub(crate) use fields::{parse_business_role, UserFields};
pub use recovery::{RecoveredPassword, COMMAND_LINE_SOURCE};
pub use temporary_password::GeneratedPassword;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Editor,
    Viewer,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Admin, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }
}

/// The roles a user holds: one flag per [`Role`], each stored in a column of its own
/// (`role_admin`, `role_editor`, `role_viewer`) and asked for by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct Roles {
    #[sqlx(rename = "role_admin")]
    admin: bool,
    #[sqlx(rename = "role_editor")]
    editor: bool,
    #[sqlx(rename = "role_viewer")]
    viewer: bool,
}

impl Roles {
    /// The set of `roles` (in any order, repeats ignored).
    pub(crate) fn of(roles: &[Role]) -> Roles {
        Roles {
            admin: roles.contains(&Role::Admin),
            editor: roles.contains(&Role::Editor),
            viewer: roles.contains(&Role::Viewer),
        }
    }

    pub(crate) fn contains(self, role: Role) -> bool {
        match role {
            Role::Admin => self.admin,
            Role::Editor => self.editor,
            Role::Viewer => self.viewer,
        }
    }

    /// The roles held, in the order of [`Role::ALL`] (as views and the audit show them).
    pub(crate) fn to_vec(self) -> Vec<Role> {
        Role::ALL
            .iter()
            .copied()
            .filter(|&role| self.contains(role))
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Pending,
    Suspended,
    Deactivated,
}

impl UserStatus {
    pub const ALL: &'static [UserStatus] = &[
        UserStatus::Active,
        UserStatus::Pending,
        UserStatus::Suspended,
        UserStatus::Deactivated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Pending => "pending",
            UserStatus::Suspended => "suspended",
            UserStatus::Deactivated => "deactivated",
        }
    }
}

/// A status as stored. One this version does not know (a database written by a newer
/// version, or edited by hand) is an error, never a guess: read as "deactivated", a
/// suspended or pending user could be shown, and treated, as something it is not.
impl TryFrom<String> for UserStatus {
    type Error = String;

    fn try_from(stored: String) -> std::result::Result<Self, Self::Error> {
        UserStatus::ALL
            .iter()
            .copied()
            .find(|status| status.as_str() == stored)
            .ok_or_else(|| format!("unknown user status {stored:?}"))
    }
}

/// The longest business role (after trimming).
pub const BUSINESS_ROLE_MAX_LENGTH: usize = 100;

/// A user as shown to admins. Never carries the password or its hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: Uuid,
    pub account_id: Uuid,
    pub username: String,
    /// Absent for ordinary users created without one (seed 004).
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub business_role: Option<String>,
    pub roles: Vec<Role>,
    pub status: UserStatus,
    pub is_active: bool,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub preferences: serde_json::Value,
    pub must_change_password: bool,
    /// Failed sign-ins (and wrong current passwords) in a row, from every source.
    pub failed_sign_ins: u32,
    /// Set when 100 failures in a row lock the username for every network source
    /// (docs/decisions/0002-sign-in-throttle.md); admins can lift it.
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
    /// Send it back with an edit ([`UserUpdate::version`]): every admin change of the
    /// user (profile, status, roles) adds one, and an edit of an older version is
    /// refused with `stale_version`.
    pub version: u32,
    /// The last successful sign-in; absent if never (or not since this was recorded).
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Signs in in two steps (an authenticator app is set up and confirmed).
    pub second_factor: bool,
}

impl From<UserRow> for UserView {
    fn from(row: UserRow) -> Self {
        let status = row.status;
        UserView {
            roles: row.roles.to_vec(),
            id: row.id,
            account_id: row.account_id,
            username: row.username,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            business_role: row.business_role,
            is_active: status == UserStatus::Active,
            status,
            email_confirmed_at: row.email_confirmed_at,
            preferences: row.preferences.0,
            must_change_password: row.must_change_password,
            failed_sign_ins: u32::try_from(row.failed_sign_ins).unwrap_or(0),
            locked_until: row.locked_until,
            created_at: row.created_at,
            created_by: row.created_by,
            updated_at: row.updated_at,
            version: u32::try_from(row.version).unwrap_or(0),
            last_sign_in_at: row.last_sign_in_at,
            second_factor: row.second_factor,
        }
    }
}

/// "Create user" (seeds 002, 004).
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    /// Optional for ordinary users (seed 004); required when `roles` has `admin`.
    #[serde(default)]
    pub email: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub password: SecretString,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub business_role: Option<String>,
    /// Defaults to `[viewer]`.
    #[serde(default)]
    pub roles: Option<Vec<Role>>,
    /// Defaults to `active`.
    #[serde(default)]
    pub status: Option<UserStatus>,
    /// A JSON object, e.g. tutorial flags.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub preferences: Option<serde_json::Value>,
    /// Defaults to the caller's account.
    #[serde(default)]
    pub account_id: Option<Uuid>,
}

/// "Create admin" (seed 003): role admin, email confirmed at creation.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAdmin {
    pub email: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub password: SecretString,
    /// Derived from the email's local part when absent.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

/// Search, filters and a keyset cursor for the user list.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Matches username, email, first or last name (case-insensitive substring).
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub status: Option<UserStatus>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub after: Option<String>,
    /// 1–100, default 25.
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One page of a list.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    // Inlined: a generic item type has no component of its own to refer to.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub items: Vec<T>,
    /// How many items match in all when `total_exact`; otherwise more than this many
    /// match (lists count up to a cap, so no page pays for counting them all).
    pub total: u64,
    /// Whether `total` is the exact count or a lower bound ("more than").
    #[serde(default = "exact")]
    pub total_exact: bool,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Pages from a server that predates `total_exact` counted exactly.
fn exact() -> bool {
    true
}

/// A whole (short) list.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct List<T> {
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub items: Vec<T>,
}

/// "Edit user": the fields to change, each left as it is when absent. A blank email,
/// name or business role clears it (an admin's email cannot be cleared). `version` is
/// the [`UserView::version`] the edit was made from.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    pub version: u32,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub business_role: Option<String>,
    /// A JSON object; replaces the preferences as a whole.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub preferences: Option<serde_json::Value>,
}

/// What deleting a user removed. The audit trail keeps the user's events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserDeleted {
    pub id: Uuid,
    pub username: String,
    /// The user's API tokens, deleted with them (every one, working or not).
    pub deleted_api_tokens: u32,
}

/// "Change status".
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: UserStatus,
}

/// "Replace roles".
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RolesChange {
    pub roles: Vec<Role>,
}

/// An admin's password reset. Without `temporary_password` one is generated and
/// returned once.
#[derive(Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[serde(default, serialize_with = "crate::secrets::expose_optional_secret")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub temporary_password: Option<SecretString>,
}

impl PasswordContext {
    /// The personal details of a stored user.
    pub(crate) fn of_user(user: &UserRow) -> Self {
        PasswordContext {
            username: Some(user.username.clone()),
            email: user.email.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
        }
    }
}

/// A temporary password set by an admin, shown once when it was generated.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    pub user: UserView,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub temporary_password: Option<OneTimeSecret>,
    /// How many of the user's API tokens the reset revoked: every one that still
    /// worked, as whoever held the user's password may have made them.
    pub revoked_api_tokens: u32,
}

/// Records an admin's change to user `id` in the audit trail, then reads the user back
/// as she now is: how every change of a user by an admin ends.
pub(crate) async fn recorded_change(
    store: &mut impl crate::store::Store,
    now: DateTime<Utc>,
    actor: Uuid,
    action: crate::audit::AuditAction,
    id: Uuid,
    detail: serde_json::Value,
) -> crate::Result<UserView> {
    crate::audit::record(
        store,
        now,
        Some(actor),
        action,
        ("user", Some(id.to_string())),
        detail,
    )
    .await?;
    Ok(UserView::from(
        store
            .user(id)
            .await?
            .ok_or(crate::Error::NotFound("user"))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_status_reads_back_and_an_unknown_one_is_an_error() {
        for &status in UserStatus::ALL {
            assert_eq!(UserStatus::try_from(status.as_str().to_owned()), Ok(status));
        }
        assert!(UserStatus::try_from("archived".to_owned()).is_err());
        assert!(UserStatus::try_from("Active".to_owned()).is_err());
    }

    #[test]
    fn roles_are_a_set_listed_in_the_order_of_all() {
        let roles = Roles::of(&[Role::Viewer, Role::Admin, Role::Viewer]);
        assert!(roles.contains(Role::Admin) && roles.contains(Role::Viewer));
        assert!(!roles.contains(Role::Editor));
        assert_eq!(roles.to_vec(), [Role::Admin, Role::Viewer]);
        assert_eq!(Roles::of(&[]).to_vec(), Vec::<Role>::new());
    }
}
