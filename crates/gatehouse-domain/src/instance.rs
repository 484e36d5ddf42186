//! The instance: set up exactly once (seed 000), holding the organization and the
//! settings every other operation reads.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use uuid::Uuid;

use crate::access_token::{IssuedAccessToken, KeyPair};
use crate::account::{parse_account_name, parse_plan, AccountView};
use crate::audit::{self, AuditAction};
use crate::auth::Credential;
use crate::email::SUGGESTED_BLOCKED_DOMAINS;
use crate::error::{Error, Result};
use crate::fields::{parsed, FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::password;
use crate::policy::{evaluate, PasswordContext, PasswordPolicy, PolicyReport};
use crate::secrets::OneTimeSecret;
use crate::store::{
    transaction, unique_violation, AccountRow, AccountStore, InstanceRow, InstanceStore, Mode,
    SigningKeyStore,
};
use crate::user::{Role, UserFields, UserStatus, UserView};

/// The longest an access token may live; settings cannot ask for more, so a signing
/// key silent for longer than this (plus a margin) verifies no live token.
pub(crate) const MAX_ACCESS_TOKEN_MINUTES: u32 = 1440;

/// The setup's first admin's first name is 3–30 characters (seed 000).
pub const SETUP_FIRST_NAME_MIN_LENGTH: usize = 3;
pub const SETUP_FIRST_NAME_MAX_LENGTH: usize = 30;

/// The instance's settings, edited on the Settings screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub password_policy: PasswordPolicy,
    /// Lifetime of access tokens (sign-in sessions), 5–1440 minutes.
    pub access_token_minutes: u32,
    /// Default lifetime of new API tokens, 1–3650 days and at most `api_token_max_days`.
    pub api_token_days: u32,
    /// The longest an API token may live, 1–3650 days; `null` for no limit, which is
    /// the only way tokens that never expire may be created. 365 when absent (settings
    /// stored before this field existed read as 365 too).
    #[serde(default = "default_api_token_max_days")]
    pub api_token_max_days: Option<u32>,
    /// Failed sign-ins from one source (an address, the desktop app, a session)
    /// within the window after which that source must wait: 1 minute, doubling with
    /// each further failure, at most an hour. Other sources are not affected. 3–100.
    pub lockout_threshold: u32,
    /// The window, 1–1440 minutes: a source's failures are forgotten once it has not
    /// failed for this long after its last failure or wait.
    pub lockout_minutes: u32,
    /// Email domains refused for new users (subdomains included).
    pub blocked_email_domains: Vec<String>,
    /// Who must sign in in two steps: `off` (when absent), `admins` or `everyone`. The
    /// admin who turns it on must have a second factor already.
    #[serde(default)]
    pub second_factor: crate::second_factor::SecondFactorPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            password_policy: PasswordPolicy::default(),
            access_token_minutes: 60,
            api_token_days: 90,
            api_token_max_days: default_api_token_max_days(),
            lockout_threshold: 5,
            lockout_minutes: 15,
            blocked_email_domains: Vec::new(),
            second_factor: Default::default(),
        }
    }
}

/// A year: what the issue asked for, and long enough for a yearly rotation.
fn default_api_token_max_days() -> Option<u32> {
    Some(365)
}

impl Settings {
    /// The most days an API token may be asked to live under these settings.
    pub(crate) fn api_token_days_limit(&self) -> u32 {
        self.api_token_max_days
            .unwrap_or(crate::api_token::MAX_DAYS)
            .min(crate::api_token::MAX_DAYS)
    }

    fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = self.password_policy.check().err().unwrap_or_default();
        let mut range = |field: &str, value: u32, min: u32, max: u32| {
            if !(min..=max).contains(&value) {
                errors.push(FieldError::new(
                    field,
                    "out_of_range",
                    format!("Choose {min} to {max}."),
                ));
            }
        };
        range(
            "access_token_minutes",
            self.access_token_minutes,
            5,
            MAX_ACCESS_TOKEN_MINUTES,
        );
        if let Some(max_days) = self.api_token_max_days {
            range(
                "api_token_max_days",
                max_days,
                1,
                crate::api_token::MAX_DAYS,
            );
        }
        // The default lifetime must respect the limit (a limit out of range is reported
        // above; the default is then checked against the hard maximum only).
        let days_limit = match self.api_token_max_days {
            Some(max_days) if max_days >= 1 => self.api_token_days_limit(),
            _ => crate::api_token::MAX_DAYS,
        };
        range("api_token_days", self.api_token_days, 1, days_limit);
        range("lockout_threshold", self.lockout_threshold, 3, 100);
        range("lockout_minutes", self.lockout_minutes, 1, 1440);
        for domain in &self.blocked_email_domains {
            let ok = domain.contains('.')
                && domain.len() <= 253
                && domain
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
            if !ok {
                errors.push(FieldError::new(
                    "blocked_email_domains",
                    "invalid",
                    format!("'{domain}' is not a domain name."),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Whether the instance is set up (the app shows the wizard or the sign-in).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstanceStatus {
    pub initialized: bool,
    pub instance_id: Option<Uuid>,
    pub organization: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

/// The setup wizard's request (seed 000).
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// The organization, which becomes the first account.
    pub organization: String,
    /// 3–30 characters.
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    /// Made from the email's local part when absent.
    #[serde(default)]
    pub username: Option<String>,
    pub email: String,
    /// Checked against `password_policy` (or the default policy).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub password: SecretString,
    /// The policy for every password from now on; the recommended preset if absent.
    #[serde(default)]
    pub password_policy: Option<PasswordPolicy>,
    /// Refused email domains; none if absent (an instance that wants the common consumer
    /// domains blocked sends them: see [`suggested_blocked_domains`]).
    #[serde(default)]
    pub blocked_email_domains: Option<Vec<String>>,
    /// The first account's plan; "standard" if absent.
    #[serde(default)]
    pub plan: Option<String>,
}

/// What the setup made, with the first admin's access token (shown once).
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupDone {
    /// The first admin's access token, as seed 000 returns it (`data.accessToken`).
    pub data: FirstAccessToken,
    pub admin: UserView,
    pub account: AccountView,
    pub instance_id: Uuid,
}

/// The setup's access token in seed 000's camelCase (`data.accessToken`), kept for the
/// clients written against it.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FirstAccessToken {
    /// The first admin's access token (JWT).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub access_token: OneTimeSecret,
    /// Always `Bearer`.
    pub token_type: String,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
}

impl From<IssuedAccessToken> for FirstAccessToken {
    fn from(issued: IssuedAccessToken) -> Self {
        FirstAccessToken {
            access_token: issued.access_token,
            token_type: issued.token_type,
            expires_at: issued.expires_at,
        }
    }
}

impl From<FirstAccessToken> for IssuedAccessToken {
    fn from(first: FirstAccessToken) -> Self {
        IssuedAccessToken {
            access_token: first.access_token,
            token_type: first.token_type,
            expires_at: first.expires_at,
        }
    }
}

/// A candidate password to evaluate, for live feedback. Nothing is stored.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordCandidate {
    /// At most 1024 characters.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    #[serde(serialize_with = "crate::secrets::expose_secret")]
    pub password: SecretString,
    /// Personal details the password must not contain (e.g. the form's username).
    #[serde(default)]
    pub context: Option<PasswordContext>,
    /// A policy to preview; the one in force when absent.
    #[serde(default)]
    pub policy: Option<PasswordPolicy>,
}

impl PasswordCandidate {
    /// The bounds of what is evaluated without a credential: a candidate of at most
    /// the hard maximum length, context values of at most 320 characters, a policy that
    /// passes its check. Every failing field is reported.
    pub fn check(&self) -> Result<()> {
        const MAX_CONTEXT_CHARS: usize = 320;
        let max_candidate = usize::from(crate::policy::HARD_MAX_LENGTH);
        let mut errors = FieldErrors::default();
        if secrecy::ExposeSecret::expose_secret(&self.password)
            .chars()
            .count()
            > max_candidate
        {
            errors.push(FieldError::new(
                "password",
                "too_long",
                format!("Send at most {max_candidate} characters."),
            ));
        }
        let context = self.context.clone().unwrap_or_default();
        for (field, value) in [
            ("context.username", &context.username),
            ("context.email", &context.email),
            ("context.first_name", &context.first_name),
            ("context.last_name", &context.last_name),
        ] {
            if value
                .as_deref()
                .is_some_and(|v| v.chars().count() > MAX_CONTEXT_CHARS)
            {
                errors.push(FieldError::new(
                    field,
                    "too_long",
                    format!("Send at most {MAX_CONTEXT_CHARS} characters."),
                ));
            }
        }
        if let Some(Err(problems)) = self.policy.as_ref().map(PasswordPolicy::check) {
            for problem in problems {
                let field = format!("policy.{}", problem.field);
                errors.push(problem.for_field(&field));
            }
        }
        errors.finish()
    }

    /// Evaluates the candidate against its own policy, else `in_force`, else the
    /// default one. CPU-bound (zxcvbn): call it off the async workers. Check it first.
    pub fn evaluate(self, in_force: Option<PasswordPolicy>) -> PolicyReport {
        let policy = self.policy.or(in_force).unwrap_or_default();
        evaluate(
            &policy,
            secrecy::ExposeSecret::expose_secret(&self.password),
            &self.context.unwrap_or_default(),
        )
    }
}

/// The default blocked domains the wizard suggests.
pub fn suggested_blocked_domains() -> Vec<String> {
    SUGGESTED_BLOCKED_DOMAINS
        .iter()
        .map(|d| (*d).to_owned())
        .collect()
}

impl Gatehouse {
    /// Whether setup has happened. Needs no credential.
    pub async fn instance_status(&self) -> Result<InstanceStatus> {
        let row = transaction!(self.pool(), Mode::Read, |tx| async {
            Ok::<_, Error>(tx.instance().await?)
        })?;
        Ok(InstanceStatus {
            initialized: row.is_some(),
            instance_id: row.as_ref().map(|r| r.id),
            organization: row.as_ref().map(|r| r.organization.clone()),
            created_at: row.map(|r| r.created_at),
        })
    }

    /// Creates the instance, its first account and first admin in one transaction,
    /// and returns an access token for that admin. Works once per database: every
    /// later or concurrent attempt fails with `already_initialized` and leaves nothing.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn setup(&self, request: Setup) -> Result<SetupDone> {
        if self.instance_status().await?.initialized {
            return Err(Error::AlreadyInitialized);
        }
        let settings = Settings {
            password_policy: request.password_policy.unwrap_or_default(),
            blocked_email_domains: request.blocked_email_domains.unwrap_or_default(),
            ..Settings::default()
        };
        let mut errors = FieldErrors::default();
        if let Err(problems) = settings.check() {
            problems.into_iter().for_each(|p| errors.push(p));
        }
        let organization = errors.check("organization", parse_account_name(&request.organization));
        let plan = errors.check(
            "plan",
            parse_plan(request.plan.as_deref().unwrap_or("standard")),
        );
        let admin = UserFields {
            username: request.username.as_deref(),
            email: Some(&request.email),
            password: request.password,
            first_name: Some(&request.first_name),
            last_name: request.last_name.as_deref(),
            first_name_bounds: Some((SETUP_FIRST_NAME_MIN_LENGTH, SETUP_FIRST_NAME_MAX_LENGTH)),
            business_role: None,
            roles: Some(vec![Role::Admin]),
            status: Some(UserStatus::Active),
            preferences: None,
        }
        .parse(&settings, &mut errors)
        .await;
        errors.finish()?;
        let (admin, password) = parsed(admin);
        let hash = password::hash(password).await?;

        let now = self.now();
        let (instance_id, account_id, admin_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let keys = KeyPair::generate()?;
        self.save_key(instance_id, &keys).await?;
        let organization = parsed(organization);
        let plan = parsed(plan);
        let done = transaction!(self.pool(), Mode::Write, |tx| async {
            // First, so that a losing concurrent setup fails before writing anything.
            let instance = InstanceRow {
                id: instance_id,
                organization: organization.clone(),
                settings: Json(settings.clone()),
                created_at: now,
            };
            tx.insert_instance(&instance)
                .await
                .map_err(|e| match unique_violation(&e) {
                    Some(_) => Error::AlreadyInitialized,
                    None => Error::from(e),
                })?;
            let account = AccountRow {
                id: account_id,
                name: organization.clone(),
                plan: plan.clone(),
                metadata: Json(serde_json::json!({})),
                created_at: now,
                created_by: Some(admin_id),
                status: crate::account::AccountStatus::Active,
            };
            tx.insert_account(&account).await?;
            let mut admin = admin;
            admin.settle_username(tx).await?;
            let admin = admin.into_row(admin_id, account_id, hash, now, None, true);
            crate::user::insert(tx, &admin).await?;
            tx.insert_signing_key(&keys.row(now)).await?;
            let detail =
                serde_json::json!({ "organization": organization, "admin": admin.username });
            audit::record(
                tx,
                now,
                Some(admin_id),
                AuditAction::InstanceSetUp,
                ("instance", Some(instance_id.to_string())),
                detail,
            )
            .await?;
            Ok::<_, Error>((AccountView::from(account), admin))
        });
        let (account, admin) = match done {
            Ok(done) => done,
            Err(error) => {
                self.forget_key(instance_id).await;
                return Err(error);
            }
        };
        self.remember_signer(instance_id, &keys).await?;
        let access_token = self
            .issue_access_token(instance_id, &admin, &settings)
            .await?;
        Ok(SetupDone {
            data: access_token.into(),
            admin: UserView::from(admin),
            account,
            instance_id,
        })
    }

    /// The instance's settings (admins only).
    pub async fn get_settings(&self, credential: &Credential) -> Result<Settings> {
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            Ok::<_, Error>(
                tx.instance()
                    .await?
                    .ok_or(Error::NotInitialized)?
                    .settings
                    .0,
            )
        })
    }

    /// Replaces the instance's settings (admins only).
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn update_settings(
        &self,
        credential: &Credential,
        settings: Settings,
    ) -> Result<Settings> {
        settings.check().map_err(Error::Validation)?;
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize_admin(tx, credential).await?;
            if settings.second_factor.covers(&caller) && !caller.second_factor {
                return Err(Error::validation(
                    "second_factor",
                    "not_enrolled",
                    "Set up two-step sign-in for yourself first (under your account): otherwise this would lock you out.",
                ));
            }
            let before = tx
                .instance()
                .await?
                .ok_or(Error::NotInitialized)?
                .settings
                .0;
            tx.update_settings(&Json(settings.clone())).await?;
            // The settings hold no secret: both are recorded whole.
            let detail = serde_json::json!({
                "before": serde_json::to_value(&before).map_err(Error::internal)?,
                "after": serde_json::to_value(&settings).map_err(Error::internal)?,
            });
            audit::record(
                tx,
                now,
                Some(caller.id),
                AuditAction::SettingsUpdated,
                ("instance", None),
                detail,
            )
            .await?;
            Ok::<_, Error>(settings)
        })
    }

    /// The password policy in force (the default before setup). Needs no credential:
    /// the sign-in and setup screens show it.
    pub async fn password_policy(&self) -> Result<PasswordPolicy> {
        let row = transaction!(self.pool(), Mode::Read, |tx| async {
            Ok::<_, Error>(tx.instance().await?)
        })?;
        Ok(row
            .map(|r| r.settings.0.password_policy)
            .unwrap_or_default())
    }

    /// Evaluates a candidate password against `policy`, or the policy in force.
    /// Stores nothing; needs no credential (so its inputs are bounded: a candidate of
    /// at most the hard maximum length, context values of at most 320 characters, a
    /// policy that passes its check). Runs on the blocking pool.
    pub async fn evaluate_password(&self, candidate: PasswordCandidate) -> Result<PolicyReport> {
        candidate.check()?;
        let in_force = match candidate.policy {
            Some(_) => None,
            None => Some(self.password_policy().await?),
        };
        Ok(tokio::task::spawn_blocking(move || candidate.evaluate(in_force)).await?)
    }
}
