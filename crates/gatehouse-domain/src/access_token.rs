//! Access tokens: EdDSA-signed JWTs, and the keys that sign them.
//!
//! Each desktop (or server) has its own Ed25519 key pair. The private key stays in
//! its [`SecretStore`](crate::SecretStore) (the OS keychain); the public key goes to
//! the shared database, so every desktop on the same PostgreSQL can verify every
//! other's tokens, and the HTTP server publishes them as a JWKS. See
//! `docs/decisions/0001-signing-keys.md`.

use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Utc};
use ed25519_dalek::pkcs8::EncodePrivateKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit::{self, AuditAction};
use crate::error::{Error, Result};
use crate::gatehouse::Gatehouse;
use crate::instance::{Settings, MAX_ACCESS_TOKEN_MINUTES};
use crate::secrets::{OneTimeSecret, SecretStore};
use crate::store::{transaction, Mode, SigningKeyRow, SigningKeyStore, Store, UserRow};
use crate::user::Role;

/// The audience of every access token Gatehouse issues.
pub const AUDIENCE: &str = "gatehouse-admin";
const ALGORITHM: &str = "EdDSA";
/// How far ahead of this clock another desktop's clock may run: a token whose `iat`
/// or `nbf` lies further in the future is refused.
pub const MAX_CLOCK_SKEW_SECS: i64 = 60;

impl SigningKeyRow {
    /// Whether the key may verify tokens at `now`: not retired, and it has signed a
    /// token recently enough that the token could still be alive. A quiet key comes
    /// back when its holder signs again (its private half never left that keychain).
    fn verifies_at(&self, now: DateTime<Utc>) -> bool {
        let last_signed = self.last_signed_at.unwrap_or(self.created_at);
        let longest = chrono::Duration::minutes(i64::from(MAX_ACCESS_TOKEN_MINUTES) + 5);
        self.retired_at.is_none() && self.algorithm == ALGORITHM && last_signed + longest > now
    }
}

pub fn issuer(instance_id: Uuid) -> String {
    format!("urn:gatehouse:instance:{instance_id}")
}

/// The claims of an access token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user's id.
    pub sub: Uuid,
    /// The user's account.
    pub account: Uuid,
    pub roles: Vec<Role>,
    pub iat: i64,
    /// Not before: the same as `iat`.
    pub nbf: i64,
    pub exp: i64,
    pub jti: Uuid,
    /// The user's session generation when the token was issued. A password change or
    /// reset starts a new generation, which ends every session of the earlier ones.
    pub sgen: i64,
}

/// An access token, shown to its holder once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedAccessToken {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub access_token: OneTimeSecret,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_at: DateTime<Utc>,
}

/// The private key this process signs with.
pub(crate) struct Signer {
    instance_id: Uuid,
    kid: String,
    key: EncodingKey,
}

/// A freshly generated key pair.
pub(crate) struct KeyPair {
    pub kid: String,
    pkcs8: SecretString,
    public: [u8; 32],
}

impl KeyPair {
    pub(crate) fn generate() -> Result<KeyPair> {
        let key = ed25519_dalek::SigningKey::generate(&mut OsRng);
        let der = key
            .to_pkcs8_der()
            .map_err(|e| Error::Internal(format!("pkcs8: {e}").into()))?;
        let public = key.verifying_key().to_bytes();
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(public)[..12]);
        Ok(KeyPair {
            kid,
            pkcs8: SecretString::from(STANDARD.encode(der.as_bytes())),
            public,
        })
    }

    pub(crate) fn row(&self, now: DateTime<Utc>) -> SigningKeyRow {
        SigningKeyRow {
            kid: self.kid.clone(),
            algorithm: ALGORITHM.to_owned(),
            public_key: self.public.to_vec(),
            created_at: now,
            retired_at: None,
            last_signed_at: Some(now),
        }
    }

    fn signer(&self, instance_id: Uuid) -> Result<Signer> {
        let der = STANDARD
            .decode(self.pkcs8.expose_secret())
            .map_err(|_| Error::Internal("stored signing key unreadable".into()))?;
        Ok(Signer {
            instance_id,
            kid: self.kid.clone(),
            key: EncodingKey::from_ed_der(&der),
        })
    }

    /// The keychain entry: `{"kid": ..., "pkcs8": base64}`.
    fn to_secret(&self) -> SecretString {
        SecretString::from(
            serde_json::json!({ "kid": self.kid, "pkcs8": self.pkcs8.expose_secret() }).to_string(),
        )
    }

    fn from_secret(secret: &SecretString) -> Option<KeyPair> {
        #[derive(Deserialize)]
        struct Stored {
            kid: String,
            pkcs8: String,
        }
        let stored: Stored = serde_json::from_str(secret.expose_secret()).ok()?;
        let der = STANDARD.decode(&stored.pkcs8).ok()?;
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        let key = ed25519_dalek::SigningKey::from_pkcs8_der(&der).ok()?;
        Some(KeyPair {
            kid: stored.kid,
            pkcs8: SecretString::from(stored.pkcs8),
            public: key.verifying_key().to_bytes(),
        })
    }
}

