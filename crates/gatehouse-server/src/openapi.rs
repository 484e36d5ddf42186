//! The OpenAPI 3.1 document, generated from the handlers' annotations and the core's
//! types, and the problem responses each kind of endpoint documents.

use std::collections::BTreeMap;

use gatehouse_domain::{ErrorCode, FieldError, Problem};
use utoipa::openapi::header::Header;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder, Schema};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::error::PROBLEM_JSON;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gatehouse admin API",
        description = "Provision admins, users, accounts and tokens of a Gatehouse instance. \
            Errors are RFC 7807 problem documents (`application/problem+json`) with a stable \
            `code` and every failing field in `errors`.",
    ),
    components(schemas(Problem, FieldError, ErrorCode)),
    modifiers(&BearerAuth),
    tags(
        (name = "instance", description = "Setup and settings"),
        (name = "audit", description = "The audit trail and its verification"),
        (name = "sessions", description = "Sign-in and the signed-in user"),
        (name = "users", description = "Users and admins"),
        (name = "accounts", description = "Accounts (tenants)"),
        (name = "tokens", description = "API tokens"),
        (name = "password policy", description = "The policy and live evaluation"),
        (name = "fields", description = "One field checked as the submit would check it"),
        (name = "operations", description = "Health, readiness, verification keys"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token (JWT, from setup or sign-in) or an API token (gth_…)",
                    ))
                    .build(),
            ),
        );
    }
}

/// Writes the core's text rules ([`gatehouse_domain::constraints::FIELD_RULES`]:
/// lengths and patterns, from the constants the core checks with) into the request
/// schemas, so the document states what the core enforces.
pub fn state_core_rules(openapi: &mut utoipa::openapi::OpenApi) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    for (schema, property, rule) in gatehouse_domain::constraints::FIELD_RULES {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*schema) else {
            continue;
        };
        let Some(RefOr::T(Schema::Object(field))) = object.properties.get_mut(*property) else {
            continue;
        };
        field.min_length = rule.min_length;
        field.max_length = rule.max_length;
        field.pattern = rule.pattern.map(str::to_owned);
    }
}

fn problems(statuses: &[u16]) -> BTreeMap<String, RefOr<Response>> {
    statuses
        .iter()
        .map(|status| {
            let description = match status {
                400 => "Malformed request (not JSON, wrong types, unknown or missing fields, bad query or path), or `already_initialized`",
                401 => "Missing, invalid or expired credential (`unauthenticated`, `token_expired`, `invalid_credentials`)",
                403 => "Not allowed: not an admin, user inactive, or password change required",
                404 => "No such resource",
                409 => "A unique value is taken (`conflict`), an idempotency key was reused, or the instance is not set up",
                413 => "Request body larger than 64 KiB",
                415 => "Request body is not `application/json`",
                422 => "Well-formed but invalid values (`validation_failed`), every failing field listed",
                429 => "Rate limit reached (`too_many_requests`); `Retry-After` says when to try again",
                503 => "Busy, too slow or not ready (`unavailable`): the password-hashing queue is full, the request took too long, or the database does not answer; `Retry-After` says when to try again",
                _ => "Internal error (details are logged, never shown)",
            };
            let mut response = ResponseBuilder::new()
                .description(description)
                .content(
                    PROBLEM_JSON,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                );
            if matches!(status, 429 | 503) {
                let mut retry_after = Header::new(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1)),
                );
                retry_after.description = Some("Seconds to wait before trying again".to_owned());
                response = response.header("Retry-After", retry_after);
            }
            let response = response.build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
}

macro_rules! problem_set {
    ($(#[$doc:meta])* $name:ident = [$($status:literal),*]) => {
        $(#[$doc])*
        pub struct $name;
        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                problems(&[$($status),*])
            }
        }
    };
}

problem_set!(
    /// Authenticated reads (422: a query value that cannot be stored, e.g. NUL).
    ReadErrors = [400, 401, 403, 404, 409, 422, 500]
);
problem_set!(
    /// Authenticated writes (503: the hashing queue is full, or too slow).
    WriteErrors = [400, 401, 403, 404, 409, 413, 415, 422, 500, 503]
);
problem_set!(
    /// Sign-in: throttled per source address and per login.
    SignInErrors = [400, 401, 403, 409, 413, 415, 422, 429, 500, 503]
);
problem_set!(
    /// The setup: needs the setup code, no token.
    SetupErrors = [400, 401, 409, 413, 415, 422, 500, 503]
);
problem_set!(
    /// The unauthenticated, rate-limited password evaluation.
    EvaluateErrors = [400, 413, 415, 422, 429, 500, 503]
);
problem_set!(
    /// Unauthenticated reads.
    PublicReadErrors = [400, 500]
);
problem_set!(
    /// Unauthenticated writes with a JSON body (e.g. checking a field's value).
    PublicWriteErrors = [400, 413, 415, 422, 500, 503]
);
problem_set!(
    /// Readiness.
    ReadyErrors = [503]
);
