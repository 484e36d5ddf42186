//! API tokens: long-lived bearer tokens, stored by the hash of their secret.

use std::future::Future;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Sql;

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

/// Filters for the admins' list of every token (each ignored when `None`).
#[derive(Clone, Debug)]
pub(crate) struct TokenFilter {
    pub user_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    /// `active`, `expired` or `revoked` (see `TokenState`), at `now`.
    pub state: Option<&'static str>,
    pub now: DateTime<Utc>,
    pub limit: i64,
    pub offset: i64,
}

pub(crate) trait ApiTokenStore: Send {
    fn insert_api_token(&mut self, row: &ApiTokenRow) -> impl Future<Output = Sql<()>> + Send;
    fn api_token(
        &mut self,
        id: Uuid,
    ) -> impl Future<Output = Sql<Option<ListedApiTokenRow>>> + Send;
    fn api_token_by_hash(
        &mut self,
        hash: &[u8],
    ) -> impl Future<Output = Sql<Option<ApiTokenRow>>> + Send;
    /// The user's tokens, newest first.
    fn api_tokens_of(
        &mut self,
        user_id: Uuid,
    ) -> impl Future<Output = Sql<Vec<ListedApiTokenRow>>> + Send;
    /// Revokes the token unless it is revoked already (its first revocation stands).
    fn revoke_api_token(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
    /// Revokes every token of the user that still works (neither revoked nor expired
    /// at `now`); how many.
    fn revoke_live_api_tokens_of(
        &mut self,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<u64>> + Send;
    /// A page of the tokens that match, newest first.
    fn api_tokens_matching(
        &mut self,
        filter: &TokenFilter,
    ) -> impl Future<Output = Sql<Vec<ListedApiTokenRow>>> + Send;
    /// How many tokens match, on every page.
    fn count_api_tokens_matching(
        &mut self,
        filter: &TokenFilter,
    ) -> impl Future<Output = Sql<i64>> + Send;
    fn touch_api_token(
        &mut self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Sql<()>> + Send;
}

/// A token with the usernames of its owner and of whoever created it (for the list's
/// "created by"); `where` and `order by` refer to the token as `t`. A macro, so that
/// statements can `concat!` it.
macro_rules! listed_token_select {
    () => {
        "select
            t.id, t.user_id, t.account_id, t.name, t.prefix, t.secret_hash, t.created_at,
            t.created_by, t.expires_at, t.last_used_at, t.revoked_at,
            owner_user.username as owner_username, creator.username as created_by_username
        from api_tokens t
        join users owner_user on owner_user.id = t.user_id
        left join users creator on creator.id = t.created_by"
    };
}

pub(super) const INSERT_API_TOKEN: &str = "
    insert into api_tokens (
        id, user_id, account_id, name, prefix, secret_hash, created_at, created_by,
        expires_at
    )
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

pub(super) const API_TOKEN: &str = concat!(
    listed_token_select!(),
    "
    where t.id = $1"
);

pub(super) const API_TOKEN_BY_HASH: &str = "
    select
        id, user_id, account_id, name, prefix, secret_hash, created_at, created_by,
        expires_at, last_used_at, revoked_at
    from api_tokens
    where secret_hash = $1";

pub(super) const API_TOKENS_OF: &str = concat!(
    listed_token_select!(),
    "
    where t.user_id = $1
    order by t.created_at desc, t.id desc"
);

/// The condition of a [`TokenFilter`]: `$1` the owner, `$2` the account, `$3` the
/// state at `$4`, each ignored when null. A macro, so that statements can `concat!` it.
macro_rules! token_filter {
    () => {
        "($1 is null or t.user_id = $1)
        and ($2 is null or t.account_id = $2)
        and ($3 is null
            or ($3 = 'revoked' and t.revoked_at is not null)
            or ($3 = 'expired'
                and t.revoked_at is null
                and t.expires_at is not null
                and t.expires_at <= $4)
            or ($3 = 'active'
                and t.revoked_at is null
                and (t.expires_at is null or t.expires_at > $4)))"
    };
}

/// `$5` is the page size, `$6` how many to skip.
pub(super) const API_TOKENS_MATCHING: &str = concat!(
    listed_token_select!(),
    "
    where ",
    token_filter!(),
    "
    order by t.created_at desc, t.id desc
    limit $5 offset $6"
);

pub(super) const COUNT_API_TOKENS_MATCHING: &str = concat!(
    "select count(*)
    from api_tokens t
    where ",
    token_filter!()
);

pub(super) const REVOKE_API_TOKEN: &str = "
    update api_tokens
    set revoked_at = $2
    where id = $1 and revoked_at is null";

/// Times are RFC 3339 text on SQLite, which compares in time order.
pub(super) const REVOKE_LIVE_API_TOKENS_OF: &str = "
    update api_tokens
    set revoked_at = $2
    where user_id = $1
        and revoked_at is null
        and (expires_at is null or expires_at > $2)";

pub(super) const TOUCH_API_TOKEN: &str = "
    update api_tokens
    set last_used_at = $2
    where id = $1";