/// The name of this instance's signing key in the secret store.
pub(crate) fn key_entry(instance_id: Uuid) -> String {
    format!("signing-key/{instance_id}")
}

async fn blocking<T: Send + 'static>(
    secrets: Arc<dyn SecretStore>,
    f: impl FnOnce(&dyn SecretStore) -> std::result::Result<T, crate::secrets::SecretStoreError>
        + Send
        + 'static,
) -> Result<T> {
    Ok(tokio::task::spawn_blocking(move || f(secrets.as_ref())).await??)
}

impl Gatehouse {
    /// Saves a new key pair's private half before the transaction that registers
    /// its public half; [`Gatehouse::forget_key`] undoes it if that transaction fails.
    pub(crate) async fn save_key(&self, instance_id: Uuid, pair: &KeyPair) -> Result<()> {
        let (name, secret) = (key_entry(instance_id), pair.to_secret());
        blocking(self.secrets(), move |s| s.set(&name, &secret)).await
    }

    pub(crate) async fn forget_key(&self, instance_id: Uuid) {
        let name = key_entry(instance_id);
        if let Err(error) = blocking(self.secrets(), move |s| s.delete(&name)).await {
            tracing::warn!(%error, "could not remove an unused signing key from the keychain");
        }
    }

    pub(crate) async fn remember_signer(&self, instance_id: Uuid, pair: &KeyPair) -> Result<()> {
        *self.signer_slot().lock().await = Some(Arc::new(pair.signer(instance_id)?));
        Ok(())
    }

    /// This process's signer for the instance: from the keychain if it holds a key
    /// the database still knows, else a new pair registered now.
    async fn signer(&self, instance_id: Uuid) -> Result<Arc<Signer>> {
        let mut slot = self.signer_slot().lock().await;
        if let Some(signer) = slot.as_ref().filter(|s| s.instance_id == instance_id) {
            return Ok(signer.clone());
        }
        let name = key_entry(instance_id);
        let stored = blocking(self.secrets(), move |s| s.get(&name)).await?;
        if let Some(pair) = stored.as_ref().and_then(KeyPair::from_secret) {
            let kid = pair.kid.clone();
            let known = transaction!(self.pool(), Mode::Read, |tx| async {
                Ok::<_, Error>(
                    tx.signing_key(&kid)
                        .await?
                        .is_some_and(|k| k.retired_at.is_none()),
                )
            })?;
            if known {
                let signer = Arc::new(pair.signer(instance_id)?);
                *slot = Some(signer.clone());
                return Ok(signer);
            }
        }
        let pair = KeyPair::generate()?;
        self.save_key(instance_id, &pair).await?;
        let now = self.now();
        let registered = transaction!(self.pool(), Mode::Write, |tx| async {
            tx.insert_signing_key(&pair.row(now)).await?;
            audit::record(
                tx,
                now,
                None,
                AuditAction::SigningKeyRegistered,
                ("signing_key", Some(pair.kid.clone())),
                serde_json::json!({}),
            )
            .await
        });
        if let Err(error) = registered {
            self.forget_key(instance_id).await;
            return Err(error);
        }
        let signer = Arc::new(pair.signer(instance_id)?);
        *slot = Some(signer.clone());
        Ok(signer)
    }

