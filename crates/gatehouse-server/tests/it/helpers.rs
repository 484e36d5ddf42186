//! The server's test helpers: the real server on an ephemeral loopback port over one
//! test's database (a [`TestDb`] of gatehouse-testkit), and a small client.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use gatehouse_domain::{Clock, Gatehouse, MemorySecretStore, SystemClock};
use gatehouse_server::setup_code::SetupCode;
use gatehouse_server::{AppState, Limits, ServeOptions};
pub use gatehouse_testkit::{on_both, TestDb};
use secrecy::ExposeSecret;
use serde_json::{json, Value};

/// The admin every set-up instance starts with.
pub const ADMIN_EMAIL: &str = "alice@acme.example.com";
pub const ADMIN_PASSWORD: &str = "Tidal-Kettle-93-orbit";
/// A password the default (recommended) policy accepts, for users made in tests.
pub const GOOD_PASSWORD: &str = "Velvet-Harbor-57-quill";

/// The real server on 127.0.0.1:0 over a fresh database.
pub struct App {
    pub base: String,
    pub client: reqwest::Client,
    /// The setup code the server issued (None once set up).
    pub setup_code: Option<String>,
    pub code_file: PathBuf,
    pub core: Gatehouse,
    /// The server's shared state (its throttles and hashing queue).
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pub db: TestDb,
}

impl App {
    pub async fn start(db: TestDb) -> App {
        App::start_with(db, Arc::new(SystemClock), |router| router).await
    }

    /// With a clock of the test's choosing (the core's and the throttles') and extra
    /// routes (e.g. a slow one).
    pub async fn start_with(
        db: TestDb,
        clock: Arc<dyn Clock>,
        extend: impl FnOnce(axum::Router) -> axum::Router,
    ) -> App {
        App::start_configured(
            db,
            clock,
            Limits::default(),
            ServeOptions::default(),
            extend,
        )
        .await
    }

    /// With limits and time limits of the test's choosing too.
    pub async fn start_configured(
        db: TestDb,
        clock: Arc<dyn Clock>,
        limits: Limits,
        options: ServeOptions,
        extend: impl FnOnce(axum::Router) -> axum::Router,
    ) -> App {
        // Server logs go to the test's captured output (shown when a test fails).
        let _ = tracing_subscriber::fmt()
            .with_env_filter("info,sqlx=warn")
            .with_test_writer()
            .try_init();
        let core = Gatehouse::connect_with_clock(
            &db.config(),
            Arc::new(MemorySecretStore::default()),
            clock.clone(),
        )
        .await
        .expect("core connects");
        let code_file = db.dir().join("setup-code.txt");
        let (setup_code, code) = SetupCode::issue(&core, &code_file)
            .await
            .expect("setup code");
        let state = AppState::with_limits(core.clone(), setup_code, limits, clock);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address: SocketAddr = listener.local_addr().expect("address");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = extend(gatehouse_server::router(state.clone()));
        let server = tokio::spawn(gatehouse_server::serve_with(
            listener,
            app,
            options,
            async {
                let _ = rx.await;
            },
        ));
        App {
            base: format!("http://{address}"),
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(64)
                .build()
                .expect("client"),
            setup_code: code.map(|c| c.expose_secret().to_owned()),
            code_file,
            core,
            state,
            shutdown: Some(tx),
            server: Some(server),
            db,
        }
    }

    /// Signals shutdown and waits for the server to finish what is in flight.
    pub async fn stop(&mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.server.take() {
            Some(server) => server.await.expect("server task"),
            None => Ok(()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Resp::from(request.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.send(reqwest::Method::PUT, path, token, Some(body))
            .await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.send(reqwest::Method::DELETE, path, token, None).await
    }

    /// Seed 000's body for the first admin.
    pub fn setup_body() -> Value {
        json!({
            "organization": "Acme Marine",
            "first_name": "Alice",
            "last_name": "Admin",
            "username": "alice",
            "email": ADMIN_EMAIL,
            "password": ADMIN_PASSWORD,
        })
    }

    /// POST /api/v1/setup with the given code.
    pub async fn setup_with_code(&self, code: Option<&str>, body: Value) -> Resp {
        let mut request = self.client.post(self.url("/api/v1/setup")).json(&body);
        if let Some(code) = code {
            request = request.header("X-Setup-Code", code);
        }
        Resp::from(request.send().await.expect("request sent")).await
    }

    /// Sets the instance up; the first admin's access token.
    pub async fn set_up(&self) -> String {
        let code = self.setup_code.as_deref().expect("a setup code");
        let response = self.setup_with_code(Some(code), App::setup_body()).await;
        assert_eq!(response.status, 200, "setup: {}", response.body);
        response.body["data"]["accessToken"]
            .as_str()
            .expect("data.accessToken")
            .to_owned()
    }

    /// Creates a user (as `admin`) with the given roles; its id.
    pub async fn create_user(&self, admin: &str, username: &str, roles: &[&str]) -> String {
        let response = self
            .post(
                "/api/v1/users",
                Some(admin),
                json!({
                    "username": username,
                    "email": format!("{username}@example.com"),
                    "password": GOOD_PASSWORD,
                    "roles": roles,
                }),
            )
            .await;
        assert_eq!(response.status, 201, "create user: {}", response.body);
        response.body["id"].as_str().expect("id").to_owned()
    }

    /// Signs in; the access token.
    pub async fn sign_in(&self, login: &str, password: &str) -> String {
        let response = self
            .post(
                "/api/v1/sessions",
                None,
                json!({ "login": login, "password": password }),
            )
            .await;
        assert_eq!(response.status, 201, "sign in: {}", response.body);
        response.body["access_token"]["access_token"]
            .as_str()
            .expect("access token")
            .to_owned()
    }

    /// How many users the admin sees in all.
    pub async fn user_total(&self, admin: &str) -> u64 {
        let response = self.get("/api/v1/users", Some(admin)).await;
        assert_eq!(response.status, 200, "{}", response.body);
        response.body["total"].as_u64().expect("total")
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Resp {
    pub async fn from(response: reqwest::Response) -> Resp {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            content_type,
            headers,
            text,
            body,
        }
    }

    /// Asserts an RFC 7807 problem with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "status of {}", self.text);
        assert_eq!(
            self.content_type, "application/problem+json",
            "content type of {}",
            self.text
        );
        assert_eq!(self.body["code"], code, "code of {}", self.text);
        assert_eq!(
            self.body["status"], status,
            "problem status of {}",
            self.text
        );
        assert!(self.body["title"].is_string(), "title of {}", self.text);
        assert!(self.body["type"].is_string(), "type of {}", self.text);
    }

    /// The fields named in the problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}
