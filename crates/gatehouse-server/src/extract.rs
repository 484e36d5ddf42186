//! Extractors whose every rejection is a problem document: the bearer credential,
//! a strict JSON body, query strings and path parameters.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use gatehouse_domain::{Credential, ErrorCode, FieldError, Problem};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The caller's `Authorization: Bearer <token>`; 401 without one.
pub struct Bearer(pub Credential);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(Credential::from_authorization_header)
            .map(Bearer)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Unauthenticated,
                    "Send an access token or API token as `Authorization: Bearer <token>`.",
                )
            })
    }
}

/// The client's IP address (the peer of the TCP connection).
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

/// A JSON request body: `application/json` (415 otherwise), within the body limit
/// (413), well-formed and of the expected shape (400, naming the failing field).
/// Values that parse but break a rule are the core's business (422).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let has_json_type = is_json(request.headers());
        let bytes = read_body(request, state).await?;
        if !has_json_type {
            return Err(unsupported_media_type());
        }
        parse(&bytes).map(ApiJson)
    }
}

/// Like [`ApiJson`], but an empty body (without a content type) means `T::default()`.
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let has_type = request.headers().contains_key(header::CONTENT_TYPE);
        let has_json_type = is_json(request.headers());
        let bytes = read_body(request, state).await?;
        if bytes.is_empty() && !has_type {
            return Ok(OptionalJson(T::default()));
        }
        if !has_json_type {
            return Err(unsupported_media_type());
        }
        parse(&bytes).map(OptionalJson)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedMediaType,
        "Send the request body as JSON with `Content-Type: application/json`.",
    )
}

async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    format!(
                        "The request body is larger than {} KiB.",
                        crate::BODY_LIMIT_BYTES / 1024
                    ),
                )
            } else {
                ApiError::new(ErrorCode::BadRequest, "The request body could not be read.")
            }
        })
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| body_problem("body", &error))?;
    let mut with_nul = Vec::new();
    find_nul_characters(&value, String::new(), &mut with_nul);
    let parsed = serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        body_problem(if path == "." { "body" } else { &path }, error.inner())
    })?;
    if !with_nul.is_empty() {
        return Err(nul_problem(with_nul));
    }
    Ok(parsed)
}

/// The paths of strings (and keys) holding U+0000, which PostgreSQL cannot store
/// in text: refused up front (422) on both databases alike.
fn find_nul_characters(value: &serde_json::Value, path: String, found: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) if text.contains('\0') => found.push(path),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_nul_characters(item, format!("{path}[{i}]"), found);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if key.contains('\0') {
                    found.push(here.clone());
                }
                find_nul_characters(item, here, found);
            }
        }
        _ => {}
    }
}

fn nul_problem(fields: Vec<String>) -> ApiError {
    let errors = fields
        .iter()
        .map(|field| {
            FieldError::new(
                if field.is_empty() { "body" } else { field },
                "invalid_character",
                "Text may not contain NUL characters (U+0000).",
            )
        })
        .collect();
    gatehouse_domain::Error::Validation(errors).into()
}

/// 400 for a body that is not JSON, or JSON of the wrong shape, naming the field.
fn body_problem(field: &str, error: &serde_json::Error) -> ApiError {
    let detail = match error.classify() {
        serde_json::error::Category::Data => {
            "The request body does not have the expected fields and types."
        }
        _ => "The request body is not valid JSON.",
    };
    let mut problem = Problem::new(ErrorCode::BadRequest, detail);
    problem.errors = vec![FieldError::new(field, "invalid", error.to_string())];
    ApiError::Problem(Box::new(problem))
}

/// A query string; 400 when it does not parse (unknown parameter, wrong type).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.uri.query().is_some_and(|q| q.contains("%00")) {
            return Err(nul_problem(vec!["query".to_owned()]));
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|rejection: QueryRejection| {
                let mut problem =
                    Problem::new(ErrorCode::BadRequest, "The query string is not valid.");
                problem.errors = vec![FieldError::new("query", "invalid", rejection.body_text())];
                ApiError::Problem(Box::new(problem))
            })
    }
}

/// A path parameter; 400 when it does not parse (e.g. an id that is not a UUID).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|rejection: PathRejection| {
                let mut problem = Problem::new(ErrorCode::BadRequest, "The URL is not valid.");
                problem.errors = vec![FieldError::new("id", "invalid", rejection.body_text())];
                ApiError::Problem(Box::new(problem))
            })
    }
}
