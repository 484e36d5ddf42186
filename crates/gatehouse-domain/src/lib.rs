//! Gatehouse's domain core: instance setup, sign-in, users, admins, accounts, API
//! and access tokens, the password policy and the audit trail, over SQLite or
//! PostgreSQL. It knows nothing of Tauri or HTTP: the desktop app and the HTTP
//! server are thin adapters over [`Gatehouse`].
//!
//! One module per domain concept; the request types parse into newtypes
//! ([`Username`], [`Email`], [`Password`]) whose existence proves validity.

pub mod access_token;
pub mod account;
pub mod api_token;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod constraints;
mod derived_username;
pub mod email;
pub mod error;
pub mod field_check;
pub mod fields;
mod gatehouse;
pub mod instance;
pub mod login_key;
pub mod password;
pub mod person_name;
pub mod policy;
mod rekey;
pub mod second_factor;
pub mod secrets;
pub mod sign_in_throttle;
mod store;
pub mod user;
pub mod username;

pub use access_token::{IssuedAccessToken, Jwk, Jwks};
pub use account::{
    AccountCreated, AccountDeleted, AccountDetail, AccountQuery, AccountStatus,
    AccountStatusChange, AccountUpdate, AccountView, NewAccount, PlanInUse,
};
pub use api_token::{
    AllTokensQuery, ApiTokenView, IssuedApiToken, NewApiToken, TokenQuery, TokenState,
};
pub use audit::{
    AuditAction, AuditEvent, AuditPage, AuditQuery, AuditVerification, BreakReason, BrokenLink,
    GENESIS_HASH,
};
pub use auth::{Credential, PasswordChange, SignIn, SignedIn};
pub use clock::{Clock, ManualClock, SystemClock};
pub use email::Email;
pub use error::{Error, ErrorCode, Problem, Result};
pub use field_check::{FieldCheck, FieldKind, FieldReport};
pub use fields::FieldError;
pub use gatehouse::Gatehouse;
pub use instance::{
    FirstAccessToken, InstanceStatus, PasswordCandidate, Settings, Setup, SetupDone,
};
pub use login_key::login_key;
pub use password::Password;
pub use person_name::PersonName;
pub use policy::{evaluate, PasswordContext, PasswordPolicy, PolicyPreset, PolicyReport};
pub use second_factor::{
    RecoveryCodes, SecondFactorChallenge, SecondFactorPolicy, SecondFactorSignIn, TotpConfirmation,
    TotpEnrollment, TotpRemoval,
};
pub use secrets::{MemorySecretStore, OneTimeSecret, SecretStore, SecretStoreError};
pub use sign_in_throttle::SignInSource;
pub use store::{DatabaseConfig, PostgresConfig, SqliteLimits, TlsMode};
pub use user::{
    GeneratedPassword, List, NewAdmin, NewUser, Page, PasswordReset, PasswordResetRequest,
    RecoveredPassword, Role, RolesChange, StatusChange, UserDeleted, UserQuery, UserStatus,
    UserUpdate, UserView,
};
pub use username::Username;

pub use secrecy::SecretString;
