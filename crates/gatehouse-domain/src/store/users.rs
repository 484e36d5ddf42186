//! Users: their rows, the list's filters, and the statements on `users` (but the
//! sign-in failure counts, which are the throttle's: see [`super::throttles`]).

use std::future::Future;

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::Sql;
use crate::login_key::UserKeys;
use crate::user::{Role, Roles, UserStatus};

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
    /// Decoded here: a status this version does not know fails the read.
    #[sqlx(try_from = "String")]
    pub status: UserStatus,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub preferences: Json<serde_json::Value>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub failed_sign_ins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    /// From the columns `role_admin`, `role_editor` and `role_viewer`.
    #[sqlx(flatten)]
    pub roles: Roles,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
    /// Carried in access tokens (`sgen`); a password change or reset adds one.
    pub session_generation: i64,
    /// Has a confirmed second factor (a row of `user_totp`; read, never written here).
    pub second_factor: bool,
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

/// Filters for the user list.
#[derive(Clone, Debug, Default)]
pub(crate) struct UserFilter {
    /// A lower-cased LIKE pattern (already escaped and wrapped in `%`).
    pub pattern: Option<String>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    /// Keyset cursor: only usernames (keys) after this one.
    pub after: Option<String>,
    pub limit: i64,
}

pub(crate) trait UserStore: Send {
    /// Stores the row under the unique keys of its username and email.
    fn insert_user(
        &mut self,
        row: &UserRow,
        keys: &UserKeys,
    ) -> impl Future<Output = Sql<()>> + Send;
    fn user(&mut self, id: Uuid) -> impl Future<Output = Sql<Option<UserRow>>> + Send;
    /// The user whose username or email has the unique key `key`.
    fn user_by_login(&mut self, key: &str) -> impl Future<Output = Sql<Option<UserRow>>> + Send;
    /// Whether a user holds the username's key, and whether one holds the email's.
    fn taken(&mut self, keys: &UserKeys) -> impl Future<Output = Sql<(bool, bool)>> + Send;
    /// The username keys that begin with `prefix` (to find a free derived username).
    fn username_keys_with_prefix(
        &mut self,
        prefix: &str,
    ) -> impl Future<Output = Sql<Vec<String>>> + Send;
    /// Every user's stored keys, oldest first, for recomputing them (see `rekey`).
    fn user_keys(&mut self) -> impl Future<Output = Sql<Vec<UserKeysRow>>> + Send;
    fn set_user_keys(
        &mut self,
        id: Uuid,
        username_key: &str,
        email_key: Option<&str>,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// A page of the users that match, ordered by username key.
    fn users(&mut self, filter: &UserFilter) -> impl Future<Output = Sql<Vec<UserRow>>> + Send;
    /// How many users match, on every page.
    fn count_users(&mut self, filter: &UserFilter) -> impl Future<Output = Sql<i64>> + Send;
    fn count_active_admins(&mut self) -> impl Future<Output = Sql<i64>> + Send;
    /// Serialises changes that must leave at least one active admin: without it, two
    /// admins demoting each other under READ COMMITTED could both see the other one
    /// still active (write skew). Updating the singleton row locks it until commit on
    /// PostgreSQL; SQLite's write transactions are serial already.
    fn lock_admin_changes(&mut self) -> impl Future<Output = Sql<()>> + Send;
    fn update_status(
        &mut self,
        id: Uuid,
        status: UserStatus,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    fn update_roles(
        &mut self,
        id: Uuid,
        roles: Roles,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Sets a new password hash and ends the user's current sessions (every access
    /// token of an earlier session generation); `temporary` (an admin reset) also makes
    /// it one to change at next sign-in.
    fn update_password(
        &mut self,
        id: Uuid,
        hash: &str,
        temporary: bool,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Ends the user's current sessions (a new session generation), nothing else.
    fn end_sessions(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
}

/// The columns of a [`UserRow`]. A macro, so that statements can `concat!` it.
macro_rules! user_columns {
    () => {
        "id, account_id, username, email, first_name, last_name, business_role, status,
        email_confirmed_at, preferences, password_hash, must_change_password,
        failed_sign_ins, locked_until, role_admin, role_editor, role_viewer, created_at,
        created_by, updated_at, session_generation,
        exists (
            select 1 from user_totp t where t.user_id = users.id and t.confirmed_at is not null
        ) as second_factor"
    };
}

/// The condition of a [`UserFilter`]: `$1` the pattern, `$2` the role, `$3` the
/// status, each ignored when null. A macro, so that statements can `concat!` it.
macro_rules! user_filter {
    () => {
        "($1 is null
            or lower(username) like $1 escape '\\'
            or email_key like $1 escape '\\'
            or lower(coalesce(first_name, '')) like $1 escape '\\'
            or lower(coalesce(last_name, '')) like $1 escape '\\')
        and ($2 is null
            or ($2 = 'admin' and role_admin)
            or ($2 = 'editor' and role_editor)
            or ($2 = 'viewer' and role_viewer))
        and ($3 is null or status = $3)"
    };
}

/// `updated_at` is `created_at` ($18) at first.
pub(super) const INSERT_USER: &str = "
    insert into users (
        id, account_id, username, username_key, email, email_key, first_name, last_name,
        business_role, status, email_confirmed_at, preferences, password_hash,
        must_change_password, role_admin, role_editor, role_viewer, created_at, created_by,
        updated_at
    )
    values (
        $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
        $19, $18
    )";

pub(super) const USER: &str = concat!(
    "select ",
    user_columns!(),
    "
    from users
    where id = $1"
);

pub(super) const USER_BY_LOGIN: &str = concat!(
    "select ",
    user_columns!(),
    "
    from users
    where username_key = $1 or email_key = $1"
);

pub(super) const TAKEN: &str = "
    select
        (select count(*) from users where username_key = $1),
        (select count(*) from users where email_key = $2)";

/// `$2` is the prefix's length in characters.
pub(super) const USERNAME_KEYS_WITH_PREFIX: &str = "
    select username_key
    from users
    where substr(username_key, 1, $2) = $1";

pub(super) const USER_KEYS: &str = "
    select id, username, username_key, email, email_key
    from users
    order by created_at, id";

pub(super) const SET_USER_KEYS: &str = "
    update users
    set username_key = $2, email_key = $3
    where id = $1";

/// `$4` is the cursor (ignored when null), `$5` the page size.
pub(super) const USERS: &str = concat!(
    "select ",
    user_columns!(),
    "
    from users
    where ",
    user_filter!(),
    "
        and ($4 is null or username_key > $4)
    order by username_key
    limit $5"
);

pub(super) const COUNT_USERS: &str = concat!(
    "select count(*)
    from users
    where ",
    user_filter!()
);

pub(super) const COUNT_ACTIVE_ADMINS: &str = "
    select count(*)
    from users
    where role_admin and status = 'active'";

pub(super) const LOCK_ADMIN_CHANGES: &str = "
    update instance
    set singleton = singleton";

pub(super) const UPDATE_STATUS: &str = "
    update users
    set status = $2, updated_at = $3
    where id = $1";

pub(super) const UPDATE_ROLES: &str = "
    update users
    set role_admin = $2, role_editor = $3, role_viewer = $4, updated_at = $5
    where id = $1";

/// A new password also clears the sign-in failures and begins a new session
/// generation.
pub(super) const UPDATE_PASSWORD: &str = "
    update users
    set
        password_hash = $2,
        must_change_password = $3,
        failed_sign_ins = 0,
        locked_until = null,
        updated_at = $4,
        session_generation = session_generation + 1,
        sessions_valid_after = $4
    where id = $1";

pub(super) const END_SESSIONS: &str = "
    update users
    set
        updated_at = $2,
        session_generation = session_generation + 1,
        sessions_valid_after = $2
    where id = $1";
