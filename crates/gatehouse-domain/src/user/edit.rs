//! Editing a user's profile (admins only), with optimistic concurrency, and deleting a
//! user. The fields follow the rules of "create user" (the same parsers), and the last
//! active admin is never deleted.

use sqlx::types::Json;
use uuid::Uuid;

use super::fields::{parse_business_role, parse_email};
use super::{recorded_change, Role, UserDeleted, UserStatus, UserUpdate, UserView};
use crate::audit::{self, AuditAction};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::fields::{parse_json_object, parsed, FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::login_key::UserKeys;
use crate::person_name::PersonName;
use crate::store::{
    transaction, unique_violation, InstanceStore, Mode, ProfileUpdate, UserRow, UserStore,
};
use crate::username::Username;

/// The profile `update` makes of `user`, or every failing field. Only a changed email
/// is checked against the blocked domains: a domain blocked since the user was made
/// does not stop an admin from fixing their name.
fn parse_update(
    user: &UserRow,
    update: &UserUpdate,
    blocked_domains: &[String],
) -> Result<ProfileUpdate> {
    let mut errors = FieldErrors::default();
    let username = match update.username.as_deref() {
        Some(name) => errors
            .check("username", Username::parse(name))
            .map(|name| name.as_str().to_owned()),
        None => Some(user.username.clone()),
    };
    let email = match update.email.as_deref() {
        Some(text) => {
            let unchanged = user.email.as_deref() == Some(text.trim());
            let blocked = if unchanged { &[][..] } else { blocked_domains };
            parse_email(
                Some(text),
                user.roles.contains(Role::Admin),
                blocked,
                &mut errors,
            )
            .map(|email| email.map(|e| e.as_str().to_owned()))
        }
        None => Some(user.email.clone()),
    };
    let name = |errors: &mut FieldErrors, field: &str, text: Option<&str>, now: &Option<String>| {
        match text {
            Some(text) => errors
                .check(field, PersonName::parse_optional(Some(text)))
                .map(|name| name.map(|n| n.as_str().to_owned())),
            None => Some(now.clone()),
        }
    };
    let first_name = name(
        &mut errors,
        "first_name",
        update.first_name.as_deref(),
        &user.first_name,
    );
    let last_name = name(
        &mut errors,
        "last_name",
        update.last_name.as_deref(),
        &user.last_name,
    );
    let business_role = match update.business_role.as_deref() {
        Some(text) => errors.check("business_role", parse_business_role(Some(text))),
        None => Some(user.business_role.clone()),
    };
    let preferences = match &update.preferences {
        Some(value) => errors.check_all(parse_json_object("preferences", Some(value.clone()))),
        None => Some(user.preferences.0.clone()),
    };
    errors.finish()?;
    let email = parsed(email);
    let email_confirmed_at = if email == user.email {
        user.email_confirmed_at
    } else {
        None
    };
    Ok(ProfileUpdate {
        username: parsed(username),
        email,
        email_confirmed_at,
        first_name: parsed(first_name),
        last_name: parsed(last_name),
        business_role: parsed(business_role),
        preferences: Json(parsed(preferences)),
    })
}

/// Refuses a username or email that another user holds (both reported together).
async fn check_available_to(store: &mut impl UserStore, keys: &UserKeys, id: Uuid) -> Result<()> {
    let (username, email) = store.taken_by_others(keys, id).await?;
    super::create::taken_conflict(username, email)
}

/// Which fields an edit changed, for the audit (names only: never their values, which
/// may be personal data the audit would then keep after the user is deleted).
fn changed_fields(before: &UserRow, after: &ProfileUpdate) -> Vec<&'static str> {
    [
        ("username", before.username != after.username),
        ("email", before.email != after.email),
        ("first_name", before.first_name != after.first_name),
        ("last_name", before.last_name != after.last_name),
        ("business_role", before.business_role != after.business_role),
        ("preferences", before.preferences.0 != after.preferences.0),
    ]
    .into_iter()
    .filter_map(|(field, changed)| changed.then_some(field))
    .collect()
}

impl Gatehouse {
    /// Edits a user's username, email, names, business role or preferences (admins
    /// only), from the version the admin saw: if anyone changed the user since, nothing
    /// is saved and the answer is `stale_version`. A changed email is no longer
    /// confirmed.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn update_user(
        &self,
        credential: &Credential,
        id: Uuid,
        update: UserUpdate,
    ) -> Result<UserView> {
        let now = self.now();
        let expected = i32::try_from(update.version).map_err(|_| Error::StaleVersion("user"))?;
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize_admin(tx, credential).await?;
            let settings = tx
                .instance()
                .await?
                .ok_or(Error::NotInitialized)?
                .settings
                .0;
            let user = tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            if user.version != expected {
                return Err(Error::StaleVersion("user"));
            }
            let profile = parse_update(&user, &update, &settings.blocked_email_domains)?;
            let keys = UserKeys::of(&profile.username, profile.email.as_deref());
            check_available_to(tx, &keys, id).await?;
            let saved = tx
                .update_profile(id, &profile, &keys, expected, now)
                .await
                .map_err(|error| match unique_violation(&error) {
                    Some(field @ ("username" | "email")) => Error::Conflict(vec![FieldError::new(
                        field,
                        "taken",
                        format!("This {field} is already in use."),
                    )]),
                    _ => Error::from(error),
                })?;
            if !saved {
                return Err(Error::StaleVersion("user"));
            }
            let detail = serde_json::json!({
                "username": profile.username,
                "changed": changed_fields(&user, &profile),
            });
            recorded_change(tx, now, caller.id, AuditAction::UserUpdated, id, detail).await
        })
    }

    /// Deletes a user (admins only) with their API tokens; their sessions end, as
    /// their access tokens name a user that no longer exists. Not oneself, and never
    /// the last active admin. The audit trail keeps the user's events and records the
    /// deletion.
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn delete_user(&self, credential: &Credential, id: Uuid) -> Result<UserDeleted> {
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            tx.lock_admin_changes().await?;
            let caller = self.authorize_admin(tx, credential).await?;
            let user = tx.user(id).await?.ok_or(Error::NotFound("user"))?;
            if user.id == caller.id {
                return Err(Error::validation(
                    "id",
                    "own_account",
                    "You cannot delete yourself; another admin can.",
                ));
            }
            if user.roles.contains(Role::Admin)
                && user.status == UserStatus::Active
                && tx.count_active_admins().await? <= 1
            {
                return Err(Error::validation(
                    "id",
                    "last_admin",
                    "This is the last active admin.",
                ));
            }
            let tokens = tx.delete_user(id).await?;
            let deleted_api_tokens = u32::try_from(tokens).unwrap_or(u32::MAX);
            audit::record(
                tx,
                now,
                Some(caller.id),
                AuditAction::UserDeleted,
                ("user", Some(id.to_string())),
                serde_json::json!({
                    "username": user.username,
                    "account_id": user.account_id,
                    "deleted_api_tokens": deleted_api_tokens,
                }),
            )
            .await?;
            Ok(UserDeleted {
                id,
                username: user.username,
                deleted_api_tokens,
            })
        })
    }
}
