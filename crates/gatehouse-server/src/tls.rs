//! TLS for `gatehouse serve` (rustls): a certificate and key from files, or a
//! self-signed certificate generated on first start and kept (0600) in the data
//! directory. Either way the server prints the certificate's SHA-256 fingerprint at
//! every start, so an admin can compare it with what a desktop shows on first contact
//! before pinning it (docs/decisions/0009-team-mode.md).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Where the server's certificate comes from.
#[derive(Clone, Debug)]
pub enum TlsSource {
    /// A certificate chain and its private key, PEM files (e.g. from an ACME client).
    Files { cert: PathBuf, key: PathBuf },
    /// A self-signed certificate in `dir` (`tls-cert.pem`, `tls-key.pem`), generated
    /// on first start for `names` (host names or IP addresses) and kept.
    SelfSigned { dir: PathBuf, names: Vec<String> },
}

/// The certificate file a self-signed server keeps in its data directory.
pub const SELF_SIGNED_CERT: &str = "tls-cert.pem";
/// Its private key, beside it.
pub const SELF_SIGNED_KEY: &str = "tls-key.pem";

/// A loaded certificate, ready to serve.
pub struct Tls {
    pub config: Arc<rustls::ServerConfig>,
    /// `SHA256:` and the leaf certificate's digest as colon-separated hex pairs.
    pub fingerprint: String,
}

/// The fingerprint the server prints and desktops pin (`SHA256:AB:CD:…`).
pub use gatehouse_api::fingerprint;

impl TlsSource {
    /// Loads the certificate, generating the self-signed one first if there is none.
    pub fn load(&self) -> anyhow::Result<Tls> {
        let (cert, key) = match self {
            TlsSource::Files { cert, key } => (cert.clone(), key.clone()),
            TlsSource::SelfSigned { dir, names } => {
                let cert = dir.join(SELF_SIGNED_CERT);
                let key = dir.join(SELF_SIGNED_KEY);
                if !cert.exists() || !key.exists() {
                    generate(dir, names, &cert, &key)?;
                }
                (cert, key)
            }
        };
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert)
            .with_context(|| format!("reading the certificate {}", cert.display()))?
            .collect::<Result<_, _>>()
            .with_context(|| format!("reading the certificate {}", cert.display()))?;
        let leaf = chain
            .first()
            .with_context(|| format!("{} holds no certificate", cert.display()))?;
        let fingerprint = fingerprint(leaf.as_ref());
        let private_key = PrivateKeyDer::from_pem_file(&key)
            .with_context(|| format!("reading the private key {}", key.display()))?;
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .context("the certificate and key do not go together")?;
        Ok(Tls {
            config: Arc::new(config),
            fingerprint,
        })
    }
}

/// Generates a self-signed certificate for `names` (and the loopback names), writing
/// the key (0600, never through a symlink) before the certificate.
fn generate(dir: &Path, names: &[String], cert: &Path, key: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut subject_names: Vec<String> = names.to_vec();
    for name in ["localhost", "127.0.0.1", "::1"] {
        if !subject_names.iter().any(|n| n == name) {
            subject_names.push(name.to_owned());
        }
    }
    let key_pair = rcgen::KeyPair::generate().context("generating a key")?;
    let mut params =
        rcgen::CertificateParams::new(subject_names).context("the certificate's names")?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Gatehouse server");
    // Valid for ten years from now: the fingerprint, not the expiry, is what a pinned
    // desktop trusts, and an expiring pin would lock every desktop out at once.
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(3650);
    let certificate = params
        .self_signed(&key_pair)
        .context("signing the certificate")?;
    crate::private_file::write(key, &key_pair.serialize_pem())
        .with_context(|| format!("writing {}", key.display()))?;
    crate::private_file::write(cert, &certificate.pem())
        .with_context(|| format!("writing {}", cert.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_is_sha256_in_colon_separated_upper_case_hex_pairs() {
        let text = fingerprint(b"certificate");
        let pairs: Vec<&str> = text.strip_prefix("SHA256:").unwrap().split(':').collect();
        assert_eq!(pairs.len(), 32);
        assert!(pairs.iter().all(|p| p.len() == 2
            && p.chars()
                .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))));
    }

    #[cfg(unix)]
    #[test]
    fn a_self_signed_certificate_is_made_once_kept_private_and_loaded_again() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let source = TlsSource::SelfSigned {
            dir: dir.path().join("data"),
            names: vec!["gatehouse.internal".into()],
        };
        let first = source.load().unwrap();
        let second = source.load().unwrap();
        assert_eq!(
            first.fingerprint, second.fingerprint,
            "kept, not regenerated"
        );
        for file in [SELF_SIGNED_CERT, SELF_SIGNED_KEY] {
            let mode = std::fs::metadata(dir.path().join("data").join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }
}
