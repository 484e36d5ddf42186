//! The handlers: each parses its request, calls one core operation, and maps the
//! result. No business rule lives here.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_domain::{
    AccountCreated, AccountView, ApiTokenView, AuditEvent, ErrorCode, FieldError, InstanceStatus,
    IssuedApiToken, Jwks, NewAccount, NewAdmin, NewApiToken, NewUser, Page, PasswordChange,
    PasswordContext, PasswordPolicy, PasswordReset, PolicyReport, Role, Settings, Setup, SignIn,
    SignedIn, UserQuery, UserStatus, UserView,
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Bearer, OptionalJson};
use crate::openapi::{
    EvaluateErrors, PublicReadErrors, ReadErrors, ReadyErrors, SetupErrors, SignInErrors,
    WriteErrors,
};
use crate::rate_limit::{EvaluateSourceAllowed, SignInSourceAllowed};
use crate::AppState;

// ---- request and response shapes of the adapter's own ----

/// 201 Created with the new resource's address in `Location`.
fn created(location: String, body: impl Serialize) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Setup's response: seed 000's `data.accessToken` (kept in the seed's camelCase
/// for compatibility) beside everything else the setup made, in snake_case. The
/// token appears once, in `data` only.
#[derive(Serialize, ToSchema)]
pub struct SetupResponse {
    pub data: SetupData,
    pub admin: UserView,
    pub account: AccountView,
    pub instance_id: Uuid,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetupData {
    /// The first admin's access token (JWT), as seed 000 returns it.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// When the access token expires (RFC 3339).
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: UserStatus,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolesChange {
    pub roles: Vec<Role>,
}

/// An admin's password reset. Without `temporary_password` (or without a body) one
/// is generated and returned once.
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub temporary_password: Option<SecretString>,
}

/// A candidate password for live feedback. Nothing is stored.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// At most 1024 characters.
    #[schema(value_type = String)]
    pub password: SecretString,
    /// Personal details the password must not contain (e.g. the form's username).
    #[serde(default)]
    pub context: Option<PasswordContext>,
    /// A policy to preview; the one in force when absent.
    #[serde(default)]
    pub policy: Option<PasswordPolicy>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size (accounts 1–200, audit events 1–500); default 50.
    pub limit: Option<u32>,
    /// How many to skip.
    pub offset: Option<u32>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TokenParams {
    /// Whose tokens (admins only); the caller's when absent.
    pub user_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<ApiTokenView>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEventList {
    pub items: Vec<AuditEvent>,
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
    responses((status = 200, description = "Set up; the admin's access token is shown this once", body = SetupResponse), SetupErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn setup(
    State(state): State<AppState>,
    _code: SetupCodeHeader,
    ApiJson(request): ApiJson<Setup>,
) -> ApiResult<Json<SetupResponse>> {
    let _turn = state.hashing_turn().await?;
    match state.core.setup(request).await {
        Ok(done) => {
            state.setup_code.retire();
            Ok(Json(SetupResponse {
                data: SetupData {
                    access_token: done.access_token.access_token.expose().to_owned(),
                    token_type: done.access_token.token_type,
                    expires_at: done.access_token.expires_at,
                },
                admin: done.admin,
                account: done.account,
                instance_id: done.instance_id,
            }))
        }
        Err(error @ gatehouse_domain::Error::AlreadyInitialized) => {
            state.setup_code.retire();
            Err(error.into())
        }
        Err(error) => Err(error.into()),
    }
}

/// Whether the instance is set up. No credential needed.
#[utoipa::path(get, path = "/api/v1/instance", tag = "instance",
    responses((status = 200, description = "Instance status", body = InstanceStatus), PublicReadErrors))]
pub async fn instance(State(state): State<AppState>) -> ApiResult<Json<InstanceStatus>> {
    Ok(Json(state.core.instance_status().await?))
}

/// The instance's settings (admins).
#[utoipa::path(get, path = "/api/v1/settings", tag = "instance", security(("bearer" = [])),
    responses((status = 200, description = "Settings", body = Settings), ReadErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn settings(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
) -> ApiResult<Json<Settings>> {
    Ok(Json(state.core.settings(&credential).await?))
}

/// Replace the instance's settings: password policy, token lifetimes, lockout,
/// blocked email domains (admins).
#[utoipa::path(put, path = "/api/v1/settings", tag = "instance", security(("bearer" = [])),
    request_body = Settings,
    responses((status = 200, description = "The new settings", body = Settings), WriteErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn update_settings(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiJson(settings): ApiJson<Settings>,
) -> ApiResult<Json<Settings>> {
    Ok(Json(
        state.core.update_settings(&credential, settings).await?,
    ))
}

/// The audit trail, newest first (admins).
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "instance", security(("bearer" = [])),
    params(ListParams),
    responses((status = 200, description = "Audit events", body = AuditEventList), ReadErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn audit_events(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiQuery(page): ApiQuery<ListParams>,
) -> ApiResult<Json<AuditEventList>> {
    let items = state
        .core
        .audit_events(
            &credential,
            page.limit.unwrap_or(50),
            page.offset.unwrap_or(0),
        )
        .await?;
    Ok(Json(AuditEventList { items }))
}

// ---- sessions and the caller ----

/// Sign in with username or email and password; returns an access token (seed 000's
/// "Create Admin JWT"). Throttled per source address (before the body is read) and
/// per login: 429 with Retry-After.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions",
    request_body = SignIn,
    responses((status = 201, description = "Signed in", body = SignedIn), SignInErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn sign_in(
    State(state): State<AppState>,
    SignInSourceAllowed(_source): SignInSourceAllowed,
    ApiJson(request): ApiJson<SignIn>,
) -> ApiResult<(StatusCode, Json<SignedIn>)> {
    state.limiter.sign_in_login(&request.login)?;
    // TODO(lead): when `Gatehouse::sign_in` takes the source address (issue 12, the
    // core's per-(login, source) failure count), pass `_source` (the TCP peer's IP).
    let _turn = state.hashing_turn().await?;
    Ok((
        StatusCode::CREATED,
        Json(state.core.sign_in(request).await?),
    ))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "sessions", security(("bearer" = [])),
    responses((status = 200, description = "The caller", body = UserView), ReadErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn me(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
) -> ApiResult<Json<UserView>> {
    Ok(Json(state.core.me(&credential).await?))
}

/// Change one's own password (seed 000's "Reset Admin Password"); required while
/// the password is temporary.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "sessions", security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 200, description = "Changed. Every earlier session has ended, this one too: \
        continue with the new access token returned here", body = SignedIn), WriteErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn change_password(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiJson(change): ApiJson<PasswordChange>,
) -> ApiResult<Json<SignedIn>> {
    let _turn = state.hashing_turn().await?;
    Ok(Json(state.core.change_password(&credential, change).await?))
}

// ---- users and admins ----

/// Search, filter and page the users (admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])),
    params(UserQuery),
    responses((status = 200, description = "One page of users", body = Page<UserView>), ReadErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn list_users(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiQuery(query): ApiQuery<UserQuery>,
) -> ApiResult<Json<Page<UserView>>> {
    Ok(Json(state.core.users(&credential, query).await?))
}

/// Create a user (seeds 002, 004; admins).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])),
    request_body = NewUser,
    responses((status = 201, description = "Created", body = UserView,
        headers(("Location" = String, description = "The new user's address"))), WriteErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn create_user(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiJson(request): ApiJson<NewUser>,
) -> ApiResult<Response> {
    let _turn = state.hashing_turn().await?;
    let user = state.core.create_user(&credential, request).await?;
    Ok(created(format!("/api/v1/users/{}", user.id), user))
}

/// One user (admins).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, description = "The user", body = UserView), ReadErrors))]
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "info"))]
pub async fn get_user(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(state.core.user(&credential, id).await?))
}

/// Change a user's status: active, pending, suspended, deactivated (admins).
#[utoipa::path(put, path = "/api/v1/users/{id}/status", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body = StatusChange,
    responses((status = 200, description = "The user", body = UserView), WriteErrors))]
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "info"))]
pub async fn set_user_status(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(change): ApiJson<StatusChange>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(
        state
            .core
            .set_user_status(&credential, id, change.status)
            .await?,
    ))
}

