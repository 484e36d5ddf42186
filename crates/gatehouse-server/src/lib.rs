//! `gatehouse serve`: the headless HTTP admin API over the Gatehouse core.
//!
//! Every endpoint parses its request, calls one [`Gatehouse`] operation and maps
//! the result; errors leave as RFC 7807 problem documents. [`router`] builds the
//! application, [`serve`] runs it until a shutdown signal, and [`run`] is the whole
//! `serve` command (connect, issue the setup code, bind, serve).

pub mod database_url;
pub mod error;
pub mod extract;
pub mod hashing;
pub mod keys;
pub mod openapi;
pub mod operations;
pub mod private_file;
pub mod rate_limit;
pub mod routes;
pub mod serve;
pub mod setup_code;
pub mod tls;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::Router;
use gatehouse_domain::{Clock, DatabaseConfig, ErrorCode, Gatehouse, SystemClock};
use secrecy::SecretString;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{problem_response, ApiError};
use crate::hashing::{HashingLimits, HashingQueue};
use crate::rate_limit::RateLimiter;
pub use crate::serve::{serve_tls_with, serve_with, ServeOptions};
use crate::setup_code::SetupCode;

/// The largest request body accepted (413 beyond).
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// The server's defences against floods: throttles on the unauthenticated
/// endpoints and the password-hashing queue.
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    pub rates: rate_limit::Limits,
    pub hashing: HashingLimits,
}

/// What every handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub core: Gatehouse,
    pub setup_code: Arc<SetupCode>,
    pub limiter: Arc<RateLimiter>,
    /// Bounds the requests that hash passwords (argon2, ~19 MiB and tens of ms of
    /// CPU each): a few run at once, a bounded number wait, the rest get 503.
    /// Without it a burst starts one blocking thread per request, starves the async
    /// workers, and transactions holding pooled connections stall until the pool
    /// times out.
    pub hashing: Arc<HashingQueue>,
}

impl AppState {
    pub fn new(core: Gatehouse, setup_code: SetupCode) -> Self {
        AppState::with_limits(core, setup_code, Limits::default(), Arc::new(SystemClock))
    }

    /// With limits of one's choosing, and the clock the throttles refill by.
    pub fn with_limits(
        core: Gatehouse,
        setup_code: SetupCode,
        limits: Limits,
        clock: Arc<dyn Clock>,
    ) -> Self {
        AppState {
            core,
            setup_code: Arc::new(setup_code),
            limiter: Arc::new(RateLimiter::new(limits.rates, clock)),
            hashing: Arc::new(HashingQueue::new(limits.hashing)),
        }
    }

    /// Waits for a turn to run an operation that hashes a password; 503
    /// `unavailable` (Retry-After) when too many already wait.
    pub async fn hashing_turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        Ok(self.hashing.turn().await?)
    }
}

/// The API routes and their OpenAPI document: the operations' routes expanded from the
/// operation table ([`operations`]), the hand-written ones ([`routes`]) and the
/// endpoints that are no operation (health, readiness).
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(routes::setup))
        .routes(routes!(routes::sign_in))
        .routes(routes!(routes::complete_sign_in))
        .routes(routes!(routes::create_account))
        .routes(routes!(routes::evaluate_password))
        .routes(routes!(routes::healthz))
        .routes(routes!(routes::readyz))
        .routes(routes!(routes::verification_keys))
        .split_for_parts();
    let router = operations::add(router, &mut doc);
    // The request schemas are in the document only now that the routes added them.
    openapi::state_core_rules(&mut doc);
    (router, doc)
}

/// The OpenAPI document as served at `/openapi.json`.
pub fn openapi_json() -> String {
    api()
        .1
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
}

