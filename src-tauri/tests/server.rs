//! The shell in team mode: connected to a real `gatehouse serve` over TLS on loopback
//! (a self-signed certificate, pinned on first contact), holding no database itself.

use std::sync::Arc;

use gatehouse_desktop::clipboard::{ClipboardGuard, SystemClipboard};
use gatehouse_desktop::files::AppDirs;
use gatehouse_desktop::shell::Shell;
use gatehouse_desktop::types::{ConnectionKind, ServerProfile};
use gatehouse_domain::{
    ErrorCode, MemorySecretStore, Setup, SignIn, StatusChange, UserQuery, UserStatus,
};
use gatehouse_server::setup_code::SetupCode;
use gatehouse_server::tls::TlsSource;
use gatehouse_server::{AppState, ServeOptions};
use secrecy::SecretString;

struct Server {
    url: String,
    setup_code: Option<SecretString>,
    _dir: tempfile::TempDir,
}

/// `gatehouse serve --tls-self-signed` on 127.0.0.1, over a fresh SQLite file.
async fn serve() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let tls = TlsSource::SelfSigned {
        dir: dir.path().to_owned(),
        names: vec![],
    }
    .load()
    .unwrap();
    let database = gatehouse_domain::DatabaseConfig::sqlite(dir.path().join("gh.db"));
    let core = gatehouse_server::connect(&database).await.unwrap();
    let (setup_code, code) = SetupCode::issue(&core, &dir.path().join("code.txt"))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(gatehouse_server::serve_tls_with(
        listener,
        gatehouse_server::router(AppState::new(core, setup_code)),
        ServeOptions::default(),
        Some(tls.config),
        std::future::pending(),
    ));
    Server {
        url: format!("https://localhost:{port}"),
        setup_code: code,
        _dir: dir,
    }
}

fn shell() -> (tempfile::TempDir, Shell) {
    let dir = tempfile::tempdir().unwrap();
    let dirs = AppDirs {
        config: dir.path().join("config"),
        data: dir.path().join("data"),
    };
    let shell = Shell::new(
        dirs,
        Arc::new(MemorySecretStore::default()),
        ClipboardGuard::new(SystemClipboard::new()),
    );
    (dir, shell)
}

fn profile(server: &Server, fingerprint: Option<String>) -> ServerProfile {
    ServerProfile {
        name: "Team".into(),
        url: server.url.clone(),
        fingerprint,
    }
}

fn setup_request() -> Setup {
    serde_json::from_value(serde_json::json!({
        "organization": "Acme Marine",
        "first_name": "Alice",
        "email": "alice@acme.example.com",
        "password": "Tidal-Kettle-93-orbit",
    }))
    .unwrap()
}

#[tokio::test]
async fn a_desktop_pins_a_self_signed_server_sets_it_up_and_works_through_it() {
    let server = serve().await;
    let (dir, shell) = shell();

    let contact = shell.contact_server(profile(&server, None)).await.unwrap();
    assert!(!contact.trusted_by_system && !contact.initialized);
    let fingerprint = contact.fingerprint.expect("a fingerprint to compare");
    let state = shell
        .connect_server(profile(&server, Some(fingerprint.clone())))
        .await
        .unwrap();
    assert_eq!(state.connection.unwrap().kind, ConnectionKind::Server);
    assert!(!state.instance.unwrap().initialized);

    // The wizard over the server: the setup code it printed is asked for.
    let backend = shell.backend().await.unwrap();
    let refused = backend.setup(None, setup_request()).await.unwrap_err();
    assert_eq!(refused.status, 401, "{refused:?}");
    let done = backend
        .setup(server.setup_code.clone(), setup_request())
        .await
        .unwrap();
    shell.start_session(done);
    let (backend, caller) = shell.authed().await.unwrap();
    let users = backend
        .list_users(&caller, UserQuery::default())
        .await
        .unwrap();
    assert_eq!(users.items[0].username, "alice");

    // The profile is remembered with its pin, and nothing secret is in the file.
    assert_eq!(
        shell.saved_servers().await.unwrap(),
        vec![profile(&server, Some(fingerprint))]
    );
    let file = std::fs::read_to_string(dir.path().join("config/servers.json")).unwrap();
    assert!(!file.contains("Tidal-Kettle"), "{file}");
}

#[tokio::test]
async fn an_unpinned_self_signed_server_is_not_connected_to() {
    let server = serve().await;
    let (_dir, shell) = shell();
    let problem = shell
        .connect_server(profile(&server, None))
        .await
        .unwrap_err();
    assert_eq!(problem.code, ErrorCode::Unavailable, "{problem:?}");
    assert!(shell.app_state().await.unwrap().connection.is_none());
}

#[tokio::test]
async fn a_suspended_admins_window_loses_access_at_its_next_action() {
    let server = serve().await;
    let (_dir, shell) = shell();
    let contact = shell.contact_server(profile(&server, None)).await.unwrap();
    shell
        .connect_server(profile(&server, contact.fingerprint.clone()))
        .await
        .unwrap();
    let backend = shell.backend().await.unwrap();
    let done = backend
        .setup(server.setup_code.clone(), setup_request())
        .await
        .unwrap();
    let first = gatehouse_domain::Credential::bearer(done.data.access_token.expose());
    let second: gatehouse_domain::NewAdmin = serde_json::from_value(serde_json::json!({
        "email": "bob@acme.example.com",
        "password": "Granite-Meadow-48-lynx",
    }))
    .unwrap();
    let bob = backend.create_admin(&first, second).await.unwrap();
    // Bob's window, signed in through the same server.
    let signed_in = backend
        .sign_in(SignIn {
            login: "bob@acme.example.com".into(),
            password: SecretString::from("Granite-Meadow-48-lynx".to_owned()),
        })
        .await
        .unwrap();
    shell.start_session(signed_in);
    let (backend, bob_caller) = shell.authed().await.unwrap();
    assert!(backend.me(&bob_caller).await.is_ok());

    backend
        .set_user_status(
            &first,
            bob.id,
            StatusChange {
                status: UserStatus::Suspended,
            },
        )
        .await
        .unwrap();
    let problem = backend.me(&bob_caller).await.unwrap_err();
    assert_eq!(problem.code, ErrorCode::Forbidden, "{problem:?}");
}
