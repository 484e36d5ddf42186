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
    pub search: Option<Search>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    /// Keyset cursor: only usernames (keys) after this one.
    pub after: Option<String>,
    pub limit: i64,
}

/// A search term, in the two forms the statements use.
#[derive(Clone, Debug)]
pub(crate) struct Search {
    /// A lower-cased LIKE pattern (already escaped and wrapped in `%`): what a row
    /// must match, on both databases.
    pub pattern: String,
    /// The term as an FTS5 phrase (quoted), when it has the three characters a
    /// trigram needs: how SQLite finds the candidates (see migration 0007).
    pub phrase: Option<String>,
}

/// The most rows a list's total counts: beyond it, the total says "more than".
pub(crate) const COUNT_CAP: i64 = 1000;

/// Above this many candidates from SQLite's search index, a page walks the username
/// index instead, rechecking each row, and stops at its limit: the matches are then
/// usually dense enough to come within a few thousand entries. Sorting the candidates
/// costs ~2.5 µs each (5,000 take ~12 ms); a walk costs as much per row it passes, so
/// it is slow when the matches cluster late in username order (docs/benchmarks.md).
pub(crate) const MOST_CANDIDATES_TO_SORT: i64 = 5000;

/// Where the statements of the list differ between the databases: how a search finds
/// its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// How a page reaches the rows of a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Walk the username index in order, rechecking each row: a page stops at its
    /// limit.
    Walk,
    /// The rows the search index finds, then sorted (SQLite: by the ids its FTS5
    /// table names; PostgreSQL: a materialized query, so its trigram bitmaps are used).
    Candidates,
}

/// A parameter of a built statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

/// A statement built for the filters given, and its parameters in order.
#[derive(Clone, Debug)]
pub(crate) struct Statement {
    pub sql: String,
    pub binds: Vec<Bind>,
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
    /// How many users match, up to [`COUNT_CAP`] + 1: a page never counts them all.
    fn count_users(&mut self, filter: &UserFilter) -> impl Future<Output = Sql<i64>> + Send;
    /// The plans of the statements [`Self::users`] and [`Self::count_users`] run for
    /// `filter` (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN ANALYZE), for the
    /// scale bench.
    fn explain_users(
        &mut self,
        filter: &UserFilter,
    ) -> impl Future<Output = Sql<Vec<String>>> + Send;
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
        created_by, updated_at, session_generation, version, last_sign_in_at,
        exists (
            select 1 from user_totp t where t.user_id = users.id and t.confirmed_at is not null
        ) as second_factor"
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

pub(super) const USERS_OF_ACCOUNT: &str = concat!(
    "select ",
    user_columns!(),
    "
    from users
    where account_id = $1
    order by username_key
    limit $2"
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

/// Builds a statement's conditions, numbering the parameters as they come.
#[derive(Default)]
struct Conditions {
    parts: Vec<String>,
    binds: Vec<Bind>,
}

impl Conditions {
    fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    /// The filters but the cursor, each only when given, every column qualified (the
    /// count joins tables with columns of the same names).
    fn filters(filter: &UserFilter) -> Self {
        let mut c = Self::default();
        if let Some(search) = &filter.search {
            let p = c.bind(Bind::Text(search.pattern.clone()));
            c.parts.push(format!(
                "(lower(users.username) like {p} escape '\\'
            or users.email_key like {p} escape '\\'
            or lower(coalesce(users.first_name, '')) like {p} escape '\\'
            or lower(coalesce(users.last_name, '')) like {p} escape '\\')"
            ));
        }
        if let Some(role) = filter.role {
            // A closed set: the column's name comes from the enum, never from input.
            c.parts.push(format!("users.role_{}", role.as_str()));
        }
        if let Some(status) = filter.status {
            let s = c.bind(Bind::Text(status.as_str().to_owned()));
            c.parts.push(format!("users.status = {s}"));
        }
        c
    }

    fn and(&self) -> String {
        if self.parts.is_empty() {
            "true".to_owned()
        } else {
            self.parts.join("\n        and ")
        }
    }
}

/// The ids SQLite's search index names for a phrase (a subquery).
fn candidate_ids(phrase: &str) -> String {
    format!(
        "select r.user_id
            from user_search
            join user_search_rows r on r.search_rowid = user_search.rowid
            where user_search match {phrase}"
    )
}

/// A page of the list: the filters given, the cursor, ordered by username key.
pub(crate) fn users_statement(filter: &UserFilter, dialect: Dialect, access: Access) -> Statement {
    let mut c = Conditions::filters(filter);
    if let Some(after) = &filter.after {
        let a = c.bind(Bind::Text(after.clone()));
        c.parts.push(format!("users.username_key > {a}"));
    }
    if let (Dialect::Sqlite, Access::Candidates, Some(phrase)) = (
        dialect,
        access,
        filter.search.as_ref().and_then(|s| s.phrase.as_ref()),
    ) {
        let phrase = c.bind(Bind::Text(phrase.clone()));
        c.parts
            .push(format!("users.id in ({})", candidate_ids(&phrase)));
    }
    let limit = c.bind(Bind::Int(filter.limit));
    let sql = if (dialect, access) == (Dialect::Postgres, Access::Candidates) {
        // Materialized: planned on its own, the trigram bitmaps find every match and
        // only those are sorted; left to itself, the planner may walk the username
        // index expecting the matches spread out (issue 8: 'grace.' took 174 ms). The
        // outer select takes the CTE's columns as they are (the row ignores list_order):
        // the user columns refer to `users`, which only the CTE has.
        format!(
            "with matching as materialized (
        select {}, users.username_key as list_order
        from users
        where {}
    )
    select *
    from matching
    order by list_order
    limit {limit}",
            user_columns!(),
            c.and()
        )
    } else {
        format!(
            "select {}
    from users
    where {}
    order by users.username_key
    limit {limit}",
            user_columns!(),
            c.and()
        )
    };
    Statement {
        sql,
        binds: c.binds,
    }
}

