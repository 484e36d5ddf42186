//! The fields of a new user (from "create user", "create admin", "create account" and
//! the setup), parsed together into a [`ValidUser`] ready to insert.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use sqlx::types::Json;
use uuid::Uuid;

use super::{Role, Roles, UserStatus, BUSINESS_ROLE_MAX_LENGTH};
use crate::email::Email;
use crate::error::Result;
use crate::fields::{parse_json_object, parsed, FieldError, FieldErrors};
use crate::instance::Settings;
use crate::password::{Password, PasswordHashString};
use crate::person_name::PersonName;
use crate::policy::PasswordContext;
use crate::store::{Store, UserRow};
use crate::username::Username;

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
    pub roles: Roles,
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

/// An optional email (blank is none): `required` for admins and when the username is
/// made from it; a given one must not be at a blocked domain. `None` with `errors`
/// filled when it fails.
pub(crate) fn parse_email(
    text: Option<&str>,
    required: bool,
    blocked_domains: &[String],
    errors: &mut FieldErrors,
) -> Option<Option<Email>> {
    match text.map(str::trim).filter(|e| !e.is_empty()) {
        Some(text) => {
            let email = errors.check("email", Email::parse(text))?;
            errors.check("email", email.check_not_blocked(blocked_domains))?;
            Some(Some(email))
        }
        None if required => {
            errors.push(FieldError::new(
                "email",
                "required",
                "Enter an email address.",
            ));
            None
        }
        None => Some(None),
    }
}

/// An optional business role (blank is none).
pub(crate) fn parse_business_role(text: Option<&str>) -> Result<Option<String>, FieldError> {
    match text.map(str::trim).filter(|s| !s.is_empty()) {
        Some(role) if role.chars().count() > BUSINESS_ROLE_MAX_LENGTH => Err(FieldError::new(
            "business_role",
            "too_long",
            format!("Use at most {BUSINESS_ROLE_MAX_LENGTH} characters."),
        )),
        Some(role) if crate::fields::has_control_characters(role) => Err(FieldError::new(
            "business_role",
            "invalid_characters",
            "A business role cannot contain control or invisible formatting characters.",
        )),
        role => Ok(role.map(str::to_owned)),
    }
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
        let email = parse_email(
            self.email,
            admin || self.username.is_none(),
            &settings.blocked_email_domains,
            errors,
        );
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
        let business_role = errors.check("business_role", parse_business_role(self.business_role));
        let roles = match self.roles {
            None => Some(Roles::of(&[Role::Viewer])),
            Some(roles) if roles.is_empty() => {
                errors.push(FieldError::new(
                    "roles",
                    "required",
                    "Give the user at least one role.",
                ));
                None
            }
            Some(roles) => Some(Roles::of(&roles)),
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
    /// username is retried by [`super::retry_derived_clash`].
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
        UserRow {
            id,
            account_id,
            username: self.username.as_str().to_owned(),
            email: self.email.map(|e| e.as_str().to_owned()),
            first_name: self.first_name.map(|n| n.as_str().to_owned()),
            last_name: self.last_name.map(|n| n.as_str().to_owned()),
            business_role: self.business_role,
            status: self.status,
            email_confirmed_at: email_confirmed.then_some(now),
            preferences: Json(self.preferences),
            password_hash: hash.0,
            must_change_password: false,
            failed_sign_ins: 0,
            locked_until: None,
            roles: self.roles,
            created_at: now,
            created_by,
            updated_at: now,
            session_generation: 0,
            version: 1,
            last_sign_in_at: None,
            second_factor: false,
        }
    }
}
