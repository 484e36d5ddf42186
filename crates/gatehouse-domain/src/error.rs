//! The one error type of the core, its stable codes, and its RFC 7807 form.
//!
//! Adapters (Tauri commands, HTTP handlers) map an [`Error`] once, through
//! [`Error::to_problem`]; the UI switches on [`ErrorCode`], never on message text.

use serde::{Deserialize, Serialize};

use crate::fields::FieldError;
use crate::secrets::SecretStoreError;

/// Every way an operation of the core can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more inputs are invalid; every failing field is listed.
    #[error("Some fields are not valid.")]
    Validation(Vec<FieldError>),
    /// A unique value (username, email) is already taken.
    #[error("Some values are already in use.")]
    Conflict(Vec<FieldError>),
    #[error("The instance is already set up: please sign in.")]
    AlreadyInitialized,
    #[error("The instance is not set up yet: run the setup first.")]
    NotInitialized,
    /// Unknown user, wrong password, a source that must wait, a locked or an inactive
    /// user: deliberately one error.
    #[error("Sign-in failed: wrong username or password.")]
    InvalidCredentials,
    #[error("Sign in first: the credential is missing or not valid.")]
    Unauthenticated,
    #[error("The session has expired: sign in again.")]
    TokenExpired,
    /// No longer returned by sign-in (an inactive user gets `InvalidCredentials`, so
    /// the status is no password oracle); kept so its code stays stable.
    #[error("This user is suspended or deactivated.")]
    UserInactive,
    #[error("You are not allowed to do this.")]
    Forbidden,
    #[error("Change your temporary password first.")]
    PasswordChangeRequired,
    /// The password was right; the second step (a code) gives the token.
    #[error("Enter the code of your authenticator app (or a recovery code) to finish signing in.")]
    SecondFactorRequired(crate::second_factor::SecondFactorChallenge),
    /// The instance's policy requires a second factor the user has not set up yet.
    #[error("Set up two-step sign-in first: this instance requires it.")]
    SecondFactorEnrollmentRequired,
    #[error("There is no such {0}.")]
    NotFound(&'static str),
    #[error("This idempotency key was already used for a different request.")]
    IdempotencyKeyReused,
    /// An edit was made from a version of the record that someone changed since
    /// (optimistic concurrency): nothing was saved.
    #[error("Someone else changed this {0} since you opened it: nothing was saved. Reload to see their changes.")]
    StaleVersion(&'static str),
    #[error(transparent)]
    SecretStore(#[from] SecretStoreError),
    /// Too many attempts from this source or at this user: wait and try again.
    #[error("Too many attempts: try again in {retry_after_secs} s.")]
    TooManyRequests { retry_after_secs: u32 },
    /// A dependency (the database, the password hasher) cannot take more work now.
    #[error(
        "The service is busy or a dependency does not answer: try again in {retry_after_secs} s."
    )]
    Unavailable { retry_after_secs: u32 },
    /// Anything unexpected. Logged by the adapter, shown generically.
    #[error("Internal error: the details are in the log.")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The stable, machine-readable code of an [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    ValidationFailed,
    Conflict,
    AlreadyInitialized,
    NotInitialized,
    InvalidCredentials,
    Unauthenticated,
    TokenExpired,
    UserInactive,
    Forbidden,
    PasswordChangeRequired,
    /// The password was right; a second step with a code follows (401, with `second_factor`).
    SecondFactorRequired,
    /// Nothing but setting up a second factor is allowed until there is one (403).
    SecondFactorEnrollmentRequired,
    NotFound,
    IdempotencyKeyReused,
    /// The edit was made from an outdated version of the record (409): reload.
    StaleVersion,
    KeychainUnavailable,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests,
    /// The HTTP method is not one the endpoint takes (405).
    MethodNotAllowed,
    /// A dependency (the database) does not answer; try again later (503).
    Unavailable,
    /// A Gatehouse server presented another certificate than the one the desktop's
    /// profile pinned (the desktop's own finding; a server never sends it).
    CertificateChanged,
    Internal,
}

