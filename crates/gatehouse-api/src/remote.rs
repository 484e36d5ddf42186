//! The HTTP-client backend: each operation as a request to `gatehouse serve`, built
//! from the operation's route in the table; the server's problem documents come back
//! as the same [`Problem`] the in-process core would have given.

use gatehouse_domain::{Credential, ErrorCode, Problem};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::Reply;

/// The header that carries the one-time setup code.
pub const SETUP_CODE_HEADER: &str = "X-Setup-Code";

/// Sends every operation to a Gatehouse server at `base` (e.g. `https://gh.example.com`).
#[derive(Clone)]
pub struct Remote {
    base: Url,
    http: reqwest::Client,
}

impl Remote {
    /// `http` decides how the server is trusted (system roots, a pinned certificate).
    pub fn new(base: Url, http: reqwest::Client) -> Self {
        Remote { base, http }
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    pub(crate) fn call(&self, method: &str, path: &'static str) -> Call<'_> {
        Call {
            remote: self,
            method: Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .expect("the table's methods are HTTP methods"),
            template: path,
            path_args: Vec::new(),
            query: None,
            body: None,
            headers: HeaderMap::new(),
        }
    }
}

/// One request being put together from an operation's arguments.
pub(crate) struct Call<'a> {
    remote: &'a Remote,
    method: Method,
    template: &'static str,
    path_args: Vec<(&'static str, String)>,
    query: Option<String>,
    body: Option<Vec<u8>>,
    headers: HeaderMap,
}

fn internal(detail: impl std::fmt::Display) -> Problem {
    tracing::error!(%detail, "could not build a request to the server");
    Problem::new(
        ErrorCode::Internal,
        "Internal error: the details are in the log.",
    )
}

impl Call<'_> {
    pub(crate) fn bearer(&mut self, caller: &Credential) -> Reply<()> {
        let value = HeaderValue::from_str(&format!("Bearer {}", caller.expose()))
            .map_err(|_| Problem::new(ErrorCode::Unauthenticated, "The session is not valid."))?;
        self.headers.insert(AUTHORIZATION, sensitive(value));
        Ok(())
    }

    pub(crate) fn setup_code(&mut self, code: Option<&SecretString>) -> Reply<()> {
        self.header_secret(SETUP_CODE_HEADER, code.map(|c| c.expose_secret()))
    }

    /// Fills `{name}` of the route with `value` (percent-encoded).
    pub(crate) fn path<T: Serialize>(&mut self, name: &'static str, value: &T) -> Reply<()> {
        let text = match serde_json::to_value(value).map_err(internal)? {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        };
        self.path_args.push((name, text));
        Ok(())
    }

    pub(crate) fn query<T: Serialize>(&mut self, value: &T) -> Reply<()> {
        let query = serde_urlencoded::to_string(value).map_err(internal)?;
        self.query = (!query.is_empty()).then_some(query);
        Ok(())
    }

    pub(crate) fn body<T: Serialize>(&mut self, value: &T) -> Reply<()> {
        self.body = Some(serde_json::to_vec(value).map_err(internal)?);
        Ok(())
    }

    pub(crate) fn header(&mut self, name: &'static str, value: Option<&str>) -> Reply<()> {
        let Some(value) = value else { return Ok(()) };
        let value = HeaderValue::from_str(value).map_err(|_| {
            crate::malformed(
                name,
                "Use visible ASCII characters (it travels in a header).",
            )
        })?;
        self.headers
            .insert(HeaderName::from_static_lower(name), value);
        Ok(())
    }

    fn header_secret(&mut self, name: &'static str, value: Option<&str>) -> Reply<()> {
        let Some(value) = value else { return Ok(()) };
        let value = HeaderValue::from_str(value)
            .map_err(|_| crate::malformed(name, "Use visible ASCII characters."))?;
        self.headers
            .insert(HeaderName::from_static_lower(name), sensitive(value));
        Ok(())
    }

    fn url(&self) -> Url {
        let mut url = self.remote.base.clone();
        {
            let mut segments = url
                .path_segments_mut()
                .expect("an http(s) base URL has path segments");
            segments.pop_if_empty();
            for segment in self.template.trim_start_matches('/').split('/') {
                let filled = segment
                    .strip_prefix('{')
                    .and_then(|s| s.strip_suffix('}'))
                    .and_then(|name| self.path_args.iter().find(|(n, _)| *n == name))
                    .map(|(_, value)| value.as_str());
                segments.push(filled.unwrap_or(segment));
            }
        }
        url.set_query(self.query.as_deref());
        url
    }

    /// Sends the request: a 2xx body decodes as `T`; a problem document comes back as
    /// it is; anything else (a proxy's error page, no answer) as `unavailable`.
    pub(crate) async fn send<T: DeserializeOwned>(self) -> Reply<T> {
        let url = self.url();
        let mut request = self
            .remote
            .http
            .request(self.method, url.clone())
            .headers(self.headers);
        if let Some(body) = self.body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body);
        }
        let response = request.send().await.map_err(|error| {
            if crate::trust::is_changed_certificate(&error) {
                crate::trust::changed_certificate(&url)
            } else {
                unreachable(&url, &error)
            }
        })?;
        let status = response.status();
        let is_problem = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/problem+json"));
        let bytes = response
            .bytes()
            .await
            .map_err(|error| unreachable(&url, &error))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|error| {
                tracing::error!(%error, path = url.path(), "the server's answer does not decode");
                Problem::new(
                    ErrorCode::Internal,
                    "The server's answer could not be read: is it the same Gatehouse version?",
                )
            });
        }
        if is_problem {
            if let Ok(problem) = serde_json::from_slice::<Problem>(&bytes) {
                return Err(problem);
            }
        }
        Err(Problem::new(
            ErrorCode::Unavailable,
            format!("The server answered {status} without saying why; try again later."),
        )
        .with_retry_after(1))
    }
}

/// The value of a header that must not be logged by any layer that logs headers.
fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}

pub(crate) fn unreachable(url: &Url, error: &reqwest::Error) -> Problem {
    let mut cause = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        let text = inner.to_string();
        if !cause.contains(&text) {
            cause = format!("{cause}: {text}");
        }
        source = inner.source();
    }
    let host = url.host_str().unwrap_or("the server");
    Problem::new(
        ErrorCode::Unavailable,
        format!("The Gatehouse server at {host} does not answer ({cause})."),
    )
    .with_retry_after(1)
}

trait FromStaticLower {
    fn from_static_lower(name: &'static str) -> HeaderName;
}

impl FromStaticLower for HeaderName {
    /// Header names of the table are written in their usual case.
    fn from_static_lower(name: &'static str) -> HeaderName {
        HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes())
            .expect("the table's header names are header names")
    }
}