/// Replace a user's roles (admins).
#[utoipa::path(put, path = "/api/v1/users/{id}/roles", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body = RolesChange,
    responses((status = 200, description = "The user", body = UserView), WriteErrors))]
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "info"))]
pub async fn set_user_roles(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(change): ApiJson<RolesChange>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(
        state
            .core
            .set_user_roles(&credential, id, change.roles)
            .await?,
    ))
}

/// Set a temporary password the user must change at next sign-in (admins).
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body(content = Option<PasswordResetRequest>, description = "Optional: a temporary password of your own"),
    responses((status = 200, description = "Reset; a generated password is shown this once", body = PasswordReset), WriteErrors))]
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "info"))]
pub async fn reset_user_password(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiPath(id): ApiPath<Uuid>,
    OptionalJson(request): OptionalJson<PasswordResetRequest>,
) -> ApiResult<Json<PasswordReset>> {
    let _turn = state.hashing_turn().await?;
    Ok(Json(
        state
            .core
            .reset_user_password(&credential, id, request.temporary_password)
            .await?,
    ))
}

/// Lift a sign-in lock (admins).
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, description = "The user", body = UserView), WriteErrors))]
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "info"))]
pub async fn unlock_user(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(state.core.unlock_user(&credential, id).await?))
}

/// Create an admin: role admin, email confirmed (seed 003; admins).
#[utoipa::path(post, path = "/api/v1/admins", tag = "users", security(("bearer" = [])),
    request_body = NewAdmin,
    responses((status = 201, description = "Created", body = UserView,
        headers(("Location" = String, description = "The new admin's address"))), WriteErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn create_admin(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiJson(request): ApiJson<NewAdmin>,
) -> ApiResult<Response> {
    let _turn = state.hashing_turn().await?;
    let admin = state.core.create_admin(&credential, request).await?;
    Ok(created(format!("/api/v1/users/{}", admin.id), admin))
}

// ---- accounts ----

/// Accounts, newest first (admins).
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])),
    params(ListParams),
    responses((status = 200, description = "One page of accounts", body = Page<AccountView>), ReadErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn list_accounts(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiQuery(page): ApiQuery<ListParams>,
) -> ApiResult<Json<Page<AccountView>>> {
    Ok(Json(
        state
            .core
            .accounts(
                &credential,
                page.limit.unwrap_or(50),
                page.offset.unwrap_or(0),
            )
            .await?,
    ))
}

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
    headers: HeaderMap,
    ApiJson(request): ApiJson<NewAccount>,
) -> ApiResult<Response> {
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| {
            ApiError::Core(gatehouse_domain::Error::Validation(vec![FieldError::new(
                "idempotency_key",
                "invalid",
                "Use visible ASCII characters.",
            )]))
        })?),
    };
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

