//! [`Gatehouse`]: the service the adapters hold. Each domain module adds its
//! operations to it in an `impl Gatehouse` block of its own.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::access_token::Signer;
use crate::clock::{Clock, SystemClock};
use crate::error::Result;
use crate::secrets::SecretStore;
use crate::store::{DatabaseConfig, Pool};

/// The Gatehouse core, connected to one database. Cheap to clone.
#[derive(Clone)]
pub struct Gatehouse {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    secrets: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    signer: tokio::sync::Mutex<Option<Arc<Signer>>>,
    #[cfg(feature = "fail-points")]
    fail_at: std::sync::Mutex<Option<String>>,
}

impl Gatehouse {
    /// Connects, applies migrations, and keeps signing keys in `secrets`.
    pub async fn connect(config: &DatabaseConfig, secrets: Arc<dyn SecretStore>) -> Result<Self> {
        Self::connect_with_clock(config, secrets, Arc::new(SystemClock)).await
    }

    pub async fn connect_with_clock(
        config: &DatabaseConfig,
        secrets: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let pool = Pool::connect(config).await?;
        tokio::task::spawn_blocking(crate::password::warm_up).await?;
        let gatehouse = Gatehouse {
            inner: Arc::new(Inner {
                pool,
                secrets,
                clock,
                signer: tokio::sync::Mutex::new(None),
                #[cfg(feature = "fail-points")]
                fail_at: std::sync::Mutex::new(None),
            }),
        };
        gatehouse.run_data_steps().await?;
        Ok(gatehouse)
    }

    /// Closes the pool; in-flight operations finish first.
    pub async fn close(&self) {
        self.inner.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    pub(crate) fn secrets(&self) -> Arc<dyn SecretStore> {
        self.inner.secrets.clone()
    }

    pub(crate) fn signer_slot(&self) -> &tokio::sync::Mutex<Option<Arc<Signer>>> {
        &self.inner.signer
    }

    /// Fails with an internal error if a test asked to fail after `step`.
    #[allow(unused_variables)]
    pub(crate) fn fail_point(&self, step: &str) -> Result<()> {
        #[cfg(feature = "fail-points")]
        if self
            .inner
            .fail_at
            .lock()
            .expect("fail point lock")
            .as_deref()
            == Some(step)
        {
            return Err(crate::Error::Internal(
                format!("injected failure after {step}").into(),
            ));
        }
        Ok(())
    }

    /// Makes the next operations fail right after `step` (tests only).
    #[cfg(feature = "fail-points")]
    pub fn fail_after(&self, step: Option<&str>) {
        *self.inner.fail_at.lock().expect("fail point lock") = step.map(str::to_owned);
    }
}
