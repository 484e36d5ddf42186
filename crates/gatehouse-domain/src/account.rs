//! Accounts (tenants). "Create account" (seed 001) makes the account, its primary
//! user and a default API token in one transaction, optionally idempotently.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::types::Json;
use uuid::Uuid;

use crate::api_token::{self, ApiTokenView, NewApiToken};
use crate::audit::{self, AuditAction};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::fields::{parse_json_object, parsed, FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::password;
use crate::secrets::OneTimeSecret;
use crate::store::{
    transaction, AccountRow, AccountStore, ApiTokenStore, IdempotencyRow, IdempotencyStore, Mode,
    Store, TokenFilter, UserStore,
};
use crate::user::{self, Role, UserFields, UserStatus, UserView};

/// Whether an account's users may sign in and use their tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    /// Its users are refused as inactive users are, until it is reactivated.
    Suspended,
}

impl AccountStatus {
    pub const ALL: &'static [AccountStatus] = &[AccountStatus::Active, AccountStatus::Suspended];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Suspended => "suspended",
        }
    }
}

/// A status as stored; one this version does not know is an error, never a guess.
impl TryFrom<String> for AccountStatus {
    type Error = String;

    fn try_from(stored: String) -> std::result::Result<Self, Self::Error> {
        AccountStatus::ALL
            .iter()
            .copied()
            .find(|status| status.as_str() == stored)
            .ok_or_else(|| format!("unknown account status {stored:?}"))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountView {
    pub id: Uuid,
    pub name: String,
    pub plan: String,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub status: AccountStatus,
}

impl From<AccountRow> for AccountView {
    fn from(row: AccountRow) -> Self {
        AccountView {
            id: row.id,
            name: row.name,
            plan: row.plan,
            metadata: row.metadata.0,
            created_at: row.created_at,
            created_by: row.created_by,
            status: row.status,
        }
    }
}

/// An account with what an admin asks next: its members, their tokens, and how many
/// of each a deletion would remove.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountDetail {
    pub account: AccountView,
    /// The first [`ACCOUNT_DETAIL_MEMBERS`] members, by username.
    pub members: Vec<UserView>,
    /// Every member, also those not listed.
    pub member_count: u32,
    /// The members' API tokens that still work, newest first (the first
    /// [`ACCOUNT_DETAIL_MEMBERS`]).
    pub api_tokens: Vec<ApiTokenView>,
    pub live_api_token_count: u32,
}

/// How many members and tokens an account's detail lists at most.
pub const ACCOUNT_DETAIL_MEMBERS: u32 = 200;

/// "Edit account": each field left as it is when absent.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub plan: Option<String>,
}

/// "Suspend" or "reactivate" an account.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountStatusChange {
    pub status: AccountStatus,
}

/// What deleting an account removed. The audit trail keeps its events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountDeleted {
    pub id: Uuid,
    pub name: String,
    pub deleted_users: u32,
    pub deleted_api_tokens: u32,
}

/// A plan some accounts have, and how many: what an account's plan is chosen from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanInUse {
    pub plan: String,
    pub accounts: u32,
}

/// "Create account": the account, its primary user, and the user's default API token.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub name: String,
    /// Defaults to the calling admin's account plan.
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<serde_json::Value>,
    /// The primary user's username. As in seed 001 it may be an email address, which
    /// then also serves as the email (and a username is made from its local part).
    pub username: String,
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
    /// Name of the default API token; "Default" when absent.
    #[serde(default)]
    pub token_name: Option<String>,
}

/// What "create account" made. The token secret is present only the first time:
/// a retried request with the same idempotency key gets the same account, user and
/// token back, with `replayed` set and no secret (it is never shown twice).
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountCreated {
    pub account: AccountView,
    pub user: UserView,
    pub initial_token: ApiTokenView,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub initial_token_secret: Option<OneTimeSecret>,
    pub replayed: bool,
}

/// A page of the account list.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AccountQuery {
    /// Page size, 1–200; default 50.
    #[serde(default)]
    pub limit: Option<u32>,
    /// How many to skip.
    #[serde(default)]
    pub offset: Option<u32>,
}

/// The longest account (or organization) name, after trimming.
pub const NAME_MAX_LENGTH: usize = 200;
/// The longest plan, and the characters it is made of.
pub const PLAN_MAX_LENGTH: usize = 50;
pub const PLAN_PATTERN: &str = "^[a-zA-Z0-9_.-]+$";