    pub(crate) async fn issue_access_token(
        &self,
        instance_id: Uuid,
        user: &UserRow,
        settings: &Settings,
    ) -> Result<IssuedAccessToken> {
        let signer = self.signer(instance_id).await?;
        let now = self.now();
        let expires_at = now + chrono::Duration::minutes(i64::from(settings.access_token_minutes));
        let claims = Claims {
            iss: issuer(instance_id),
            aud: AUDIENCE.to_owned(),
            sub: user.id,
            account: user.account_id,
            roles: user.roles.to_vec(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: expires_at.timestamp(),
            jti: Uuid::new_v4(),
            sgen: user.session_generation,
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(signer.kid.clone());
        header.typ = Some("at+jwt".to_owned());
        let token = jsonwebtoken::encode(&header, &claims, &signer.key).map_err(Error::internal)?;
        // Recorded before the token leaves: the key must verify it for its whole life.
        let kid = signer.kid.clone();
        transaction!(self.pool(), Mode::Write, |tx| async {
            Ok::<_, Error>(tx.touch_signing_key(&kid, now).await?)
        })?;
        Ok(IssuedAccessToken {
            access_token: OneTimeSecret::new(token),
            token_type: "Bearer".to_owned(),
            expires_at,
        })
    }

    /// The public keys that verify this instance's access tokens, as a JWKS: the keys
    /// not retired that signed a token recently enough for it to be alive.
    pub async fn verification_keys(&self) -> Result<Jwks> {
        let rows = transaction!(self.pool(), Mode::Read, |tx| async {
            Ok::<_, Error>(tx.active_signing_keys().await?)
        })?;
        let now = self.now();
        Ok(Jwks {
            keys: rows
                .into_iter()
                .filter(|row| row.verifies_at(now))
                .map(|row| Jwk {
                    kty: "OKP".to_owned(),
                    crv: "Ed25519".to_owned(),
                    x: URL_SAFE_NO_PAD.encode(&row.public_key),
                    kid: row.kid,
                    alg: ALGORITHM.to_owned(),
                    usage: "sig".to_owned(),
                })
                .collect(),
        })
    }
}

/// Verifies an access token: EdDSA only, a key the database knows and has not
/// retired, the right issuer and audience, `exp` present and in the future by our
/// clock, `iat` and `nbf` present and not more than [`MAX_CLOCK_SKEW_SECS`] ahead of
/// it, `sgen` present. A token that fails any check is `unauthenticated`; a genuine
/// but expired one is `token_expired`. (Whether `sgen` is the user's current session
/// generation is the caller's check: it needs the user.)
pub(crate) async fn verify(
    store: &mut impl Store,
    token: &str,
    instance_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Claims> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| Error::Unauthenticated)?;
    if header.alg != Algorithm::EdDSA {
        return Err(Error::Unauthenticated);
    }
    let kid = header.kid.ok_or(Error::Unauthenticated)?;
    let key = store
        .signing_key(&kid)
        .await?
        .filter(|k| k.verifies_at(now))
        .ok_or(Error::Unauthenticated)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_audience(&[AUDIENCE]);
    validation.set_issuer(&[issuer(instance_id)]);
    validation.set_required_spec_claims(&["exp", "iat", "nbf", "iss", "aud", "sub"]);
    // Expiry and not-before are checked below against the core's clock (the library
    // would use the system's), after the signature.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.leeway = 0;
    let data = jsonwebtoken::decode::<Claims>(
        token,
        &DecodingKey::from_ed_der(&key.public_key),
        &validation,
    )
    .map_err(|_| Error::Unauthenticated)?;
    let latest_start = now.timestamp() + MAX_CLOCK_SKEW_SECS;
    if data.claims.iat > latest_start || data.claims.nbf > latest_start {
        return Err(Error::Unauthenticated);
    }
    if data.claims.exp <= now.timestamp() {
        return Err(Error::TokenExpired);
    }
    Ok(data.claims)
}

/// A JSON Web Key Set (RFC 7517) of Ed25519 public keys.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jwk {
    pub kty: String,
    pub crv: String,
    pub x: String,
    pub kid: String,
    pub alg: String,
    #[serde(rename = "use")]
    pub usage: String,
}
