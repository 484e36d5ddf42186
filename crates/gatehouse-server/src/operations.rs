//! The routes expanded from the operation table (`gatehouse-operations`): for every
//! operation not marked `custom`, a handler that reads each argument from its place,
//! takes a hashing turn when the operation `hashes`, calls the core method of the same
//! name and answers 200 (201 when `created`, with the `Location` the table names); and
//! its OpenAPI entry, built from the same entry and the core's types. Operations marked
//! `custom` have a hand-written handler in [`crate::routes`].

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter};
use axum::{Json, Router};
use gatehouse_api::catalog::Flag;
use gatehouse_domain::{
    AccountDeleted, AccountDetail, AccountQuery, AccountStatusChange, AccountUpdate, AccountView,
    AllTokensQuery, ApiTokenView, AuditPage, AuditQuery, AuditVerification, FieldCheck,
    FieldReport, GeneratedPassword, InstanceStatus, IssuedApiToken, List, NewAdmin, NewApiToken,
    NewUser, Page, PasswordChange, PasswordPolicy, PasswordReset, PasswordResetRequest, PlanInUse,
    RecoveryCodes, RolesChange, Settings, SignedIn, StatusChange, TokenQuery, TotpConfirmation,
    TotpEnrollment, TotpRemoval, UserDeleted, UserQuery, UserUpdate, UserView,
};
use serde::Serialize;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder, Schema};
use utoipa::{IntoParams, IntoResponses, PartialSchema, ToSchema};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::extract::RequestArgs;
use crate::openapi::{PublicReadErrors, PublicWriteErrors, ReadErrors, WriteErrors};
use crate::AppState;

/// The response of a generated handler: 200, or 201 with `Location` filled from the
/// output's `id` when the table names one.
fn respond(flags: &[Flag], location: Option<&str>, output: impl Serialize) -> Response {
    let created = flags.contains(&Flag::created);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = location.and_then(|template| {
        let value = serde_json::to_value(&output).ok()?;
        let id = value.get("id")?.as_str()?.to_owned();
        HeaderValue::from_str(&template.replace("{id}", &id)).ok()
    });
    let mut response = (status, Json(output)).into_response();
    if let Some(location) = location {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

fn method_filter(method: &str) -> MethodFilter {
    match method {
        "get" => MethodFilter::GET,
        "post" => MethodFilter::POST,
        "put" => MethodFilter::PUT,
        "patch" => MethodFilter::PATCH,
        "delete" => MethodFilter::DELETE,
        other => panic!("the operation table has no method `{other}`"),
    }
}

fn http_method(method: &str) -> HttpMethod {
    match method {
        "get" => HttpMethod::Get,
        "post" => HttpMethod::Post,
        "put" => HttpMethod::Put,
        "patch" => HttpMethod::Patch,
        "delete" => HttpMethod::Delete,
        other => panic!("the operation table has no method `{other}`"),
    }
}

/// The components an operation's types need, to add to the document.
type Schemas = Vec<(String, RefOr<Schema>)>;

/// What the document says of an operation, before its arguments and response.
fn describe(name: &str, doc: &[&str], tag: &str, access: &str, method: &str) -> OperationBuilder {
    let text: Vec<&str> = doc.iter().map(|line| line.trim()).collect();
    let mut operation = OperationBuilder::new()
        .operation_id(Some(name))
        .tag(tag)
        .summary(text.first().copied())
        .description((text.len() > 1).then(|| text.join(" ")));
    let errors = match (access, method) {
        ("caller", "get") => ReadErrors::responses(),
        ("caller", _) => WriteErrors::responses(),
        (_, "get") => PublicReadErrors::responses(),
        _ => PublicWriteErrors::responses(),
    };
    if access == "caller" {
        operation = operation.security(SecurityRequirement::new("bearer", Vec::<String>::new()));
    }
    for (status, response) in errors {
        operation = operation.response(status, response);
    }
    operation
}

/// The schema of a path parameter's type.
trait PathSchema {
    fn path_schema() -> RefOr<Schema>;
}

impl PathSchema for Uuid {
    fn path_schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
            .into()
    }
}

fn path_parameter<T: PathSchema>(operation: OperationBuilder, name: &str) -> OperationBuilder {
    operation.parameter(
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .schema(Some(T::path_schema())),
    )
}

fn query_parameters<T: IntoParams + ToSchema>(
    operation: OperationBuilder,
    schemas: &mut Schemas,
) -> OperationBuilder {
    T::schemas(schemas);
    operation.parameters(Some(T::into_params(|| Some(ParameterIn::Query))))
}

#[allow(dead_code)] // every operation with a header argument is `custom` for now
fn header_parameter(operation: OperationBuilder, header: &str) -> OperationBuilder {
    operation.parameter(
        ParameterBuilder::new()
            .name(header)
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .schema(Some(String::schema())),
    )
}

fn request_body<T: ToSchema>(
    operation: OperationBuilder,
    required: bool,
    schemas: &mut Schemas,
) -> OperationBuilder {
    schemas.push((T::name().into_owned(), T::schema()));
    T::schemas(schemas);
    operation.request_body(Some(
        RequestBodyBuilder::new()
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(T::name())))
                    .build(),
            )
            .required(Some(if required {
                Required::True
            } else {
                Required::False
            }))
            .build(),
    ))
}

fn response_body<T: ToSchema>(
    operation: OperationBuilder,
    flags: &[Flag],
    location: Option<&str>,
    schemas: &mut Schemas,
) -> OperationBuilder {
    T::schemas(schemas);
    let (status, description) = if flags.contains(&Flag::created) {
        ("201", "Created")
    } else {
        ("200", "OK")
    };
    let mut response = ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new().schema(Some(T::schema())).build(),
    );
    if location.is_some() {
        let mut header = utoipa::openapi::header::Header::new(String::schema());
        header.description = Some("The new resource's address".to_owned());
        response = response.header("Location", header);
    }
    operation.response(status, response.build())
}