pub(crate) fn parse_account_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err(FieldError::new("name", "required", "Enter a name.")),
        n if n > NAME_MAX_LENGTH => Err(FieldError::new(
            "name",
            "too_long",
            format!("Use at most {NAME_MAX_LENGTH} characters."),
        )),
        _ if crate::fields::has_control_characters(name) => Err(FieldError::new(
            "name",
            "invalid_characters",
            "Names cannot contain control or invisible formatting characters.",
        )),
        _ => Ok(name.to_owned()),
    }
}

pub(crate) fn parse_plan(plan: &str) -> Result<String, FieldError> {
    let plan = plan.trim();
    if plan.is_empty()
        || plan.len() > PLAN_MAX_LENGTH
        || !plan
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(FieldError::new(
            "plan",
            "invalid",
            format!("Use 1–{PLAN_MAX_LENGTH} letters, digits, '.', '_' or '-'."),
        ));
    }
    Ok(plan.to_owned())
}

/// What identifies a request for idempotency: its non-secret fields. (A hash over
/// the password would be a fast, crackable password hash in the database.)
fn fingerprint(request: &NewAccount) -> String {
    let canonical = serde_json::json!([
        request.name,
        request.plan,
        request.metadata,
        request.username,
        request.email,
        request.first_name,
        request.last_name,
        request.token_name,
    ]);
    hex(&Sha256::digest(canonical.to_string().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Gatehouse {
    /// Creates an account, its primary user and a default API token, atomically
    /// (admins only). With an idempotency key, a retry returns the first result.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn create_account(
        &self,
        credential: &Credential,
        request: NewAccount,
        idempotency_key: Option<String>,
    ) -> Result<AccountCreated> {
        let idempotency_key = idempotency_key.as_deref();
        let (_, settings) = self.precheck_admin(credential).await?;
        let now = self.now();
        let mut errors = FieldErrors::default();
        if let Some(key) = idempotency_key {
            if key.is_empty() || key.len() > 255 {
                errors.push(FieldError::new(
                    "idempotency_key",
                    "invalid",
                    "Use 1–255 characters.",
                ));
            } else if crate::fields::has_control_characters(key) {
                errors.push(FieldError::new(
                    "idempotency_key",
                    "invalid_characters",
                    "An idempotency key cannot contain control characters.",
                ));
            }
        }
        let fingerprint = fingerprint(&request);
        let name = errors.check("name", parse_account_name(&request.name));
        let plan = match request.plan.as_deref() {
            Some(plan) => errors.check("plan", parse_plan(plan)).map(Some),
            None => Some(None),
        };
        let metadata = errors.check_all(parse_json_object("metadata", request.metadata));
        let token_request =
            NewApiToken::named(request.token_name.unwrap_or_else(|| "Default".to_owned()));
        let token = errors.check_all(
            api_token::parse_new(&token_request, &settings, now).map_err(|e| {
                e.field_errors()
                    .iter()
                    .cloned()
                    .map(|f| f.for_field("token_name"))
                    .collect()
            }),
        );
        // The primary user is reached by email (seed 001), so it needs one.
        let (username, email) = match request.email.as_deref() {
            Some(email) => (Some(request.username.as_str()), Some(email)),
            None if request.username.contains('@') => (None, Some(request.username.as_str())),
            None => {
                errors.push(FieldError::new(
                    "email",
                    "required",
                    "Enter an email address.",
                ));
                (Some(request.username.as_str()), None)
            }
        };
        let primary = UserFields {
            username,
            email,
            password: request.password,
            first_name: request.first_name.as_deref(),
            last_name: request.last_name.as_deref(),
            first_name_bounds: None,
            business_role: None,
            roles: Some(vec![Role::Viewer]),
            status: Some(UserStatus::Active),
            preferences: None,
        }
        .parse(&settings, &mut errors)
        .await;
        errors.finish()?;
        let (primary, password) = parsed(primary);
        let hash = password::hash(password).await?;
        let (account_id, user_id, token_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let (name, plan, metadata, token) =
            (parsed(name), parsed(plan), parsed(metadata), parsed(token));

        user::retry_derived_clash(primary.username_derived, || async {
        let mut primary = primary.clone();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize_admin(tx, credential).await?;
            if let Some(key) = idempotency_key {
                let claim = IdempotencyRow {
                    actor_id: caller.id,
                    key: key.to_owned(),
                    fingerprint: fingerprint.clone(),
                    account_id,
                    user_id,
                    token_id,
                    created_at: now,
                };
                if !tx.claim_idempotency_key(&claim).await? {
                    return replay(tx, caller.id, key, &fingerprint, now).await;
                }
            }
            let caller_account = tx
                .account(caller.account_id)
                .await?
                .ok_or(Error::NotFound("account"))?;
            let account = AccountRow {
                id: account_id,
                name: name.clone(),
                plan: plan.clone().unwrap_or(caller_account.plan),
                metadata: Json(metadata.clone()),
                created_at: now,
                created_by: Some(caller.id),
                status: AccountStatus::Active,
            };
            tx.insert_account(&account).await?;
            self.fail_point("create_account.account")?;
            primary.settle_username(tx).await?;
            let user = primary.into_row(user_id, account_id, hash.clone(), now, Some(caller.id), false);
            user::insert(tx, &user).await?;
            self.fail_point("create_account.user")?;
            let issued = api_token::issue(
                tx,
                token_id,
                (user_id, account_id),
                token.clone(),
                Some(caller.id),
                now,
            )
            .await?;
            self.fail_point("create_account.token")?;
            let detail = serde_json::json!({ "name": account.name, "plan": account.plan, "primary_user": user.username });
            audit::record(
                tx,
                now,
                Some(caller.id),
                AuditAction::AccountCreated,
                ("account", Some(account_id.to_string())),
                detail,
            )
            .await?;
            self.fail_point("create_account.audit")?;
            Ok(AccountCreated {
                account: AccountView::from(account),
                user: UserView::from(user),
                initial_token: issued.token,
                initial_token_secret: Some(issued.secret),
                replayed: false,
            })
        })
        })
        .await
    }

    /// Accounts, newest first (admins only).
    pub async fn list_accounts(
        &self,
        credential: &Credential,
        query: AccountQuery,
    ) -> Result<crate::Page<AccountView>> {
        let limit = query.limit.unwrap_or(50).clamp(1, 200);
        let offset = query.offset.unwrap_or(0);
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            let rows = tx.accounts(i64::from(limit), i64::from(offset)).await?;
            let total = tx.count_accounts().await?;
            Ok::<_, Error>(crate::Page {
                items: rows.into_iter().map(AccountView::from).collect(),
                total: total as u64,
                total_exact: true,
                next_cursor: None,
            })
        })
    }

    /// One account (admins only).
    pub async fn get_account(&self, credential: &Credential, id: Uuid) -> Result<AccountView> {
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            Ok::<_, Error>(AccountView::from(
                tx.account(id).await?.ok_or(Error::NotFound("account"))?,
            ))
        })
    }
}

