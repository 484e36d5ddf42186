//! API tokens: opaque random secrets with a recognizable prefix, shown once, stored
//! only as a SHA-256 hash, expiring by default.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit;
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::fields::FieldError;
use crate::gatehouse::Gatehouse;
use crate::instance::Settings;
use crate::secrets::OneTimeSecret;
use crate::store::{transaction, ApiTokenRow, Mode, Store};

/// Every API token starts with this, so people and secret scanners recognise one.
pub const PREFIX: &str = "gth_";
/// Longest lifetime a token may be given, in days (10 years).
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

/// An API token as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenView {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart (e.g. `gth_Ab3x…`).
    pub prefix: String,
    pub user_id: Uuid,
    pub account_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub state: TokenState,
}

impl ApiTokenView {
    fn new(row: ApiTokenRow, now: DateTime<Utc>) -> Self {
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
            account_id: row.account_id,
            created_at: row.created_at,
            created_by: row.created_by,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
            state,
        }
    }
}

/// A new token and its secret, which is shown this once.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedApiToken {
    pub token: ApiTokenView,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub secret: OneTimeSecret,
}

/// "Create API token". Without `expires_in_days` the instance's default lifetime
/// applies; a token that never expires must be asked for with `never_expires`.
#[derive(Debug, Clone, Deserialize)]
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

/// Checks the name and lifetime; the expiry, or `None` for never.
pub(crate) fn parse_new(
    request: &NewApiToken,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<(String, Option<DateTime<Utc>>)> {
    let mut errors = Vec::new();
    let name = request.name.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            "required",
            "Give the token a name.",
        ));
    } else if name.chars().count() > NAME_MAX_LENGTH {
        errors.push(FieldError::new(
            "name",
            "too_long",
            format!("Use at most {NAME_MAX_LENGTH} characters."),
        ));
    } else if crate::fields::has_control_characters(name) {
        errors.push(FieldError::new(
            "name",
            "invalid_characters",
            "A token name cannot contain control characters.",
        ));
    }
    let expires_at = match (request.never_expires, request.expires_in_days) {
        (true, Some(_)) => {
            errors.push(FieldError::new(
                "expires_in_days",
                "conflicting",
                "Choose an expiry or \"never\", not both.",
            ));
            None
        }
        (true, None) => None,
        (false, Some(days)) if days == 0 || days > MAX_DAYS => {
            errors.push(FieldError::new(
                "expires_in_days",
                "out_of_range",
                format!("Choose 1 to {MAX_DAYS} days."),
            ));
            None
        }
        (false, days) => {
            Some(now + chrono::Duration::days(i64::from(days.unwrap_or(settings.api_token_days))))
        }
    };
    if errors.is_empty() {
        Ok((name.to_owned(), expires_at))
    } else {
        Err(Error::Validation(errors))
    }
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
        token: ApiTokenView::new(row, now),
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
    /// Creates an API token for the caller (or, for admins, another user).
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn create_api_token(
        &self,
        credential: &Credential,
        request: NewApiToken,
    ) -> Result<IssuedApiToken> {
        let now = self.now();
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
                    if !caller.role_admin {
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
            let detail = serde_json::json!({ "name": issued.token.name, "owner": owner.id, "expires_at": issued.token.expires_at });
            audit::record(
                tx,
                now,
                Some(caller.id),
                "api_token.created",
                ("api_token", Some(issued.token.id.to_string())),
                detail,
            )
            .await?;
            Ok(issued)
        })
    }

    /// The API tokens of the caller (or, for admins, of `user_id`), newest first.
    pub async fn api_tokens(
        &self,
        credential: &Credential,
        user_id: Option<Uuid>,
    ) -> Result<Vec<ApiTokenView>> {
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize(tx, credential).await?;
            let owner = user_id.unwrap_or(caller.id);
            if owner != caller.id && !caller.role_admin {
                return Err(Error::Forbidden);
            }
            let rows = tx.api_tokens_of(owner).await?;
            Ok(rows
                .into_iter()
                .map(|row| ApiTokenView::new(row, now))
                .collect::<Vec<_>>())
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
            if token.user_id != caller.id && !caller.role_admin {
                // Not telling a non-admin whether someone else's token exists.
                return Err(Error::NotFound("API token"));
            }
            tx.revoke_api_token(id, now).await?;
            audit::record(
                tx,
                now,
                Some(caller.id),
                "api_token.revoked",
                ("api_token", Some(id.to_string())),
                serde_json::json!({ "name": token.name }),
            )
            .await?;
            view(tx, id, now).await
        })
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

    #[test]
    fn tokens_expire_by_default() {
        let now = Utc::now();
        let request = NewApiToken {
            name: "ci".into(),
            expires_in_days: None,
            never_expires: false,
            user_id: None,
        };
        let (_, expires) = parse_new(&request, &Settings::default(), now).unwrap();
        assert_eq!(expires, Some(now + chrono::Duration::days(90)));
    }

    #[test]
    fn never_must_be_asked_for_and_not_combined_with_days() {
        let now = Utc::now();
        let never = NewApiToken {
            name: "ci".into(),
            expires_in_days: None,
            never_expires: true,
            user_id: None,
        };
        assert_eq!(
            parse_new(&never, &Settings::default(), now).unwrap().1,
            None
        );
        let both = NewApiToken {
            expires_in_days: Some(3),
            ..never
        };
        assert_eq!(
            parse_new(&both, &Settings::default(), now)
                .unwrap_err()
                .field_errors()[0]
                .code,
            "conflicting"
        );
    }

    #[test]
    fn a_blank_name_and_zero_days_are_both_reported() {
        let request = NewApiToken {
            name: " ".into(),
            expires_in_days: Some(0),
            never_expires: false,
            user_id: None,
        };
        let error = parse_new(&request, &Settings::default(), Utc::now()).unwrap_err();
        let fields: Vec<_> = error
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(fields, ["name", "expires_in_days"]);
    }
}
