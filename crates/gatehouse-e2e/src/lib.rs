//! Nothing but the end-to-end test in `tests/window.rs`; see scripts/test-e2e.