/// One account (admins).
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Account id")),
    responses((status = 200, description = "The account", body = AccountView), ReadErrors))]
#[tracing::instrument(skip_all, fields(account_id = %id), err(level = "info"))]
pub async fn get_account(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(state.core.account(&credential, id).await?))
}

// ---- API tokens ----

/// API tokens of the caller, or (admins) of `user_id`. Never their secrets.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", security(("bearer" = [])),
    params(TokenParams),
    responses((status = 200, description = "Tokens, newest first", body = TokenList), ReadErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn list_tokens(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiQuery(params): ApiQuery<TokenParams>,
) -> ApiResult<Json<TokenList>> {
    let items = state.core.api_tokens(&credential, params.user_id).await?;
    Ok(Json(TokenList { items }))
}

/// Create an API token (seed 000's service token); its secret is shown this once.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", security(("bearer" = [])),
    request_body = NewApiToken,
    responses((status = 201, description = "Created", body = IssuedApiToken), WriteErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn create_token(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiJson(request): ApiJson<NewApiToken>,
) -> ApiResult<(StatusCode, Json<IssuedApiToken>)> {
    let issued = state.core.create_api_token(&credential, request).await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// Revoke an API token. Revoking twice is harmless.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Token id")),
    responses((status = 200, description = "The revoked token", body = ApiTokenView), WriteErrors))]
#[tracing::instrument(skip_all, fields(token_id = %id), err(level = "info"))]
pub async fn revoke_token(
    State(state): State<AppState>,
    Bearer(credential): Bearer,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ApiTokenView>> {
    Ok(Json(state.core.revoke_api_token(&credential, id).await?))
}

// ---- password policy ----

/// The password policy in force. No credential needed (setup and sign-up forms show it).
#[utoipa::path(get, path = "/api/v1/password-policy", tag = "password policy",
    responses((status = 200, description = "The policy", body = PasswordPolicy), PublicReadErrors))]
pub async fn password_policy(State(state): State<AppState>) -> ApiResult<Json<PasswordPolicy>> {
    Ok(Json(state.core.password_policy().await?))
}

/// Evaluate a candidate password for live feedback: every rule's verdict and a
/// strength estimate. No credential needed; nothing stored; rate-limited per client.
#[utoipa::path(post, path = "/api/v1/password-policy/evaluate", tag = "password policy",
    request_body = EvaluateRequest,
    responses((status = 200, description = "The verdict", body = PolicyReport), EvaluateErrors))]
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn evaluate_password(
    State(state): State<AppState>,
    _source: EvaluateSourceAllowed,
    ApiJson(request): ApiJson<EvaluateRequest>,
) -> ApiResult<Json<PolicyReport>> {
    let context = request.context.unwrap_or_default();
    Ok(Json(
        state
            .core
            .evaluate_password(request.password, context, request.policy)
            .await?,
    ))
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
            Err(ApiError::new(
                ErrorCode::Unavailable,
                "The database is not reachable.",
            ))
        }
    }
}

/// The public keys that verify Gatehouse's access tokens (RFC 7517 JWKS, Ed25519).
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "operations",
    responses((status = 200, description = "JSON Web Key Set", body = Jwks), PublicReadErrors))]
pub async fn jwks(State(state): State<AppState>) -> ApiResult<Response> {
    let keys = state.core.verification_keys().await?;
    let mut response = Json(keys).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}