impl ErrorCode {
    /// Every code, for the UI's list of known codes.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::BadRequest,
        ErrorCode::ValidationFailed,
        ErrorCode::Conflict,
        ErrorCode::AlreadyInitialized,
        ErrorCode::NotInitialized,
        ErrorCode::InvalidCredentials,
        ErrorCode::Unauthenticated,
        ErrorCode::TokenExpired,
        ErrorCode::UserInactive,
        ErrorCode::Forbidden,
        ErrorCode::PasswordChangeRequired,
        ErrorCode::SecondFactorRequired,
        ErrorCode::SecondFactorEnrollmentRequired,
        ErrorCode::NotFound,
        ErrorCode::IdempotencyKeyReused,
        ErrorCode::StaleVersion,
        ErrorCode::KeychainUnavailable,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::TooManyRequests,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Unavailable,
        ErrorCode::CertificateChanged,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::AlreadyInitialized => "already_initialized",
            ErrorCode::NotInitialized => "not_initialized",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::UserInactive => "user_inactive",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::PasswordChangeRequired => "password_change_required",
            ErrorCode::SecondFactorRequired => "second_factor_required",
            ErrorCode::SecondFactorEnrollmentRequired => "second_factor_enrollment_required",
            ErrorCode::NotFound => "not_found",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::StaleVersion => "stale_version",
            ErrorCode::KeychainUnavailable => "keychain_unavailable",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::TooManyRequests => "too_many_requests",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::CertificateChanged => "certificate_changed",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status that goes with the code. Malformed requests are 400, well-formed
    /// but invalid values 422, taken unique values 409; `already_initialized` is 400 as
    /// in the setup API it was specified from.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::AlreadyInitialized => 400,
            ErrorCode::InvalidCredentials
            | ErrorCode::Unauthenticated
            | ErrorCode::TokenExpired
            | ErrorCode::SecondFactorRequired => 401,
            ErrorCode::UserInactive
            | ErrorCode::Forbidden
            | ErrorCode::PasswordChangeRequired
            | ErrorCode::SecondFactorEnrollmentRequired => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict
            | ErrorCode::NotInitialized
            | ErrorCode::IdempotencyKeyReused
            | ErrorCode::StaleVersion => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::ValidationFailed => 422,
            ErrorCode::TooManyRequests => 429,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::KeychainUnavailable | ErrorCode::Unavailable => 503,
            ErrorCode::CertificateChanged => 502,
            ErrorCode::Internal => 500,
        }
    }

    fn title(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "Bad request",
            ErrorCode::ValidationFailed => "Validation failed",
            ErrorCode::Conflict => "Already in use",
            ErrorCode::AlreadyInitialized => "Already set up",
            ErrorCode::NotInitialized => "Not set up",
            ErrorCode::InvalidCredentials => "Sign-in failed",
            ErrorCode::Unauthenticated => "Unauthenticated",
            ErrorCode::TokenExpired => "Token expired",
            ErrorCode::UserInactive => "User inactive",
            ErrorCode::Forbidden => "Forbidden",
            ErrorCode::PasswordChangeRequired => "Password change required",
            ErrorCode::SecondFactorRequired => "Second factor required",
            ErrorCode::SecondFactorEnrollmentRequired => "Two-step sign-in required",
            ErrorCode::NotFound => "Not found",
            ErrorCode::IdempotencyKeyReused => "Idempotency key reused",
            ErrorCode::StaleVersion => "Changed meanwhile",
            ErrorCode::KeychainUnavailable => "Keychain unavailable",
            ErrorCode::PayloadTooLarge => "Payload too large",
            ErrorCode::UnsupportedMediaType => "Unsupported media type",
            ErrorCode::TooManyRequests => "Too many requests",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::Unavailable => "Unavailable",
            ErrorCode::CertificateChanged => "Certificate changed",
            ErrorCode::Internal => "Internal error",
        }
    }
}

