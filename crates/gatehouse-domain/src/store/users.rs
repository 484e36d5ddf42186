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
    /// Optimistic concurrency: every admin change of the user adds one.
    pub version: i32,
    pub last_sign_in_at: Option<DateTime<Utc>>,
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

/// The editable fields of a user, parsed, as stored.
#[derive(Clone, Debug)]
pub(crate) struct ProfileUpdate {
    pub username: String,
    pub email: Option<String>,
    /// Cleared when the email changes: the new address is not confirmed.
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub business_role: Option<String>,
    pub preferences: Json<serde_json::Value>,
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
    /// The first `limit` users of an account, by username key.
    fn users_of_account(
        &mut self,
        account_id: Uuid,
        limit: i64,
    ) -> impl Future<Output = Sql<Vec<UserRow>>> + Send;
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
    /// Replaces the editable profile if the row still has `expected` version (adding
    /// one to it); whether it did.
    fn update_profile(
        &mut self,
        id: Uuid,
        profile: &ProfileUpdate,
        keys: &UserKeys,
        expected: i32,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<bool>> + Send;
    /// Whether a user other than `id` holds the username's key, and whether one holds
    /// the email's.
    fn taken_by_others(
        &mut self,
        keys: &UserKeys,
        id: Uuid,
    ) -> impl Future<Output = Sql<(bool, bool)>> + Send;
    fn record_sign_in(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Deletes the user with what only means something with them (their API tokens,
    /// throttle rows, idempotency records naming them) and forgets them as the creator
    /// of other rows; how many API tokens went. The audit trail keeps its events.
    fn delete_user(&mut self, id: Uuid) -> impl Future<Output = Sql<u64>> + Send;
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
}

/// The columns of a [`UserRow`]. A macro, so that statements can `concat!` it.
macro_rules! user_columns {
    () => {
        "id, account_id, username, email, first_name, last_name, business_role, status,
        email_confirmed_at, preferences, password_hash, must_change_password,
        failed_sign_ins, locked_until, role_admin, role_editor, role_viewer, created_at,
        created_by, updated_at, session_generation, version, last_sign_in_at"
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

pub(super) const USERS_OF_ACCOUNT: &str = concat!(
    "select ",
    user_columns!(),
    "
    from users
    where account_id = $1
    order by username_key
    limit $2"
);

pub(super) const COUNT_USERS: &str = concat!(
    "select count(*)
    from users
    where ",
    user_filter!()
);

pub(super) const LOCK_ADMIN_CHANGES: &str = "
    update instance
    set singleton = singleton";

/// Only admins in active accounts count: a suspended account's admin cannot sign in.
pub(super) const COUNT_ACTIVE_ADMINS: &str = "
    select count(*)
    from users u
    join accounts a on a.id = u.account_id
    where u.role_admin and u.status = 'active' and a.status = 'active'";

pub(super) const UPDATE_STATUS: &str = "
    update users
    set status = $2, updated_at = $3, version = version + 1
    where id = $1";

pub(super) const UPDATE_ROLES: &str = "
    update users
    set
        role_admin = $2,
        role_editor = $3,
        role_viewer = $4,
        updated_at = $5,
        version = version + 1
    where id = $1";

/// `$11` is the version the edit was made from: a row changed since is left alone.
pub(super) const UPDATE_PROFILE: &str = "
    update users
    set
        username = $2,
        username_key = $3,
        email = $4,
        email_key = $5,
        email_confirmed_at = $6,
        first_name = $7,
        last_name = $8,
        business_role = $9,
        preferences = $10,
        updated_at = $12,
        version = version + 1
    where id = $1 and version = $11";

pub(super) const TAKEN_BY_OTHERS: &str = "
    select
        (select count(*) from users where username_key = $1 and id <> $3),
        (select count(*) from users where email_key = $2 and id <> $3)";

pub(super) const RECORD_SIGN_IN: &str = "
    update users
    set last_sign_in_at = $2
    where id = $1";

/// The steps of deleting user `$1`, in order (one transaction).
pub(super) const FORGET_USER_AS_CREATOR: &str = "
    update users
    set created_by = null
    where created_by = $1";

pub(super) const FORGET_USER_AS_TOKEN_CREATOR: &str = "
    update api_tokens
    set created_by = null
    where created_by = $1";

pub(super) const DELETE_USER_API_TOKENS: &str = "
    delete from api_tokens
    where user_id = $1";

pub(super) const DELETE_USER_THROTTLES: &str = "
    delete from sign_in_throttles
    where user_id = $1";

pub(super) const DELETE_USER_IDEMPOTENCY_KEYS: &str = "
    delete from idempotency_keys
    where user_id = $1";

pub(super) const DELETE_USER: &str = "
    delete from users
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