/// One argument of a generated handler, read from its place.
macro_rules! argument {
    (@read $args:ident path $arg:ident: $ty:ty) => {
        $args.path::<$ty>(stringify!($arg)).await?
    };
    (@read $args:ident query $arg:ident: $ty:ty) => {
        $args.query::<$ty>().await?
    };
    (@read $args:ident body $arg:ident: $ty:ty) => {
        $args.body::<$ty>(stringify!($arg)).await?
    };
    (@read $args:ident optional_body $arg:ident: $ty:ty) => {
        $args.optional_body::<$ty>(stringify!($arg)).await?
    };
    (@read $args:ident header($header:literal) $arg:ident: $ty:ty) => {
        $args.header::<$ty>($header, stringify!($arg))?
    };

    (@doc $op:ident $schemas:ident path $arg:ident: $ty:ty) => {
        path_parameter::<$ty>($op, stringify!($arg))
    };
    (@doc $op:ident $schemas:ident query $arg:ident: $ty:ty) => {
        query_parameters::<$ty>($op, &mut $schemas)
    };
    (@doc $op:ident $schemas:ident body $arg:ident: $ty:ty) => {
        request_body::<$ty>($op, true, &mut $schemas)
    };
    (@doc $op:ident $schemas:ident optional_body $arg:ident: $ty:ty) => {
        request_body::<$ty>($op, false, &mut $schemas)
    };
    (@doc $op:ident $schemas:ident header($header:literal) $arg:ident: $ty:ty) => {
        header_parameter($op, $header)
    };
}

/// The caller's credential, for `caller` operations.
macro_rules! caller {
    (public $args:ident) => {
        ()
    };
    (caller $args:ident) => {
        $args.caller().await?
    };
}

/// The core call of a generated handler, by access.
macro_rules! core_call {
    (public $state:ident $caller:ident $name:ident ($($arg:ident),*)) => {
        $state.core.$name($($arg),*).await?
    };
    (caller $state:ident $caller:ident $name:ident ($($arg:ident),*)) => {
        $state.core.$name(&$caller, $($arg),*).await?
    };
}

/// A handler and its registration for each operation not marked `custom`.
macro_rules! route {
    // Written by hand in `routes` (the tests check that it serves this route).
    (@handler [custom $(, $flag:ident)*] $($rest:tt)*) => {};
    (@handler [$($flag:ident),*] $name:ident $access:ident $location:expr,
        ($($place:ident $(($header:literal))? $arg:ident: $ty:ty),*) -> $out:ty) => {
        #[tracing::instrument(skip_all, err(level = "info"))]
        pub async fn $name(State(state): State<AppState>, request: Request) -> ApiResult<Response> {
            #[allow(unused_mut, unused_variables)] // no argument to read
            let mut args = RequestArgs::new(request);
            // Who calls comes first: 401 before any argument is looked at.
            #[allow(unused_variables)] // public operations have no caller
            let caller = caller!($access args);
            $( let $arg = argument!(@read args $place $(($header))? $arg: $ty); )*
            const FLAGS: &[Flag] = &[$(Flag::$flag),*];
            let _turn = if FLAGS.contains(&Flag::hashes) {
                Some(state.hashing_turn().await?)
            } else {
                None
            };
            let output: $out = core_call!($access state caller $name ($($arg),*));
            Ok(respond(FLAGS, $location, output))
        }
    };

    (@register [custom $(, $flag:ident)*] $($rest:tt)*) => {};
    (@register [$($flag:ident),*] $router:ident $doc:ident $name:ident $access:ident
        $method:ident $path:literal $tag:literal [$($docline:literal),*] $location:expr,
        ($($place:ident $(($header:literal))? $arg:ident: $ty:ty),*) -> $out:ty) => {{
        const FLAGS: &[Flag] = &[$(Flag::$flag),*];
        let method = stringify!($method);
        $router = $router.route($path, on(method_filter(method), $name));
        let mut schemas = Schemas::new();
        let operation = describe(
            stringify!($name),
            &[$($docline),*],
            $tag,
            stringify!($access),
            method,
        );
        $( let operation = argument!(@doc operation schemas $place $(($header))? $arg: $ty); )*
        let operation = response_body::<$out>(operation, FLAGS, $location, &mut schemas);
        $doc.paths.add_path_operation($path, vec![http_method(method)], operation.build());
        let components = $doc.components.get_or_insert_with(Default::default);
        for (name, schema) in schemas {
            components.schemas.entry(name).or_insert(schema);
        }
    }};
}

macro_rules! routes {
    ($({ $name:ident $access:ident [$($doc:literal),*]
        ($( $place:ident $( ($header:literal) )? $arg:ident : $ty:ty ),*) -> $out:ty,
        $method:ident $path:literal $tag:literal [$($flag:ident),*] ($($location:literal)?) $window:ident
    })*) => {
        $( route!(@handler [$($flag),*] $name $access gatehouse_api::optional!($($location)?),
            ($($place $(($header))? $arg: $ty),*) -> $out); )*

        /// Adds every generated route to `router` and its entry to `doc`.
        pub fn add(mut router: Router<AppState>, doc: &mut OpenApi) -> Router<AppState> {
            $( route!(@register [$($flag),*] router doc $name $access $method $path $tag
                [$($doc),*] gatehouse_api::optional!($($location)?),
                ($($place $(($header))? $arg: $ty),*) -> $out); )*
            router
        }
    };
}

gatehouse_api::backend_operations!(routes);
