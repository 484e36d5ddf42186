//! The password policy: an ordered list of rules, evaluated by one function.
//!
//! [`evaluate`] is the single source of truth. The desktop's live checklist and the
//! server-side enforcement ([`crate::password::Password::parse`]) both call it, so
//! they cannot disagree. zxcvbn's own types never leave this module: its findings are
//! translated into [`Strength`].
//!
//! - `rules`: [`PasswordPolicy`], the check that a policy can be met, and [`Rule`];
//! - `presets`: [`PolicyPreset`], the named policies;
//! - `evaluation`: [`evaluate`], and the personal details ([`PasswordContext`]) it
//!   refuses in a password;
//! - `report`: [`PolicyReport`], what `evaluate` returns.

mod evaluation;
mod presets;
mod report;
mod rules;

pub use evaluation::{evaluate, PasswordContext};
pub use presets::PolicyPreset;
pub use report::{PolicyReport, RuleOutcome, Strength};
pub use rules::{PasswordPolicy, Rule};

/// No policy may allow more than this many characters: it bounds the hashing work
/// an attacker can ask for, and no real password manager makes longer ones.
pub const HARD_MAX_LENGTH: u16 = 1024;

/// zxcvbn looks at no more than this many leading characters. Its matcher is
/// super-linear (a crafted 100-character input took 0.6 s); past 64 characters every
/// realistic password already scores 4, so the prefix decides nothing wrongly.
pub const STRENGTH_INPUT_CAP: usize = 64;
