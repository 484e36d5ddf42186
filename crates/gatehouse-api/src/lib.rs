//! Gatehouse's operations behind one trait, [`Backend`], expanded from the operation
//! table in `gatehouse-operations`: [`InProcess`] runs them on the core (the desktop
//! holding the database), `Remote` (feature `client`) sends them to `gatehouse serve`.
//! Both answer with the same [`Reply`]: the output, or the core's RFC 7807 [`Problem`],
//! so a window shows every error the same way whichever backend it talks to.
//!
//! [`catalog`] lists the operations for the tests that check every adapter serves
//! each of them; [`Arg`] decodes an argument the way every adapter does.

mod arg;
mod backend;
pub mod catalog;
pub mod dispatch;
mod in_process;
#[cfg(feature = "client")]
mod remote;
#[cfg(feature = "client")]
pub mod trust;
#[cfg(feature = "ts")]
pub mod ts;

use std::future::Future;
use std::pin::Pin;

pub use arg::{malformed, Arg};
pub use backend::Backend;
pub use gatehouse_operations::{backend_operations, optional, window_operations};
pub use in_process::InProcess;
#[cfg(feature = "client")]
pub use remote::Remote;

pub use gatehouse_domain::Problem;

/// What every operation answers: its output, or a problem document.
pub type Reply<T> = Result<T, Problem>;

/// The future a [`Backend`] operation returns (boxed, so the trait is object-safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The SHA-256 fingerprint of a DER certificate, as `gatehouse serve` prints it and the
/// desktop shows and pins it: `SHA256:` and 32 colon-separated upper-case hex pairs.
pub fn fingerprint(der: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(der);
    let pairs: Vec<String> = digest.iter().map(|byte| format!("{byte:02X}")).collect();
    format!("SHA256:{}", pairs.join(":"))
}

/// Maps a core error to its problem document; an unexpected one is logged first,
/// with its causes (which never hold a secret), and shown generically.
pub fn problem(error: gatehouse_domain::Error) -> Problem {
    if let gatehouse_domain::Error::Internal(source) = &error {
        tracing::error!(error = %source, "unexpected failure");
    }
    error.to_problem()
}