impl Gatehouse {
    /// An account with its members and their working tokens (admins only).
    pub async fn get_account_detail(
        &self,
        credential: &Credential,
        id: Uuid,
    ) -> Result<AccountDetail> {
        let now = self.now();
        let limit = i64::from(ACCOUNT_DETAIL_MEMBERS);
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            let account = tx.account(id).await?.ok_or(Error::NotFound("account"))?;
            let members = tx.users_of_account(id, limit).await?;
            let counts = tx.account_counts(id, now).await?;
            let tokens = tx
                .api_tokens_matching(&TokenFilter {
                    user_id: None,
                    account_id: Some(id),
                    state: Some("active"),
                    now,
                    limit,
                    offset: 0,
                })
                .await?;
            Ok::<_, Error>(AccountDetail {
                account: AccountView::from(account),
                members: members.into_iter().map(UserView::from).collect(),
                member_count: u32::try_from(counts.members).unwrap_or(u32::MAX),
                api_tokens: tokens
                    .into_iter()
                    .map(|row| ApiTokenView::new(row, now))
                    .collect(),
                live_api_token_count: u32::try_from(counts.live_api_tokens).unwrap_or(u32::MAX),
            })
        })
    }

    /// Renames an account or changes its plan (admins only).
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn update_account(
        &self,
        credential: &Credential,
        id: Uuid,
        update: AccountUpdate,
    ) -> Result<AccountView> {
        let mut errors = FieldErrors::default();
        let name = match update.name.as_deref() {
            Some(name) => errors.check("name", parse_account_name(name)).map(Some),
            None => Some(None),
        };
        let plan = match update.plan.as_deref() {
            Some(plan) => errors.check("plan", parse_plan(plan)).map(Some),
            None => Some(None),
        };
        errors.finish()?;
        let (name, plan) = (parsed(name), parsed(plan));
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize_admin(tx, credential).await?;
            let account = tx.account(id).await?.ok_or(Error::NotFound("account"))?;
            let name = name.clone().unwrap_or_else(|| account.name.clone());
            let plan = plan.clone().unwrap_or_else(|| account.plan.clone());
            tx.rename_account(id, &name, &plan).await?;
            let detail = serde_json::json!({
                "from": { "name": account.name, "plan": account.plan },
                "to": { "name": name, "plan": plan },
            });
            audit::record(
                tx,
                now,
                Some(caller.id),
                AuditAction::AccountUpdated,
                ("account", Some(id.to_string())),
                detail,
            )
            .await?;
            Ok(AccountView::from(
                tx.account(id).await?.ok_or(Error::NotFound("account"))?,
            ))
        })
    }

    /// Suspends or reactivates an account (admins only): a suspended account's users
    /// cannot sign in or use their tokens. Not the caller's own account.
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn set_account_status(
        &self,
        credential: &Credential,
        id: Uuid,
        change: AccountStatusChange,
    ) -> Result<AccountView> {
        let status = change.status;
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            tx.lock_admin_changes().await?;
            let caller = self.authorize_admin(tx, credential).await?;
            let account = tx.account(id).await?.ok_or(Error::NotFound("account"))?;
            if account.id == caller.account_id && status != AccountStatus::Active {
                return Err(Error::validation(
                    "status",
                    "own_account",
                    "You cannot suspend the account you belong to.",
                ));
            }
            tx.set_account_status(id, status).await?;
            audit::record(
                tx,
                now,
                Some(caller.id),
                AuditAction::AccountStatusChanged,
                ("account", Some(id.to_string())),
                serde_json::json!({ "from": account.status.as_str(), "to": status.as_str() }),
            )
            .await?;
            Ok(AccountView::from(
                tx.account(id).await?.ok_or(Error::NotFound("account"))?,
            ))
        })
    }

    /// Deletes an account with its users and their API tokens (admins only); the
    /// detail's counts say beforehand how many. Not the caller's own account (which
    /// also keeps the last active admin: the caller is one).
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn delete_account(
        &self,
        credential: &Credential,
        id: Uuid,
    ) -> Result<AccountDeleted> {
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            tx.lock_admin_changes().await?;
            let caller = self.authorize_admin(tx, credential).await?;
            let account = tx.account(id).await?.ok_or(Error::NotFound("account"))?;
            if account.id == caller.account_id {
                return Err(Error::validation(
                    "id",
                    "own_account",
                    "You cannot delete the account you belong to.",
                ));
            }
            let (users, tokens) = tx.delete_account(id).await?;
            let deleted = AccountDeleted {
                id,
                name: account.name,
                deleted_users: u32::try_from(users).unwrap_or(u32::MAX),
                deleted_api_tokens: u32::try_from(tokens).unwrap_or(u32::MAX),
            };
            audit::record(
                tx,
                now,
                Some(caller.id),
                AuditAction::AccountDeleted,
                ("account", Some(id.to_string())),
                serde_json::json!({
                    "name": deleted.name,
                    "deleted_users": deleted.deleted_users,
                    "deleted_api_tokens": deleted.deleted_api_tokens,
                }),
            )
            .await?;
            Ok(deleted)
        })
    }

    /// The plans accounts have, with how many accounts have each (admins only).
    pub async fn list_plans(&self, credential: &Credential) -> Result<crate::List<PlanInUse>> {
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            let plans = tx.plans_in_use().await?;
            Ok::<_, Error>(crate::List {
                items: plans
                    .into_iter()
                    .map(|(plan, accounts)| PlanInUse {
                        plan,
                        accounts: u32::try_from(accounts).unwrap_or(u32::MAX),
                    })
                    .collect(),
            })
        })
    }
}

/// The first result for an idempotency key, without the token secret.
async fn replay(
    store: &mut impl Store,
    actor: Uuid,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<AccountCreated> {
    let first = store
        .idempotency_key(actor, key)
        .await?
        .ok_or(Error::NotFound("idempotency key"))?;
    if first.fingerprint != fingerprint {
        return Err(Error::IdempotencyKeyReused);
    }
    let account = store
        .account(first.account_id)
        .await?
        .ok_or(Error::NotFound("account"))?;
    let user = store
        .user(first.user_id)
        .await?
        .ok_or(Error::NotFound("user"))?;
    let token = api_token::view(store, first.token_id, now).await?;
    Ok(AccountCreated {
        account: AccountView::from(account),
        user: UserView::from(user),
        initial_token: token,
        initial_token_secret: None,
        replayed: true,
    })
}
