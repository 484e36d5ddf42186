//! `gatehouse serve` over TLS: a self-signed certificate made once and kept, its
//! fingerprint printed at every start, plain HTTP refused off loopback. TLS sits below
//! the database, so these run on SQLite only.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use gatehouse_server::setup_code::SetupCode;
use gatehouse_server::tls::{fingerprint, TlsSource, SELF_SIGNED_CERT};
use gatehouse_server::{AppState, ServeOptions};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// A server over TLS with a self-signed certificate kept in `dir`; its address.
async fn serve_self_signed(dir: &Path) -> std::net::SocketAddr {
    let tls = TlsSource::SelfSigned {
        dir: dir.to_owned(),
        names: vec![],
    }
    .load()
    .unwrap();
    let database = gatehouse_domain::DatabaseConfig::sqlite(dir.join("gh.db"));
    let core = gatehouse_server::connect(&database).await.unwrap();
    let state = AppState::new(core, SetupCode::none());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(gatehouse_server::serve_tls_with(
        listener,
        gatehouse_server::router(state),
        ServeOptions::default(),
        Some(tls.config),
        std::future::pending(),
    ));
    address
}

/// A client that trusts exactly this certificate (and no system root).
fn pinned_client(dir: &Path) -> reqwest::Client {
    let pem = std::fs::read(dir.join(SELF_SIGNED_CERT)).unwrap();
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_self_signed_server_answers_a_client_that_trusts_its_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let address = serve_self_signed(dir.path()).await;
    let client = pinned_client(dir.path());
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("https://{host}:{}/healthz", address.port());
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url}");
    }
}

#[tokio::test]
async fn a_client_of_the_system_roots_refuses_the_self_signed_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let address = serve_self_signed(dir.path()).await;
    let error = reqwest::Client::new()
        .get(format!("https://127.0.0.1:{}/healthz", address.port()))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error:?}");
}

#[tokio::test]
async fn plain_http_to_the_tls_port_gets_no_answer() {
    let dir = tempfile::tempdir().unwrap();
    let address = serve_self_signed(dir.path()).await;
    let answer = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{}/healthz", address.port()))
        .send()
        .await;
    assert!(answer.is_err(), "{answer:?}");
}

#[test]
fn plain_http_is_served_on_loopback_addresses_only() {
    use gatehouse_server::check_plain_http;
    for loopback in ["127.0.0.1:8080", "[::1]:8080"] {
        assert!(check_plain_http(loopback.parse().unwrap(), None).is_ok());
    }
    let error = check_plain_http("0.0.0.0:8080".parse().unwrap(), None).unwrap_err();
    assert!(error.to_string().contains("--tls-self-signed"), "{error}");
    let tls = TlsSource::SelfSigned {
        dir: "/nonexistent".into(),
        names: vec![],
    };
    assert!(check_plain_http("0.0.0.0:8080".parse().unwrap(), Some(&tls)).is_ok());
}

/// Runs `gatehouse serve --tls-self-signed` in `dir` until it prints the
/// fingerprint; the fingerprint it printed.
fn start_and_read_fingerprint(dir: &Path) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["serve", "--bind", "127.0.0.1:0", "--tls-self-signed"])
        .arg("--data-dir")
        .arg(dir)
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.join("gh.db").display()))
        .arg("--setup-code-file")
        .arg(dir.join("code.txt"))
        .env_remove("GATEHOUSE_DATABASE_URL")
        .env_remove("GATEHOUSE_DATABASE_URL_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("gatehouse starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let mut printed = None;
    while printed.is_none() && stdout.read_line(&mut line).unwrap() > 0 {
        printed = line
            .strip_prefix("TLS certificate fingerprint: ")
            .map(|f| f.trim().to_owned());
        line.clear();
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    printed.expect("the fingerprint on stdout")
}

#[test]
fn the_binary_prints_the_kept_certificates_fingerprint_at_every_start() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_and_read_fingerprint(dir.path());
    let second = start_and_read_fingerprint(dir.path());
    assert_eq!(first, second, "the certificate is kept, not made anew");
    let der = CertificateDer::from_pem_file(dir.path().join(SELF_SIGNED_CERT)).unwrap();
    assert_eq!(first, fingerprint(der.as_ref()));
    assert!(first.starts_with("SHA256:") && first.matches(':').count() == 32);
}

#[test]
fn the_binary_refuses_plain_http_on_a_public_address() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["serve", "--bind", "0.0.0.0:0"])
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.path().join("gh.db").display()))
        .env_remove("GATEHOUSE_DATABASE_URL")
        .env_remove("GATEHOUSE_DATABASE_URL_FILE")
        .output()
        .expect("gatehouse runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("loopback"), "{stderr}");
    assert!(
        !dir.path().join("gh.db").exists(),
        "refused before touching the database"
    );
}

#[tokio::test]
async fn first_contact_shows_the_fingerprint_the_server_printed_and_a_pinned_client_then_talks_to_it(
) {
    use gatehouse_api::trust::{client, first_contact, Trust};
    use gatehouse_api::{Backend, Remote};
    let dir = tempfile::tempdir().unwrap();
    let address = serve_self_signed(dir.path()).await;
    let url: reqwest::Url = format!("https://localhost:{}/", address.port())
        .parse()
        .unwrap();
    let contact = first_contact(&url).await.unwrap();
    let der = CertificateDer::from_pem_file(dir.path().join(SELF_SIGNED_CERT)).unwrap();
    assert_eq!(
        contact.fingerprint.as_deref(),
        Some(fingerprint(der.as_ref()).as_str())
    );
    assert!(!contact.trusted_by_system);
    assert!(!contact.instance.initialized);
    let pinned = Trust::Pinned(contact.fingerprint.unwrap());
    let remote = Remote::new(url, client(&pinned).unwrap());
    assert!(!remote.instance_status().await.unwrap().initialized);
}

#[tokio::test]
async fn a_pinned_client_refuses_a_server_that_shows_another_certificate() {
    use gatehouse_api::trust::{client, first_contact, Trust};
    use gatehouse_api::{Backend, Remote};
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let original = serve_self_signed(first.path()).await;
    let url = |port: u16| -> reqwest::Url { format!("https://localhost:{port}/").parse().unwrap() };
    let pin = first_contact(&url(original.port()))
        .await
        .unwrap()
        .fingerprint
        .unwrap();
    // Another certificate at the address the profile knows (a replaced or an
    // intercepting server).
    let impostor = serve_self_signed(second.path()).await;
    let remote = Remote::new(url(impostor.port()), client(&Trust::Pinned(pin)).unwrap());
    let problem = remote.instance_status().await.unwrap_err();
    assert_eq!(
        problem.code,
        gatehouse_domain::ErrorCode::CertificateChanged,
        "{problem:?}"
    );
    assert!(
        problem.detail.contains("do not sign in"),
        "{}",
        problem.detail
    );
}
