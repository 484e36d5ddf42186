//! The hand-written handlers: the operations marked `custom` in the operation table
//! (each needs something the generated handlers in [`crate::operations`] do not do:
//! a setup code, a throttle before the body, a status that depends on the outcome),
//! and the health, readiness and key endpoints. Each parses its request, calls one core
//! operation, and maps the result. No business rule lives here.

use std::net::{IpAddr, Ipv4Addr};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_domain::{
    AccountCreated, ErrorCode, Jwks, NewAccount, PasswordCandidate, PolicyReport,
    SecondFactorSignIn, Setup, SetupDone, SignIn, SignInSource, SignedIn,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Bearer, RequestArgs};
use crate::openapi::{
    EvaluateErrors, PublicReadErrors, ReadyErrors, SetupErrors, SignInErrors, WriteErrors,
};
use crate::rate_limit::{EvaluateSourceAllowed, SignInSourceAllowed};
use crate::AppState;

/// 201 Created with the new resource's address in `Location`.
fn created(location: String, body: impl Serialize) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `ready`
    pub status: String,
    /// Whether the instance is set up.
    pub initialized: bool,
}

/// Passes only with the live setup code in `X-Setup-Code`; checked before the body.
pub struct SetupCodeHeader;

impl FromRequestParts<AppState> for SetupCodeHeader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let presented = parts
            .headers
            .get(crate::setup_code::HEADER)
            .and_then(|v| v.to_str().ok());
        state.setup_code.check(presented)?;
        Ok(SetupCodeHeader)
    }
}

// ---- instance ----

/// Set up the instance: organization, first account and first admin (seed 000).
#[utoipa::path(post, path = "/api/v1/setup", tag = "instance",
    params(("X-Setup-Code" = String, Header, description = "The one-time code `gatehouse serve` printed")),
    request_body = Setup,
    responses((status = 200, description = "Set up; the admin's access token is shown this once, in `data.accessToken`", body = SetupDone), SetupErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn setup(
    State(state): State<AppState>,
    _code: SetupCodeHeader,
    request: Request,
) -> ApiResult<Json<SetupDone>> {
    let request: Setup = RequestArgs::new(request).body("request").await?;
    let _turn = state.hashing_turn().await?;
    match state.core.setup(request).await {
        Ok(done) => {
            state.setup_code.retire();
            Ok(Json(done))
        }
        Err(error @ gatehouse_domain::Error::AlreadyInitialized) => {
            state.setup_code.retire();
            Err(error.into())
        }
        Err(error) => Err(error.into()),
    }
}

// ---- sessions ----

/// Sign in with username or email and password; returns an access token (seed 000's
/// "Create Admin JWT"), or for a user with two-step sign-in 401 `second_factor_required`
/// with a challenge in `second_factor` (and no token). Throttled per source address
/// (before the body is read) and per login: 429 with Retry-After.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions",
    request_body = SignIn,
    responses((status = 201, description = "Signed in", body = SignedIn), SignInErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn sign_in(
    State(state): State<AppState>,
    SignInSourceAllowed(ip): SignInSourceAllowed,
    request: Request,
) -> ApiResult<(StatusCode, Json<SignedIn>)> {
    let request: SignIn = RequestArgs::new(request).body("request").await?;
    state.limiter.sign_in_login(&request.login)?;
    // Failures are throttled per (user, client address). `serve` always knows the
    // peer; a router run without it (tests in-process) counts as one unknown source.
    let source = SignInSource::Address(ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
    let _turn = state.hashing_turn().await?;
    Ok((
        StatusCode::CREATED,
        Json(state.core.sign_in(request, source).await?),
    ))
}

/// Finish a sign-in that answered `second_factor_required`: its challenge with a `code`
/// of the authenticator app or a `recovery_code`; returns the access token. Throttled per
/// source address before the body is read, like the password step; wrong codes count
/// toward the same per-user throttle as wrong passwords.
#[utoipa::path(post, path = "/api/v1/sessions/second-factor", tag = "sessions",
    request_body = SecondFactorSignIn,
    responses((status = 201, description = "Signed in", body = SignedIn), SignInErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn complete_sign_in(
    State(state): State<AppState>,
    SignInSourceAllowed(ip): SignInSourceAllowed,
    request: Request,
) -> ApiResult<(StatusCode, Json<SignedIn>)> {
    let request: SecondFactorSignIn = RequestArgs::new(request).body("request").await?;
    let source = SignInSource::Address(ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
    Ok((
        StatusCode::CREATED,
        Json(state.core.complete_sign_in(request, source).await?),
    ))
}

// ---- accounts ----

/// Create an account with its primary user and default API token, atomically
/// (seed 001; admins). A retry with the same `Idempotency-Key` returns the first
/// result (200, `replayed: true`, without the token secret).
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 characters; a retry with the same key returns the first result")),
    request_body = NewAccount,
    responses(
        (status = 201, description = "Created; the token secret is shown this once", body = AccountCreated,
            headers(("Location" = String, description = "The new account's address"))),
        (status = 200, description = "A replay of an earlier request with this idempotency key", body = AccountCreated),
        WriteErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn create_account(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    request: Request,
) -> ApiResult<Response> {
    let mut args = RequestArgs::new(request);
    let request: NewAccount = args.body("request").await?;
    let key: Option<String> = args.header("Idempotency-Key", "idempotency_key")?;
    let _turn = state.hashing_turn().await?;
    let outcome = state.core.create_account(&credential, request, key).await?;
    if !outcome.replayed {
        let location = format!("/api/v1/accounts/{}", outcome.account.id);
        return Ok(created(location, outcome));
    }
    let mut response = (StatusCode::OK, Json(outcome)).into_response();
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(response)
}

// ---- password policy ----

/// Evaluate a candidate password for live feedback: every rule's verdict and a
/// strength estimate. No credential needed; nothing stored; rate-limited per client.
#[utoipa::path(post, path = "/api/v1/password-policy/evaluate", tag = "password policy",
    request_body = PasswordCandidate,
    responses((status = 200, description = "The verdict", body = PolicyReport), EvaluateErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn evaluate_password(
    State(state): State<AppState>,
    _source: EvaluateSourceAllowed,
    request: Request,
) -> ApiResult<Json<PolicyReport>> {
    let candidate: PasswordCandidate = RequestArgs::new(request).body("candidate").await?;
    Ok(Json(state.core.evaluate_password(candidate).await?))
}

// ---- operations ----

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
    })
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "Ready", body = Ready), ReadyErrors))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Ready>> {
    match state.core.instance_status().await {
        Ok(status) => Ok(Json(Ready {
            status: "ready".to_owned(),
            initialized: status.initialized,
        })),
        Err(error) => {
            tracing::error!(error = %error, "readiness check failed");
            // The core's delay when it knows one (database down, locked, full).
            let retry_after = error.to_problem().retry_after.unwrap_or(1);
            Err(ApiError::Problem(Box::new(
                gatehouse_domain::Problem::new(
                    ErrorCode::Unavailable,
                    "The database is not reachable.",
                )
                .with_retry_after(retry_after),
            )))
        }
    }
}

/// The public keys that verify Gatehouse's access tokens (RFC 7517 JWKS, Ed25519).
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "operations",
    responses((status = 200, description = "JSON Web Key Set", body = Jwks), PublicReadErrors))]
pub async fn verification_keys(State(state): State<AppState>) -> ApiResult<Response> {
    let keys = state.core.verification_keys().await?;
    let mut response = Json(keys).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}
