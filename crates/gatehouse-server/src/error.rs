//! The adapter's one error type: a core error, or a problem the adapter found itself
//! (malformed body, wrong media type, missing token, unknown route). Both leave as an
//! RFC 7807 `application/problem+json` response.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse_domain::{ErrorCode, Problem};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Core(#[from] gatehouse_domain::Error),
    #[error("{}", .0.detail)]
    Problem(Box<Problem>),
}

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        ApiError::Problem(Box::new(problem))
    }
}

impl ApiError {
    /// A problem the adapter detected itself.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError::Problem(Box::new(Problem::new(code, detail)))
    }

    pub fn problem(&self) -> Problem {
        match self {
            ApiError::Core(error) => error.to_problem(),
            ApiError::Problem(problem) => (**problem).clone(),
        }
    }
}

/// The causes of an error, for the log (core errors never carry secrets; internal
/// ones wrap database and I/O errors, never request bodies).
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        if problem.status >= 500 {
            // Logged here with its cause; the client sees only the generic problem.
            tracing::error!(code = problem.code.as_str(), error = %causes(&self), "request failed");
        }
        problem_response(&problem)
    }
}

/// The response for a problem document.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
        body,
    )
        .into_response();
    if let Some(seconds) = problem.retry_after.or(match status {
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => Some(1),
        _ => None,
    }) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"gatehouse\""),
        );
    }
    response
}

pub type ApiResult<T> = Result<T, ApiError>;
