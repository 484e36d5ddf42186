//! Extractors whose every rejection is a problem document: the bearer credential,
//! a strict JSON body, query strings, and [`RequestArgs`], which reads a generated
//! handler's arguments from their places.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use gatehouse_api::Arg;
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

/// A JSON body as the argument `field`: not JSON at all is this adapter's 400; JSON of
/// the wrong shape is decoded as every adapter decodes an argument ([`Arg`]).
fn parse<T: DeserializeOwned>(bytes: &[u8], field: &str) -> Result<T, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| body_problem(field, &error))?;
    Ok(Arg::<T>::new(value).decode(field)?)
}

/// 400 for a body that is not JSON.
fn body_problem(field: &str, error: &serde_json::Error) -> ApiError {
    let mut problem = Problem::new(ErrorCode::BadRequest, "The request body is not valid JSON.");
    problem.errors = vec![FieldError::new(field, "invalid", error.to_string())];
    ApiError::Problem(Box::new(problem))
}

/// A query string; 400 when it does not parse (unknown parameter, wrong type).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    /// A value of the wrong type is named by its field (`limit`), as every adapter
    /// names a malformed argument; an unknown parameter by `query`.
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| {
                let path = error.path().to_string();
                let field = if path == "." { "query" } else { &path };
                gatehouse_api::malformed(field, error.inner()).into()
            })
    }
}

/// A request taken apart for a handler expanded from the operation table
/// ([`crate::operations`]): each argument is read from its place, in the table's order.
pub struct RequestArgs {
    parts: Parts,
    body: Option<axum::body::Body>,
}

impl RequestArgs {
    pub fn new(request: Request) -> Self {
        let (parts, body) = request.into_parts();
        RequestArgs {
            parts,
            body: Some(body),
        }
    }

    /// The caller's bearer credential; 401 without one.
    pub async fn caller(&mut self) -> Result<Credential, ApiError> {
        Ok(Bearer::from_request_parts(&mut self.parts, &()).await?.0)
    }

    /// `{name}` of the route, decoded as every adapter decodes an argument.
    pub async fn path<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, ApiError> {
        let params = axum::extract::RawPathParams::from_request_parts(&mut self.parts, &())
            .await
            .map_err(|rejection| {
                ApiError::Problem(Box::new(gatehouse_api::malformed(
                    name,
                    rejection.body_text(),
                )))
            })?;
        let raw = params
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_owned());
        let value = raw.map_or(serde_json::Value::Null, serde_json::Value::String);
        Ok(Arg::<T>::new(value).decode(name)?)
    }

    /// The query string as one struct of optional fields.
    pub async fn query<T: DeserializeOwned + Send>(&mut self) -> Result<T, ApiError> {
        Ok(ApiQuery::<T>::from_request_parts(&mut self.parts, &())
            .await?
            .0)
    }

    /// The JSON body as the argument `name`.
    pub async fn body<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, ApiError> {
        let bytes = self.read_body().await?;
        if !is_json(&self.parts.headers) {
            return Err(unsupported_media_type());
        }
        parse(&bytes, name)
    }

    /// Like [`RequestArgs::body`], but an empty body without a content type is `T::default()`.
    pub async fn optional_body<T: DeserializeOwned + Default>(
        &mut self,
        name: &str,
    ) -> Result<T, ApiError> {
        let bytes = self.read_body().await?;
        if bytes.is_empty() && !self.parts.headers.contains_key(header::CONTENT_TYPE) {
            return Ok(T::default());
        }
        if !is_json(&self.parts.headers) {
            return Err(unsupported_media_type());
        }
        parse(&bytes, name)
    }

    /// The header `header` as the (optional) argument `name`.
    pub fn header<T: DeserializeOwned>(&self, header: &str, name: &str) -> Result<T, ApiError> {
        let value = match self.parts.headers.get(header) {
            None => serde_json::Value::Null,
            Some(value) => serde_json::Value::String(
                value
                    .to_str()
                    .map_err(|_| gatehouse_api::malformed(name, "Use visible ASCII characters."))?
                    .to_owned(),
            ),
        };
        Ok(Arg::<T>::new(value).decode(name)?)
    }

    async fn read_body(&mut self) -> Result<Bytes, ApiError> {
        let body = self.body.take().unwrap_or_default();
        axum::body::to_bytes(body, crate::BODY_LIMIT_BYTES)
            .await
            .map_err(|error| {
                let too_large = std::error::Error::source(&error)
                    .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
                if too_large {
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
}