/// The whole application: API, `/openapi.json`, problem documents for unknown
/// routes and methods, body limit, panic catcher and request logs.
pub fn router(state: AppState) -> Router {
    let (api, document) = api();
    let document: Arc<str> = document
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
        .into();
    api.route(
        "/openapi.json",
        axum::routing::get(move || {
            let document = document.clone();
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    )],
                    document.to_string(),
                )
            }
        }),
    )
    .fallback(not_found)
    .method_not_allowed_fallback(method_not_allowed)
    .with_state(state)
    .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
    .layer(CatchPanicLayer::custom(|_| {
        tracing::error!("a handler panicked");
        problem_response(&gatehouse_domain::Problem::new(
            ErrorCode::Internal,
            "Internal error: the details are in the log.",
        ))
    }))
    // Spans name the method and path only: no headers (Authorization), no query
    // string, no bodies (passwords) ever reach the log.
    .layer(
        TraceLayer::new_for_http()
            .make_span_with(|request: &Request| {
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                )
            })
            .on_request(())
            .on_response(
                |response: &Response, latency: Duration, _span: &tracing::Span| {
                    tracing::info!(
                        status = response.status().as_u16(),
                        latency_ms = latency.as_millis() as u64,
                        "response"
                    );
                },
            ),
    )
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "There is no such endpoint.")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "This endpoint does not support this method.",
    )
}

/// Serves `app` on `listener` with the default time limits until `shutdown`
/// completes, then lets in-flight requests finish. See [`serve_with`].
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, ServeOptions::default(), shutdown).await
}

/// The `serve` command's options.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    pub database: DatabaseConfig,
    pub setup_code_file: PathBuf,
    /// What this server keeps: its signing key, a self-signed certificate.
    pub data_dir: PathBuf,
    /// TLS, required unless `bind` is a loopback address.
    pub tls: Option<tls::TlsSource>,
    pub serve: ServeOptions,
    pub limits: Limits,
}

/// What `run` has to tell whoever started the server (the console, the journal).
pub enum Notice<'a> {
    /// The instance is not set up: the one-time code, also written to `file`.
    SetupCode {
        code: &'a SecretString,
        file: &'a std::path::Path,
    },
    /// The certificate's fingerprint, to compare with what a desktop shows.
    Fingerprint(&'a str),
}

/// Connects to the database (applying migrations) with an in-memory signing key.
pub async fn connect(database: &DatabaseConfig) -> anyhow::Result<Gatehouse> {
    let secrets = Arc::new(gatehouse_domain::MemorySecretStore::default());
    Ok(Gatehouse::connect(database, secrets).await?)
}

/// Refuses plain HTTP anywhere but on a loopback address: an admin's password and
/// tokens would cross the network in the clear.
pub fn check_plain_http(bind: SocketAddr, tls: Option<&tls::TlsSource>) -> anyhow::Result<()> {
    if tls.is_none() && !bind.ip().is_loopback() {
        anyhow::bail!(
            "{bind} is not a loopback address, and plain HTTP is served on loopback only: \
             give --tls-cert and --tls-key, or --tls-self-signed"
        );
    }
    Ok(())
}

/// `gatehouse serve`: check the address, load TLS, connect, issue the setup code,
/// bind, and serve until `shutdown`, telling `notify` what an admin needs to know.
pub async fn run(
    config: Config,
    notify: impl Fn(Notice<'_>),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    check_plain_http(config.bind, config.tls.as_ref())?;
    let tls = config.tls.as_ref().map(tls::TlsSource::load).transpose()?;
    if let Some(tls) = &tls {
        notify(Notice::Fingerprint(&tls.fingerprint));
    }
    let secrets = Arc::new(keys::FileSecretStore::open(&config.data_dir.join("keys"))?);
    let core = Gatehouse::connect(&config.database, secrets).await?;
    let (setup_code, code) = SetupCode::issue(&core, &config.setup_code_file).await?;
    if let Some(code) = &code {
        notify(Notice::SetupCode {
            code,
            file: &config.setup_code_file,
        });
    }
    let listener = TcpListener::bind(config.bind).await?;
    tracing::info!(address = %listener.local_addr()?, tls = tls.is_some(), "listening");
    let state = AppState::with_limits(
        core.clone(),
        setup_code,
        config.limits,
        Arc::new(SystemClock),
    );
    let setup_code = state.setup_code.clone();
    let tls = tls.map(|tls| tls.config);
    serve_tls_with(listener, router(state), config.serve, tls, shutdown).await?;
    if setup_code.is_live() {
        setup_code.retire();
    }
    core.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