/// How many users match, up to [`COUNT_CAP`] + 1 (ignoring the cursor). On SQLite a
/// search counts along its index's candidates, so it reads about as many rows as it
/// counts.
pub(crate) fn count_users_statement(filter: &UserFilter, dialect: Dialect) -> Statement {
    capped_count_statement(filter, dialect, COUNT_CAP + 1)
}

/// How many users match, up to `cap` (ignoring the cursor).
pub(crate) fn capped_count_statement(filter: &UserFilter, dialect: Dialect, cap: i64) -> Statement {
    let mut c = Conditions::filters(filter);
    let from = match (
        dialect,
        filter.search.as_ref().and_then(|s| s.phrase.as_ref()),
    ) {
        (Dialect::Sqlite, Some(phrase)) => {
            let phrase = c.bind(Bind::Text(phrase.clone()));
            c.parts.push(format!("user_search match {phrase}"));
            // cross join: SQLite keeps this order, from the index to the rows.
            "user_search
        cross join user_search_rows r on r.search_rowid = user_search.rowid
        cross join users on users.id = r.user_id"
        }
        _ => "users",
    };
    let cap = c.bind(Bind::Int(cap));
    Statement {
        sql: format!(
            "select count(*)
    from (
        select 1
        from {from}
        where {}
        limit {cap}
    ) as matching",
            c.and()
        ),
        binds: c.binds,
    }
}

/// How many candidates SQLite's search index holds for a phrase, up to `$2`.
pub(super) const SEARCH_CANDIDATES: &str = "
    select count(*)
    from (
        select 1
        from user_search
        where user_search match $1
        limit $2
    ) as candidates";

pub(super) const END_SESSIONS: &str = "
    update users
    set
        updated_at = $2,
        session_generation = session_generation + 1,
        sessions_valid_after = $2
    where id = $1";
