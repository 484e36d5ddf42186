//! Creating users: "create user" and "create admin" (seeds 002, 003, 004), and the
//! insertion that the setup's first admin and "create account"'s user go through too.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::fields::{UserFields, ValidUser};
use super::{NewAdmin, NewUser, Role, UserStatus, UserView};
use crate::audit::{self, AuditAction};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::fields::{parsed, FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::login_key::UserKeys;
use crate::password::{self, Password, PasswordHashString};
use crate::store::{transaction, unique_violation, Mode, Store, UserRow};

/// Refuses a username or email already taken (both reported together).
async fn check_available(store: &mut impl Store, keys: &UserKeys) -> Result<()> {
    let (username, email) = store.taken(keys).await?;
    taken_conflict(username, email)
}

/// The conflict of a username or email (or both) that someone else has: `taken` on
/// each field that is, nothing when neither is.
pub(crate) fn taken_conflict(username: bool, email: bool) -> Result<()> {
    let mut errors = Vec::new();
    if username {
        errors.push(FieldError::new(
            "username",
            "taken",
            "This username is already in use.",
        ));
    }
    if email {
        errors.push(FieldError::new(
            "email",
            "taken",
            "This email address is already in use.",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Conflict(errors))
    }
}

/// Inserts a user; a unique-key violation (a concurrent creation won) becomes a
/// field-level conflict.
pub(crate) async fn insert(store: &mut impl Store, row: &UserRow) -> Result<()> {
    let keys = UserKeys::of(&row.username, row.email.as_deref());
    check_available(store, &keys).await?;
    store
        .insert_user(row, &keys)
        .await
        .map_err(|error| match unique_violation(&error) {
            Some(field @ ("username" | "email")) => Error::Conflict(vec![FieldError::new(
                field,
                "taken",
                format!("This {field} is already in use."),
            )]),
            _ => Error::from(error),
        })
}

/// Runs `attempt` again (a few times) when it failed only because a derived
/// username was taken meanwhile by a concurrent creation that named it explicitly:
/// a username the caller never sent must not fail the request.
pub(crate) async fn retry_derived_clash<T, F, Fut>(derived: bool, mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt().await {
            Err(Error::Conflict(fields))
                if derived && tries < 5 && fields.iter().all(|f| f.field == "username") =>
            {
                continue
            }
            outcome => return outcome,
        }
    }
}

impl Gatehouse {
    /// Creates a user (admins only).
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn create_user(&self, credential: &Credential, request: NewUser) -> Result<UserView> {
        let (_, settings) = self.precheck_admin(credential).await?;
        let mut errors = FieldErrors::default();
        let valid = UserFields {
            username: Some(&request.username),
            email: request.email.as_deref(),
            password: request.password,
            first_name: request.first_name.as_deref(),
            last_name: request.last_name.as_deref(),
            first_name_bounds: None,
            business_role: request.business_role.as_deref(),
            roles: request.roles,
            status: request.status,
            preferences: request.preferences,
        }
        .parse(&settings, &mut errors)
        .await;
        errors.finish()?;
        self.insert_user(credential, parsed(valid), request.account_id, false)
            .await
    }

    /// Creates an admin (admins only): role admin, email confirmed at creation.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn create_admin(
        &self,
        credential: &Credential,
        request: NewAdmin,
    ) -> Result<UserView> {
        let (_, settings) = self.precheck_admin(credential).await?;
        let mut errors = FieldErrors::default();
        let valid = UserFields {
            username: request.username.as_deref(),
            email: Some(&request.email),
            password: request.password,
            first_name: request.first_name.as_deref(),
            last_name: request.last_name.as_deref(),
            first_name_bounds: None,
            business_role: None,
            roles: Some(vec![Role::Admin]),
            status: Some(UserStatus::Active),
            preferences: None,
        }
        .parse(&settings, &mut errors)
        .await;
        errors.finish()?;
        self.insert_user(credential, parsed(valid), None, true)
            .await
    }

    async fn insert_user(
        &self,
        credential: &Credential,
        (valid, password): (ValidUser, Password),
        account_id: Option<Uuid>,
        email_confirmed: bool,
    ) -> Result<UserView> {
        let hash = password::hash(password).await?;
        let now = self.now();
        retry_derived_clash(valid.username_derived, || async {
            transaction!(self.pool(), Mode::Write, |tx| async {
                self.insert_user_once(
                    tx,
                    credential,
                    valid.clone(),
                    hash.clone(),
                    account_id,
                    email_confirmed,
                    now,
                )
                .await
            })
        })
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_user_once(
        &self,
        tx: &mut impl Store,
        credential: &Credential,
        mut valid: ValidUser,
        hash: PasswordHashString,
        account_id: Option<Uuid>,
        email_confirmed: bool,
        now: DateTime<Utc>,
    ) -> Result<UserView> {
        let caller = self.authorize_admin(tx, credential).await?;
        let account_id = account_id.unwrap_or(caller.account_id);
        if tx.account(account_id).await?.is_none() {
            return Err(Error::validation(
                "account_id",
                "not_found",
                "There is no such account.",
            ));
        }
        valid.settle_username(tx).await?;
        let row = valid.into_row(
            Uuid::now_v7(),
            account_id,
            hash,
            now,
            Some(caller.id),
            email_confirmed,
        );
        insert(tx, &row).await?;
        let detail = serde_json::json!({ "username": row.username, "roles": row.roles.to_vec() });
        audit::record(
            tx,
            now,
            Some(caller.id),
            AuditAction::UserCreated,
            ("user", Some(row.id.to_string())),
            detail,
        )
        .await?;
        Ok(UserView::from(row))
    }
}
