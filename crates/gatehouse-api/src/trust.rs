//! How the desktop trusts a Gatehouse server: by the system's certificate roots, or,
//! for a self-signed server, by the SHA-256 fingerprint of its certificate, shown on
//! first contact and pinned in the profile (as SSH pins host keys). A pinned server
//! that presents another certificate is refused with a problem of its own
//! (`certificate_changed`). Plain HTTP only to a loopback address.
//! See docs/decisions/0009-team-mode.md.

use std::sync::{Arc, Mutex};

use gatehouse_domain::{ErrorCode, InstanceStatus, Problem};
pub use reqwest::Url;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::{fingerprint, Reply};

/// What the desktop trusts a server's certificate by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// A certificate the system's roots vouch for, with the right host name.
    SystemRoots,
    /// Exactly the certificate of this fingerprint (a self-signed server).
    Pinned(String),
}

/// What a server showed on first contact.
#[derive(Clone, Debug)]
pub struct FirstContact {
    /// Its certificate's fingerprint (`None` over plain HTTP to loopback).
    pub fingerprint: Option<String>,
    /// Whether the system's roots vouch for it (then nothing needs pinning).
    pub trusted_by_system: bool,
    /// The instance it serves.
    pub instance: InstanceStatus,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Refuses anything but `https://`, or `http://` to a loopback address.
pub fn check_url(url: &Url) -> Reply<()> {
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(crate::malformed(
            "url",
            "Use https:// (plain http:// only to this computer's own loopback address).",
        )),
        _ => Err(crate::malformed("url", "Use an https:// address.")),
    }
}

/// Accepts exactly the pinned certificate, or (with no pin) records whichever the
/// server presents, for first contact. Either way the handshake's signatures are
/// checked, so the server must hold the certificate's key.
#[derive(Debug)]
struct PinVerifier {
    pinned: Option<String>,
    seen: Mutex<Option<String>>,
    provider: Arc<CryptoProvider>,
}

/// The text a refused pin carries through the TLS stack, to be recognised again.
const CHANGED: &str = "gatehouse: the server's certificate is not the pinned one";

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = fingerprint(end_entity.as_ref());
        *self.seen.lock().expect("fingerprint lock") = Some(seen.clone());
        match &self.pinned {
            Some(pinned) if *pinned != seen => Err(rustls::Error::General(CHANGED.to_owned())),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn client_with(config: rustls::ClientConfig) -> Reply<reqwest::Client> {
    reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .map_err(|error| {
            tracing::error!(%error, "building the HTTP client");
            Problem::new(
                ErrorCode::Internal,
                "Internal error: the details are in the log.",
            )
        })
}

fn pinning(pinned: Option<String>) -> (Arc<PinVerifier>, rustls::ClientConfig) {
    let provider = provider();
    let verifier = Arc::new(PinVerifier {
        pinned,
        seen: Mutex::new(None),
        provider: provider.clone(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    (verifier, config)
}

fn system_roots() -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for error in &native.errors {
        tracing::warn!(%error, "a system certificate could not be loaded");
    }
    let (added, _ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(added, "system certificate roots");
    rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// The HTTP client that talks to a server trusted by `trust`.
pub fn client(trust: &Trust) -> Reply<reqwest::Client> {
    match trust {
        Trust::SystemRoots => client_with(system_roots()),
        Trust::Pinned(fingerprint) => client_with(pinning(Some(fingerprint.clone())).1),
    }
}

/// Whether a request failed because a pinned server showed another certificate.
pub(crate) fn is_changed_certificate(error: &reqwest::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(inner) = source {
        if inner.to_string().contains(CHANGED) {
            return true;
        }
        source = inner.source();
    }
    false
}

/// The problem for a pinned server that showed another certificate.
pub(crate) fn changed_certificate(url: &Url) -> Problem {
    let host = url.host_str().unwrap_or("the server");
    Problem::new(
        ErrorCode::CertificateChanged,
        format!(
            "The certificate of {host} is not the one this profile trusts. If the server's \
             certificate was replaced on purpose, check the server again and trust the new \
             fingerprint once it matches the one `gatehouse serve` printed. Otherwise \
             someone may be intercepting the connection: do not sign in."
        ),
    )
}

/// First contact with the server at `url`: its certificate's fingerprint, whether
/// the system's roots vouch for it, and the instance it serves. Nothing is trusted
/// yet: the answer is only shown, for the admin to compare and pin.
pub async fn first_contact(url: &Url) -> Reply<FirstContact> {
    check_url(url)?;
    let instance_url = url
        .join("api/v1/instance")
        .map_err(|_| crate::malformed("url", "Not a server address."))?;
    if url.scheme() == "http" {
        let instance = read_instance(&reqwest::Client::new(), &instance_url).await?;
        return Ok(FirstContact {
            fingerprint: None,
            trusted_by_system: false,
            instance,
        });
    }
    let (verifier, config) = pinning(None);
    let instance = read_instance(&client_with(config)?, &instance_url).await?;
    let fingerprint = verifier.seen.lock().expect("fingerprint lock").clone();
    let trusted_by_system = client(&Trust::SystemRoots)?
        .get(instance_url)
        .send()
        .await
        .is_ok();
    Ok(FirstContact {
        fingerprint,
        trusted_by_system,
        instance,
    })
}

async fn read_instance(client: &reqwest::Client, url: &Url) -> Reply<InstanceStatus> {
    let response = client
        .get(url.clone())
        .send()
        .await
        .map_err(|error| crate::remote::unreachable(url, &error))?;
    if !response.status().is_success() {
        return Err(Problem::new(
            ErrorCode::Unavailable,
            format!(
                "{} answered {} for its instance: is it a Gatehouse server?",
                url.host_str().unwrap_or("The server"),
                response.status()
            ),
        ));
    }
    response.json().await.map_err(|_| {
        Problem::new(
            ErrorCode::Unavailable,
            "The answer is not a Gatehouse server's: check the address.",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_required_but_for_loopback() {
        for ok in [
            "https://gh.example.com",
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "http://[::1]:8080",
        ] {
            assert!(check_url(&ok.parse().unwrap()).is_ok(), "{ok}");
        }
        for refused in [
            "http://gh.example.com",
            "http://10.0.0.5",
            "ftp://gh.example.com",
        ] {
            let problem = check_url(&refused.parse().unwrap()).unwrap_err();
            assert_eq!(problem.errors[0].field, "url", "{refused}");
        }
    }

    #[test]
    fn fingerprints_read_as_the_server_prints_them() {
        let text = fingerprint(b"x");
        assert!(text.starts_with("SHA256:"));
        assert_eq!(text.matches(':').count(), 32);
    }
}
