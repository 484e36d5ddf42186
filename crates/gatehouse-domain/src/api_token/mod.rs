//! API tokens: opaque random secrets with a recognizable prefix, shown once, stored
//! only as a SHA-256 hash, expiring by default and living no longer than the
//! instance's limit. A token that never expires is made only when the instance has no
//! limit, and only after the caller re-enters their own password. An admin's reset of
//! a user's password revokes the user's tokens (see `user.rs`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::fields::{FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::password;
use crate::secrets::OneTimeSecret;
use crate::sign_in_throttle::{self as throttle, SourceKey};
use crate::store::{
    transaction, ApiTokenRow, ApiTokenStore, InstanceStore, ListedApiTokenRow, Mode, Store,
    TokenFilter, UserStore,
};
use crate::user::Role;

mod lifetime;

use lifetime::has_password;
pub(crate) use lifetime::parse_new;

/// Every API token starts with this, so people and secret scanners recognise one.
pub const PREFIX: &str = "gth_";
/// Longest lifetime a token may be given, in days (10 years); the instance's
/// `api_token_max_days` may only lower it.
pub const MAX_DAYS: u32 = 3650;
/// The longest token name, after trimming.
pub const NAME_MAX_LENGTH: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

impl TokenState {
    pub const ALL: &'static [TokenState] =
        &[TokenState::Active, TokenState::Expired, TokenState::Revoked];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenState::Active => "active",
            TokenState::Expired => "expired",
            TokenState::Revoked => "revoked",
        }
    }
}

/// An API token as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenView {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart (e.g. `gth_Ab3x…`).
    pub prefix: String,
    /// The owner: whose token it is.
    pub user_id: Uuid,
    pub owner_username: String,
    pub account_id: Uuid,
    pub created_at: DateTime<Utc>,
    /// Who created it: the owner, or an admin who created it for them.
    pub created_by: Option<Uuid>,
    pub created_by_username: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub state: TokenState,
}

impl ApiTokenView {
    pub(crate) fn new(listed: ListedApiTokenRow, now: DateTime<Utc>) -> Self {
        let row = listed.token;
        let state = if row.revoked_at.is_some() {
            TokenState::Revoked
        } else if row.expires_at.is_some_and(|at| at <= now) {
            TokenState::Expired
        } else {
            TokenState::Active
        };
        ApiTokenView {
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            user_id: row.user_id,
            owner_username: listed.owner_username,
            account_id: row.account_id,
            created_at: row.created_at,
            created_by: row.created_by,
            created_by_username: listed.created_by_username,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
            state,
        }
    }
}

/// A new token and its secret, which is shown this once.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedApiToken {
    pub token: ApiTokenView,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub secret: OneTimeSecret,
}

/// "Create API token". Without `expires_in_days` the instance's default lifetime
/// applies; a token that never expires must be asked for with `never_expires`, is
/// possible only when the instance sets no lifetime limit, and needs the caller's
/// `current_password`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    pub name: String,
    #[serde(default)]
    pub expires_in_days: Option<u32>,
    #[serde(default)]
    pub never_expires: bool,
    /// Admins may create a token for another user; defaults to the caller.
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// The caller's own password (not the owner's): required with `never_expires`,
    /// ignored otherwise.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(serialize_with = "crate::secrets::expose_optional_secret")]
    pub current_password: Option<SecretString>,
}

/// Whose tokens to list.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct TokenQuery {
    /// Whose tokens (admins only); the caller's when absent.
    #[serde(default)]
    pub user_id: Option<Uuid>,
}

/// Admins' list of every token: filters and a page. Revoked and expired tokens are
/// left out unless asked for (`state`, or `any_state`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AllTokensQuery {
    /// Only this user's tokens.
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// Only the tokens of this account's users.
    #[serde(default)]
    pub account_id: Option<Uuid>,
    /// Only tokens in this state; `active` when absent.
    #[serde(default)]
    pub state: Option<TokenState>,
    /// Every state (`state` is then ignored).
    #[serde(default)]
    pub any_state: Option<bool>,
    /// Page size, 1–200; default 50.
    #[serde(default)]
    pub limit: Option<u32>,
    /// How many to skip.
    #[serde(default)]
    pub offset: Option<u32>,
}

impl NewApiToken {
    /// A token of the instance's default lifetime for the caller: what account
    /// creation makes.
    pub(crate) fn named(name: String) -> Self {
        NewApiToken {
            name,
            expires_in_days: None,
            never_expires: false,
            user_id: None,
            current_password: None,
        }
    }
}

fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// A new secret: the prefix and 256 random bits.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Inserts a token for `user` and returns it with its secret.
pub(crate) async fn issue(
    store: &mut impl Store,
    id: Uuid,
    (user_id, account_id): (Uuid, Uuid),
    (name, expires_at): (String, Option<DateTime<Utc>>),
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<IssuedApiToken> {
    let secret = new_secret();
    let row = ApiTokenRow {
        id,
        user_id,
        account_id,
        name,
        prefix: secret.chars().take(PREFIX.len() + 6).collect(),
        secret_hash: hash(&secret),
        created_at: now,
        created_by,
        expires_at,
        last_used_at: None,
        revoked_at: None,
    };
    store.insert_api_token(&row).await?;
    Ok(IssuedApiToken {
        // Read back for the owner's and creator's usernames.
        token: view(store, row.id, now).await?,
        secret: OneTimeSecret::new(secret),
    })
}

/// The user an API token belongs to. Revoked or unknown: `unauthenticated`;
/// expired: `token_expired`.
pub(crate) async fn authenticate(
    store: &mut impl Store,
    secret: &str,
    now: DateTime<Utc>,
    touch: bool,
) -> Result<Uuid> {
    let row = store
        .api_token_by_hash(&hash(secret))
        .await?
        .ok_or(Error::Unauthenticated)?;
    if row.revoked_at.is_some() {
        return Err(Error::Unauthenticated);
    }
    if row.expires_at.is_some_and(|at| at <= now) {
        return Err(Error::TokenExpired);
    }
    if touch {
        store.touch_api_token(row.id, now).await?;
    }
    Ok(row.user_id)
}

pub(crate) async fn view(
    store: &mut impl Store,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<ApiTokenView> {
    Ok(ApiTokenView::new(
        store
            .api_token(id)
            .await?
            .ok_or(Error::NotFound("API token"))?,
        now,
    ))
}

impl Gatehouse {
    /// Creates an API token for the caller (or, for admins, another user). One made
    /// for another user is audited as `api_token.created_for_other`, and the owner's
    /// list shows who made it.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn create_api_token(
        &self,
        credential: &Credential,
        request: NewApiToken,
    ) -> Result<IssuedApiToken> {
        let now = self.now();
        if request.never_expires {
            self.confirm_own_password(credential, &request, now).await?;
        }
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize(tx, credential).await?;
            let settings = tx
                .instance()
                .await?
                .ok_or(Error::NotInitialized)?
                .settings
                .0;
            let parsed = parse_new(&request, &settings, now)?;
            let owner = match request.user_id {
                Some(id) if id != caller.id => {
                    if !caller.roles.contains(Role::Admin) {
                        return Err(Error::Forbidden);
                    }
                    tx.user(id).await?.ok_or_else(|| {
                        Error::validation("user_id", "not_found", "There is no such user.")
                    })?
                }
                _ => caller.clone(),
            };
            let issued = issue(
                tx,
                Uuid::now_v7(),
                (owner.id, owner.account_id),
                parsed,
                Some(caller.id),
                now,
            )
            .await?;
            let action = if owner.id == caller.id {
                AuditAction::ApiTokenCreated
            } else {
                AuditAction::ApiTokenCreatedForOther
            };
            let detail = serde_json::json!({
                "name": issued.token.name,
                "owner": owner.id,
                "owner_username": owner.username,
                "expires_at": issued.token.expires_at,
            });
            audit::record(
                tx,
                now,
                Some(caller.id),
                action,
                ("api_token", Some(issued.token.id.to_string())),
                detail,
            )
            .await?;
            Ok(issued)
        })
    }

    /// The API tokens of the caller (or, for admins, of `user_id`), newest first.
    pub async fn list_api_tokens(
        &self,
        credential: &Credential,
        query: TokenQuery,
    ) -> Result<crate::List<ApiTokenView>> {
        let user_id = query.user_id;
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize(tx, credential).await?;
            let owner = user_id.unwrap_or(caller.id);
            if owner != caller.id && !caller.roles.contains(Role::Admin) {
                return Err(Error::Forbidden);
            }
            let rows = tx.api_tokens_of(owner).await?;
            Ok(crate::List {
                items: rows
                    .into_iter()
                    .map(|row| ApiTokenView::new(row, now))
                    .collect(),
            })
        })
    }

    /// Every user's API tokens, newest first, filtered by owner, account and state
    /// (admins only); only working ones unless asked for.
    pub async fn list_all_api_tokens(
        &self,
        credential: &Credential,
        query: AllTokensQuery,
    ) -> Result<crate::Page<ApiTokenView>> {
        let now = self.now();
        let state = match (query.any_state, query.state) {
            (Some(true), _) => None,
            (_, state) => Some(state.unwrap_or(TokenState::Active).as_str()),
        };
        let filter = TokenFilter {
            user_id: query.user_id,
            account_id: query.account_id,
            state,
            now,
            limit: i64::from(query.limit.unwrap_or(50).clamp(1, 200)),
            offset: i64::from(query.offset.unwrap_or(0)),
        };
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            let rows = tx.api_tokens_matching(&filter).await?;
            let total = tx.count_api_tokens_matching(&filter).await?;
            Ok::<_, Error>(crate::Page {
                items: rows
                    .into_iter()
                    .map(|row| ApiTokenView::new(row, now))
                    .collect(),
                total: total.max(0) as u64,
                total_exact: true,
                next_cursor: None,
            })
        })
    }

    /// Revokes a token of the caller's (admins: anyone's). Revoking twice is harmless.
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn revoke_api_token(
        &self,
        credential: &Credential,
        id: Uuid,
    ) -> Result<ApiTokenView> {
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize(tx, credential).await?;
            let token = tx
                .api_token(id)
                .await?
                .ok_or(Error::NotFound("API token"))?;
            if token.token.user_id != caller.id && !caller.roles.contains(Role::Admin) {
                // Not telling a non-admin whether someone else's token exists.
                return Err(Error::NotFound("API token"));
            }
            tx.revoke_api_token(id, now).await?;
            audit::record(
                tx,
                now,
                Some(caller.id),
                AuditAction::ApiTokenRevoked,
                ("api_token", Some(id.to_string())),
                serde_json::json!({ "name": token.token.name }),
            )
            .await?;
            view(tx, id, now).await
        })
    }

    /// A token that never expires outlives every session and password change, so a
    /// stolen session must not be enough to make one: the caller re-enters their own
    /// password first. Wrong ones count toward the sign-in lock as wrong current
    /// passwords in a password change do. The request's other field errors come
    /// with the password's.
    async fn confirm_own_password(
        &self,
        credential: &Credential,
        request: &NewApiToken,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let source = SourceKey::session(credential);
        let (caller, settings, refused) = transaction!(self.pool(), Mode::Read, |tx| async {
            let caller = self.authenticate(tx, credential, false).await?;
            if caller.must_change_password {
                return Err(Error::PasswordChangeRequired);
            }
            let instance = tx.instance().await?.ok_or(Error::NotInitialized)?;
            let refused = throttle::refusal(tx, &caller, &source, now).await?;
            Ok::<_, Error>((caller, instance.settings.0, refused))
        })?;
        let mut errors = FieldErrors::default();
        errors.check_all(parse_new(request, &settings, now).map_err(|e| e.field_errors().to_vec()));
        // Only a password that could make the token is checked (and counted).
        let password = request
            .current_password
            .clone()
            .filter(|_| has_password(request) && settings.api_token_max_days.is_none());
        let Some(password) = password else {
            return errors.finish();
        };
        // As at sign-in: a refused session's guess is not checked, at the same cost.
        let stored = refused.is_none().then(|| caller.password_hash.clone());
        let verified = password::verify(password, stored).await?;
        if refused.is_some() {
            errors.push(FieldError::new(
                "current_password",
                "locked",
                "Too many wrong passwords. Try again later.",
            ));
        } else if !verified {
            // Throttled per session and counted toward the username's ceiling, as
            // wrong current passwords in a password change are.
            transaction!(self.pool(), Mode::Write, |tx| async {
                let counted =
                    throttle::record_failure(tx, caller.id, &source, &settings, now).await?;
                audit::record(
                    tx,
                    now,
                    Some(caller.id),
                    AuditAction::ApiTokenPasswordConfirmationFailed,
                    ("user", Some(caller.id.to_string())),
                    serde_json::json!({ "counted": counted }),
                )
                .await
            })?;
            errors.push(FieldError::new(
                "current_password",
                "incorrect",
                "This is not your current password.",
            ));
        }
        errors.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_has_the_prefix_and_256_random_bits() {
        let secret = new_secret();
        assert!(secret.starts_with(PREFIX));
        assert_eq!(
            URL_SAFE_NO_PAD
                .decode(&secret[PREFIX.len()..])
                .unwrap()
                .len(),
            32
        );
        assert_ne!(secret, new_secret());
    }
}
