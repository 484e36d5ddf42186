//! The accept loop: HTTP/1.1 connections served by hyper with a header read
//! timeout (slowloris: a client trickling its headers is cut off), a whole-request
//! timeout around every request, the client's address for the handlers
//! (`ConnectInfo<SocketAddr>`), and a graceful shutdown that stops accepting and
//! lets requests in flight finish, over plain HTTP or TLS (rustls). `axum::serve`
//! cannot set hyper's header timeout, hence this loop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use gatehouse_domain::{ErrorCode, Problem};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::error::problem_response;

/// Connection and request time limits.
#[derive(Clone, Copy, Debug)]
pub struct ServeOptions {
    /// From a connection's first byte (or the end of its previous request) to the
    /// end of the request's headers; the connection is closed beyond it. Also ends
    /// idle keep-alive connections.
    pub header_read_timeout: Duration,
    /// From the end of the headers to the response, body upload included; beyond
    /// it the answer is 503 `unavailable` and the connection closes.
    pub request_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// Serves `app` on `listener` over plain HTTP until `shutdown` completes, then lets
/// in-flight requests finish. See [`serve_tls_with`].
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_tls_with(listener, app, options, None, shutdown).await
}

/// Serves `app` on `listener`, over TLS when `tls` is given, until `shutdown`
/// completes, then lets in-flight requests finish. A TLS handshake must complete
/// within the header read timeout (a client that opens a connection and says nothing
/// holds it no longer than one that trickles its headers).
pub async fn serve_tls_with(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = with_request_timeout(app, options.request_timeout);
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, a connection reset before accept, …:
                    // the listener itself is fine; pause briefly and go on.
                    tracing::warn!(error = %error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let watcher = graceful.watcher();
        match &acceptor {
            None => serve_connection(stream, remote, app.clone(), &options, watcher),
            Some(acceptor) => {
                let (acceptor, app) = (acceptor.clone(), app.clone());
                tokio::spawn(async move {
                    let limit = options.header_read_timeout;
                    match tokio::time::timeout(limit, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => serve_connection(tls, remote, app, &options, watcher),
                        // Not TLS, a certificate the client refused, too slow: nothing
                        // to answer on this connection.
                        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                });
            }
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Serves one connection (any byte stream: TCP, or TLS over it) on a task of its
/// own, watched by `watcher` for a graceful shutdown. `app` should already carry the
/// request timeout.
pub fn serve_connection<I>(
    io: I,
    remote: SocketAddr,
    app: Router,
    options: &ServeOptions,
    watcher: Watcher,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ConnectInfo(remote));
        app.clone().oneshot(request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout);
    let connection = watcher.watch(builder.serve_connection(TokioIo::new(io), service));
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            // A client that went away or was too slow: nothing to answer any more.
            tracing::debug!(error = %error, "connection ended with an error");
        }
    });
}

/// Wraps `app` so that every request gets at most `limit`.
pub fn with_request_timeout(app: Router, limit: Duration) -> Router {
    app.layer(axum::middleware::from_fn_with_state(limit, request_timeout))
}

async fn request_timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::info!(limit_ms = limit.as_millis() as u64, "request timed out");
            let problem = Problem::new(
                ErrorCode::Unavailable,
                format!(
                    "The request took longer than {} s (a slow upload or a busy server); try again.",
                    limit.as_secs_f64()
                ),
            )
            .with_retry_after(1);
            let mut response = problem_response(&problem);
            // Part of the body may still be on its way: do not read it as a next request.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}