/// An RFC 7807 problem document, the wire form of every error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For `too_many_requests` and `unavailable`: seconds to wait before trying again
    /// (the HTTP adapter also sends it as `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub retry_after: Option<u32>,
    /// For `second_factor_required`: the challenge to present with a code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub second_factor: Option<Box<crate::second_factor::SecondFactorChallenge>>,
}

impl Problem {
    /// A problem for an error an adapter detects itself (malformed body, wrong media type).
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("urn:gatehouse:problem:{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.status(),
            detail: detail.into(),
            code,
            errors: Vec::new(),
            retry_after: None,
            second_factor: None,
        }
    }

    /// The same problem, telling the client when to try again.
    pub fn with_retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) => ErrorCode::ValidationFailed,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::AlreadyInitialized => ErrorCode::AlreadyInitialized,
            Error::NotInitialized => ErrorCode::NotInitialized,
            Error::InvalidCredentials => ErrorCode::InvalidCredentials,
            Error::Unauthenticated => ErrorCode::Unauthenticated,
            Error::TokenExpired => ErrorCode::TokenExpired,
            Error::UserInactive => ErrorCode::UserInactive,
            Error::Forbidden => ErrorCode::Forbidden,
            Error::PasswordChangeRequired => ErrorCode::PasswordChangeRequired,
            Error::SecondFactorRequired(_) => ErrorCode::SecondFactorRequired,
            Error::SecondFactorEnrollmentRequired => ErrorCode::SecondFactorEnrollmentRequired,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            Error::StaleVersion(_) => ErrorCode::StaleVersion,
            Error::SecretStore(_) => ErrorCode::KeychainUnavailable,
            Error::TooManyRequests { .. } => ErrorCode::TooManyRequests,
            Error::Unavailable { .. } => ErrorCode::Unavailable,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The field errors, for validation and conflict errors.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Validation(errors) | Error::Conflict(errors) => errors,
            _ => &[],
        }
    }

    /// The problem document for this error. Internal details never appear in it.
    pub fn to_problem(&self) -> Problem {
        let mut problem = Problem::new(self.code(), self.to_string());
        problem.errors = self.field_errors().to_vec();
        problem.retry_after = match self {
            Error::TooManyRequests { retry_after_secs }
            | Error::Unavailable { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        if let Error::SecondFactorRequired(challenge) = self {
            problem.second_factor = Some(Box::new(challenge.clone()));
        }
        problem
    }

    pub(crate) fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Internal(Box::new(error))
    }

    pub(crate) fn validation(field: &str, code: &str, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError::new(field, code, message)])
    }
}

/// A database error is internal unless it is a fault of the machine (database down,
/// write lock held too long, disk full): then the request changed nothing and the
/// caller may try again later.
impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        match crate::store::Fault::of(&error) {
            Some(fault) => {
                // The cause is logged here: `Unavailable` does not carry it. sqlx's
                // messages name codes and addresses, never bound values.
                tracing::warn!(?fault, %error, "storage unavailable");
                Error::Unavailable {
                    retry_after_secs: fault.retry_after_secs(),
                }
            }
            None => Error::internal(error),
        }
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(error: tokio::task::JoinError) -> Self {
        Error::internal(error)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_shows_nothing_of_its_cause() {
        let error = Error::internal(std::io::Error::other("password=hunter2 at /secret/path"));
        let problem = error.to_problem();
        assert_eq!(problem.code, ErrorCode::Internal);
        assert_eq!(problem.status, 500);
        assert!(!serde_json::to_string(&problem).unwrap().contains("hunter2"));
    }

    #[test]
    fn a_validation_problem_lists_every_field() {
        let error = Error::Validation(vec![
            FieldError::new("username", "too_short", "too short"),
            FieldError::new("email", "invalid", "not an email"),
        ]);
        let problem = error.to_problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors.len(), 2);
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["type"], "urn:gatehouse:problem:validation_failed");
        assert_eq!(json["code"], "validation_failed");
    }

    #[test]
    fn codes_serialize_as_their_stable_strings() {
        for code in [
            ErrorCode::AlreadyInitialized,
            ErrorCode::TokenExpired,
            ErrorCode::MethodNotAllowed,
            ErrorCode::Internal,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
