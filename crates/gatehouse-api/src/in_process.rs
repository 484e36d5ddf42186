//! The in-process backend: the core itself, on a database this process holds.

use gatehouse_domain::{Gatehouse, SignInSource};

/// Runs every operation on the core in this process (the desktop app on its local
/// database, or on a PostgreSQL whose password it holds).
#[derive(Clone)]
pub struct InProcess {
    pub(crate) core: Gatehouse,
    /// Where this process's sign-ins come from, for the sign-in throttle.
    pub(crate) source: SignInSource,
}

impl InProcess {
    pub fn new(core: Gatehouse, source: SignInSource) -> Self {
        InProcess { core, source }
    }

    /// The core, for what is not an operation (closing the pool).
    pub fn core(&self) -> &Gatehouse {
        &self.core
    }
}
