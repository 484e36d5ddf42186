//! Users and admins: creation (seeds 002, 003, 004), the list, status, roles, and
//! admin password resets.

use chrono::{DateTime, Utc};
use rand::seq::SliceRandom;
use rand::Rng;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit;
use crate::auth::Credential;
use crate::email::Email;
use crate::error::{Error, Result};
use crate::fields::{parse_json_object, parsed, FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::instance::Settings;
use crate::login_key::login_key;
use crate::password::{self, Password, PasswordHashString};
use crate::person_name::PersonName;
use crate::policy::{evaluate, PasswordContext};
use crate::secrets::OneTimeSecret;
use crate::store::{
    transaction, unique_violation, ApiTokenStore, Mode, Store, UserFilter, UserRow, UserStore,
};
use crate::username::Username;

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

    pub(crate) fn of(row: &UserRow) -> Vec<Role> {
        [
            (row.role_admin, Role::Admin),
            (row.role_editor, Role::Editor),
            (row.role_viewer, Role::Viewer),
        ]
        .into_iter()
        .filter_map(|(has, role)| has.then_some(role))
        .collect()
    }

    fn flags(roles: &[Role]) -> [bool; 3] {
        [
            roles.contains(&Role::Admin),
            roles.contains(&Role::Editor),
            roles.contains(&Role::Viewer),
        ]
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

    fn parse(stored: &str) -> UserStatus {
        match stored {
            "active" => UserStatus::Active,
            "pending" => UserStatus::Pending,
            "suspended" => UserStatus::Suspended,
            _ => UserStatus::Deactivated,
        }
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
}

impl From<UserRow> for UserView {
    fn from(row: UserRow) -> Self {
        let status = UserStatus::parse(&row.status);
        UserView {
            roles: Role::of(&row),
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
    /// How many items match in all.
    pub total: u64,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A whole (short) list.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct List<T> {
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub items: Vec<T>,
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

/// A user whose fields all passed, ready to insert.
#[derive(Clone)]
pub(crate) struct ValidUser {
    pub username: Username,
    /// Made from the email, not asked for: [`ValidUser::settle_username`] makes it free.
    pub username_derived: bool,
    pub email: Option<Email>,
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub business_role: Option<String>,
    pub roles: Vec<Role>,
    pub status: UserStatus,
    pub preferences: serde_json::Value,
}

/// The raw fields of any user-creating request, parsed together so every bad field
/// is reported at once. `first_name_bounds` is (3, 30) for the setup's first admin.
/// The email is required for admins (they sign in by it; seeds 000 and 003) and when
/// no username is given (it is made from the email).
pub(crate) struct UserFields<'a> {
    pub username: Option<&'a str>,
    pub email: Option<&'a str>,
    pub password: SecretString,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub first_name_bounds: Option<(usize, usize)>,
    pub business_role: Option<&'a str>,
    pub roles: Option<Vec<Role>>,
    pub status: Option<UserStatus>,
    pub preferences: Option<serde_json::Value>,
}

impl UserFields<'_> {
    /// The valid user and its (policy-checked) password, or `None` with `errors` filled.
    pub(crate) async fn parse(
        self,
        settings: &Settings,
        errors: &mut FieldErrors,
    ) -> Option<(ValidUser, Password)> {
        let email_text = self.email.map(str::trim).filter(|e| !e.is_empty());
        let admin = self
            .roles
            .as_ref()
            .is_some_and(|r| r.contains(&Role::Admin));
        let email = match email_text {
            Some(text) => errors.check("email", Email::parse(text)).map(Some),
            None if admin || self.username.is_none() => {
                errors.push(FieldError::new(
                    "email",
                    "required",
                    "Enter an email address.",
                ));
                None
            }
            None => Some(None),
        };
        if let Some(Some(email)) = &email {
            errors.check(
                "email",
                email.check_not_blocked(&settings.blocked_email_domains),
            );
        }
        let username_derived = self.username.is_none();
        let username = match (self.username, &email) {
            (Some(name), _) => errors.check("username", Username::parse(name)),
            (None, Some(Some(email))) => {
                errors.check("username", crate::derived_username::from_email(email))
            }
            (None, _) => None,
        };
        let first_name = match self.first_name_bounds {
            Some((min, max)) => errors.check(
                "first_name",
                PersonName::parse_bounded(self.first_name.unwrap_or(""), min, max).map(Some),
            ),
            None => errors.check("first_name", PersonName::parse_optional(self.first_name)),
        };
        let last_name = errors.check("last_name", PersonName::parse_optional(self.last_name));
        let business_role = match self.business_role.map(str::trim).filter(|s| !s.is_empty()) {
            Some(role) if role.chars().count() > BUSINESS_ROLE_MAX_LENGTH => {
                errors.push(FieldError::new(
                    "business_role",
                    "too_long",
                    format!("Use at most {BUSINESS_ROLE_MAX_LENGTH} characters."),
                ));
                None
            }
            Some(role) if crate::fields::has_control_characters(role) => {
                errors.push(FieldError::new(
                    "business_role",
                    "invalid_characters",
                    "A business role cannot contain control or invisible formatting characters.",
                ));
                None
            }
            role => Some(role.map(str::to_owned)),
        };
        let roles = match self.roles {
            None => Some(vec![Role::Viewer]),
            Some(roles) if roles.is_empty() => {
                errors.push(FieldError::new(
                    "roles",
                    "required",
                    "Give the user at least one role.",
                ));
                None
            }
            Some(mut roles) => {
                roles.sort_by_key(|r| *r as u8);
                roles.dedup();
                Some(roles)
            }
        };
        let preferences = errors.check_all(parse_json_object("preferences", self.preferences));
        let context = PasswordContext {
            username: username
                .as_ref()
                .map(|u| u.as_str())
                .or(self.username)
                .map(str::to_owned),
            email: email_text.map(str::to_owned),
            first_name: self.first_name.map(str::to_owned),
            last_name: self.last_name.map(str::to_owned),
        };
        let checked = Password::parse_off_thread(
            self.password,
            settings.password_policy.clone(),
            context,
            "password",
        )
        .await;
        let password = match checked {
            Ok(result) => errors.check_all(result),
            Err(_) => {
                errors.push(FieldError::new(
                    "password",
                    "internal",
                    "The password could not be checked.",
                ));
                None
            }
        };
        if !errors.is_empty() {
            return None;
        }
        let user = ValidUser {
            username: parsed(username),
            username_derived,
            email: parsed(email),
            first_name: parsed(first_name),
            last_name: parsed(last_name),
            business_role: parsed(business_role),
            roles: parsed(roles),
            status: self.status.unwrap_or(UserStatus::Active),
            preferences: parsed(preferences),
        };
        Some((user, parsed(password)))
    }
}

impl ValidUser {
    /// Inside the creating transaction: a derived username becomes the first free
    /// one (see `derived_username`). Derived choices are serialised on the instance
    /// row, so concurrent ones see each other; a clash with a concurrent explicit
    /// username is retried by [`retry_derived_clash`].
    pub(crate) async fn settle_username(&mut self, store: &mut impl Store) -> Result<()> {
        if self.username_derived {
            store.lock_admin_changes().await?;
            self.username = crate::derived_username::first_free(store, &self.username).await?;
        }
        Ok(())
    }

    pub(crate) fn into_row(
        self,
        id: Uuid,
        account_id: Uuid,
        hash: PasswordHashString,
        now: DateTime<Utc>,
        created_by: Option<Uuid>,
        email_confirmed: bool,
    ) -> UserRow {
        let [role_admin, role_editor, role_viewer] = Role::flags(&self.roles);
        UserRow {
            id,
            account_id,
            username: self.username.as_str().to_owned(),
            email: self.email.map(|e| e.as_str().to_owned()),
            first_name: self.first_name.map(|n| n.as_str().to_owned()),
            last_name: self.last_name.map(|n| n.as_str().to_owned()),
            business_role: self.business_role,
            status: self.status.as_str().to_owned(),
            email_confirmed_at: email_confirmed.then_some(now),
            preferences: Json(self.preferences),
            password_hash: hash.0,
            must_change_password: false,
            failed_sign_ins: 0,
            locked_until: None,
            role_admin,
            role_editor,
            role_viewer,
            created_at: now,
            created_by,
            updated_at: now,
            session_generation: 0,
        }
    }
}

/// Refuses a username or email already taken (both reported together).
pub(crate) async fn check_available(store: &mut impl Store, row: &UserRow) -> Result<()> {
    let (username, email) = store
        .taken(
            &login_key(&row.username),
            row.email.as_deref().map(login_key).as_deref(),
        )
        .await?;
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
    check_available(store, row).await?;
    store
        .insert_user(row)
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

fn like_pattern(search: &str) -> String {
    let escaped: String = search
        .trim()
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// A random password that passes `settings`' policy, for admin resets; `None` if a
/// hundred tries found none (the policy check refuses policies no password can pass,
/// so this bounds the work rather than being expected). CPU-bound: call it off the
/// async workers.
fn generate_temporary_password(settings: &Settings) -> Option<SecretString> {
    const SETS: [&str; 4] = [
        "ABCDEFGHJKLMNPQRSTUVWXYZ",
        "abcdefghijkmnopqrstuvwxyz",
        "23456789",
        "!#%+-.=?@_",
    ];
    let policy = &settings.password_policy;
    let length = usize::from(policy.min_length.max(20).min(policy.max_length));
    let mut rng = rand::rngs::OsRng;
    for _ in 0..100 {
        let mut chars: Vec<char> = SETS
            .iter()
            .map(|set| set.as_bytes()[rng.gen_range(0..set.len())] as char)
            .collect();
        let all: Vec<u8> = SETS.concat().into_bytes();
        while chars.len() < length {
            chars.push(all[rng.gen_range(0..all.len())] as char);
        }
        chars.shuffle(&mut rng);
        let candidate: String = chars.into_iter().take(length).collect();
        if evaluate(policy, &candidate, &PasswordContext::default()).passed {
            return Some(SecretString::from(candidate));
        }
    }
    None
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
        {
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
            let detail = serde_json::json!({ "username": row.username, "roles": Role::of(&row) });
            audit::record(
                tx,
                now,
                Some(caller.id),
                "user.created",
                ("user", Some(row.id.to_string())),
                detail,
            )
            .await?;
            Ok(UserView::from(row))
        }
    }

    /// One user (admins only).
    pub async fn get_user(&self, credential: &Credential, id: Uuid) -> Result<UserView> {
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            Ok::<_, Error>(UserView::from(
                tx.user(id).await?.ok_or(Error::NotFound("user"))?,
            ))
        })
    }

    /// Searches, filters and pages the users, ordered by username (admins only).
    pub async fn list_users(
        &self,
        credential: &Credential,
        query: UserQuery,
    ) -> Result<Page<UserView>> {
        let mut errors = FieldErrors::default();
        for (field, value) in [("search", &query.search), ("after", &query.after)] {
            if value.as_deref().is_some_and(|v| v.contains('\0')) {
                errors.push(FieldError::new(
                    field,
                    "invalid_characters",
                    "Search text cannot contain NUL characters.",
                ));
            }
        }
        errors.finish()?;
        let filter = UserFilter {
            pattern: query
                .search
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(like_pattern),
            role: query.role.map(Role::as_str),
            status: query.status.map(UserStatus::as_str),
            after: query.after.map(|a| a.to_ascii_lowercase()),
            limit: i64::from(query.limit.unwrap_or(25).clamp(1, 100)),
        };
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            // One more than asked tells whether there is a next page.
            let mut rows = tx
                .users(&UserFilter {
                    limit: filter.limit + 1,
                    ..filter.clone()
                })
                .await?;
            let more = rows.len() as i64 > filter.limit;
            rows.truncate(filter.limit as usize);
            let total = tx.count_users(&filter).await?;
            let next_cursor = more
                .then(|| rows.last().map(|r| r.username.to_ascii_lowercase()))
                .flatten();
            Ok::<_, Error>(Page {
                items: rows.into_iter().map(UserView::from).collect(),
                total: total as u64,
                next_cursor,
            })
        })
    }

    /// Changes a user's status (admins only). Admins cannot change their own status,
    /// and the last active admin cannot be suspended or deactivated.
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn set_user_status(
        &self,
        credential: &Credential,
        id: Uuid,
        change: StatusChange,
    ) -> Result<UserView> {
        let status = change.status;
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            tx.lock_admin_changes().await?;
            let caller = self.authorize_admin(tx, credential).await?;
            let user = tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            if user.id == caller.id {
                return Err(Error::validation(
                    "status",
                    "own_account",
                    "You cannot change your own status.",
                ));
            }
            if user.role_admin
                && user.status == "active"
                && status != UserStatus::Active
                && tx.count_active_admins().await? <= 1
            {
                return Err(Error::validation(
                    "status",
                    "last_admin",
                    "This is the last active admin.",
                ));
            }
            tx.update_status(id, status.as_str(), now).await?;
            let detail = serde_json::json!({ "from": user.status, "to": status.as_str() });
            audit::record(
                tx,
                now,
                Some(caller.id),
                "user.status_changed",
                ("user", Some(id.to_string())),
                detail,
            )
            .await?;
            Ok(UserView::from(
                tx.user(id).await?.ok_or(Error::NotFound("user"))?,
            ))
        })
    }

    /// Replaces a user's roles (admins only). Admins cannot drop their own admin
    /// role, and the last active admin keeps theirs.
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn set_user_roles(
        &self,
        credential: &Credential,
        id: Uuid,
        change: RolesChange,
    ) -> Result<UserView> {
        let roles = change.roles;
        if roles.is_empty() {
            return Err(Error::validation(
                "roles",
                "required",
                "Give the user at least one role.",
            ));
        }
        let flags = Role::flags(&roles);
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            tx.lock_admin_changes().await?;
            let caller = self.authorize_admin(tx, credential).await?;
            let user = tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            let drops_admin = user.role_admin && !flags[0];
            if flags[0] && user.email.is_none() {
                return Err(Error::validation(
                    "roles",
                    "email_required",
                    "Admins need an email address; this user has none.",
                ));
            }
            if drops_admin && user.id == caller.id {
                return Err(Error::validation(
                    "roles",
                    "own_account",
                    "You cannot remove your own admin role.",
                ));
            }
            if drops_admin && user.status == "active" && tx.count_active_admins().await? <= 1 {
                return Err(Error::validation(
                    "roles",
                    "last_admin",
                    "This is the last active admin.",
                ));
            }
            tx.update_roles(id, flags, now).await?;
            let detail = serde_json::json!({ "from": Role::of(&user), "to": roles });
            audit::record(
                tx,
                now,
                Some(caller.id),
                "user.roles_changed",
                ("user", Some(id.to_string())),
                detail,
            )
            .await?;
            Ok(UserView::from(
                tx.user(id).await?.ok_or(Error::NotFound("user"))?,
            ))
        })
    }

    /// Sets a temporary password the user must change at next sign-in (admins only).
    /// With `temporary: None` one is generated and returned, once. Ends the user's
    /// sessions and revokes their API tokens: a reset is how an admin cleans up after
    /// a stolen password or session.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn reset_user_password(
        &self,
        credential: &Credential,
        id: Uuid,
        request: PasswordResetRequest,
    ) -> Result<PasswordReset> {
        let temporary = request.temporary_password;
        let (caller, settings) = self.precheck_admin(credential).await?;
        if caller.id == id {
            // A temporary password for oneself would end one's own session and skip
            // the current-password check that changing one's own password asks for.
            return Err(Error::validation(
                "password",
                "own_account",
                "Change your own password under your profile; it asks for the current one.",
            ));
        }
        let user = transaction!(self.pool(), Mode::Read, |tx| async {
            tx.user(id).await?.ok_or(Error::NotFound("user"))
        })?;
        let generated = temporary.is_none();
        let candidate = match temporary {
            Some(chosen) => chosen,
            None => {
                let for_generator = settings.clone();
                tokio::task::spawn_blocking(move || generate_temporary_password(&for_generator))
                    .await?
                    .ok_or_else(|| {
                        Error::validation(
                            "password",
                            "policy_unsatisfiable",
                            "No generated password passes the current policy; choose one, or relax the policy in Settings.",
                        )
                    })?
            }
        };
        let shown = generated.then(|| {
            OneTimeSecret::new(secrecy::ExposeSecret::expose_secret(&candidate).to_owned())
        });
        let context = PasswordContext::of_user(&user);
        let password = Password::parse_off_thread(
            candidate,
            settings.password_policy.clone(),
            context,
            "password",
        )
        .await?
        .map_err(Error::Validation)?;
        let hash = password::hash(password).await?;
        let now = self.now();
        let (user, revoked) = transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize_admin(tx, credential).await?;
            tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            tx.update_password(id, &hash.0, true, now).await?;
            let revoked = tx.revoke_live_api_tokens_of(id, now).await?;
            let revoked = u32::try_from(revoked).unwrap_or(u32::MAX);
            audit::record(
                tx,
                now,
                Some(caller.id),
                "user.password_reset",
                ("user", Some(id.to_string())),
                serde_json::json!({ "revoked_api_tokens": revoked }),
            )
            .await?;
            let user = tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            Ok::<_, Error>((UserView::from(user), revoked))
        })?;
        Ok(PasswordReset {
            user,
            temporary_password: shown,
            revoked_api_tokens: revoked,
        })
    }

    /// Lifts the username-wide sign-in lock and every source's wait, and clears the
    /// failure counts (admins only).
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn unlock_user(&self, credential: &Credential, id: Uuid) -> Result<UserView> {
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize_admin(tx, credential).await?;
            tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            crate::sign_in_throttle::lift(tx, id).await?;
            audit::record(
                tx,
                now,
                Some(caller.id),
                "user.unlocked",
                ("user", Some(id.to_string())),
                serde_json::json!({}),
            )
            .await?;
            Ok(UserView::from(
                tx.user(id).await?.ok_or(Error::NotFound("user"))?,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" A_b% "), r"%a\_b\%%");
    }

    #[test]
    fn a_generated_temporary_password_passes_every_preset() {
        for preset in crate::policy::PolicyPreset::ALL {
            let settings = Settings {
                password_policy: preset.policy(),
                ..Settings::default()
            };
            let password = generate_temporary_password(&settings).expect("a password");
            assert!(
                evaluate(
                    &settings.password_policy,
                    secrecy::ExposeSecret::expose_secret(&password),
                    &PasswordContext::default()
                )
                .passed
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// The policy check refuses exactly enough: any policy it accepts can be met,
        /// so an admin reset can always generate a temporary password.
        #[test]
        fn every_policy_the_check_accepts_admits_a_generated_password(
            min_length in 1u16..40,
            extra in 0u16..200,
            classes in proptest::collection::vec(proptest::bool::ANY, 4),
            min_character_classes in 0u8..=4,
            min_strength_score in 0u8..=4,
        ) {
            let policy = crate::policy::PasswordPolicy {
                min_length,
                max_length: min_length + extra,
                require_uppercase: classes[0],
                require_lowercase: classes[1],
                require_digit: classes[2],
                require_special: classes[3],
                min_character_classes,
                min_strength_score,
                ..crate::policy::PasswordPolicy::default()
            };
            if policy.check().is_ok() {
                let settings = Settings { password_policy: policy, ..Settings::default() };
                proptest::prop_assert!(generate_temporary_password(&settings).is_some());
            }
        }
    }
}
