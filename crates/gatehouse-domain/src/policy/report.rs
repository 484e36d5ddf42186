//! What [`super::evaluate`] says of a candidate: each rule's verdict and the
//! candidate's strength, as the live checklist shows them and as field errors.

use serde::{Deserialize, Serialize};

use super::Rule;
use crate::fields::FieldError;

/// One rule's verdict on one candidate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleOutcome {
    pub rule: Rule,
    pub passed: bool,
    /// The rule as a sentence, e.g. "At least 12 characters".
    pub message: String,
}

/// zxcvbn's estimate, in our own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Strength {
    /// 0 (too guessable) to 4 (very unguessable).
    pub score: u8,
    /// Time to crack offline against a slow hash (10⁴ guesses/s), e.g. "3 years".
    pub crack_time: String,
    pub warning: Option<String>,
    pub suggestions: Vec<String>,
    /// True when the estimate judged only the password's first characters, because
    /// all of them would have taken too long (many symbol substitutions): the score
    /// is then at most 3: the cut may make a password look weaker than it is, and never
    /// earns it the top score.
    #[serde(default)]
    pub bounded: bool,
}

/// Every rule's outcome for one candidate, plus its strength.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyReport {
    /// True when every rule passed.
    pub passed: bool,
    pub rules: Vec<RuleOutcome>,
    pub strength: Strength,
}

impl PolicyReport {
    /// One field error per failing rule, under `field`.
    pub fn field_errors(&self, field: &str) -> Vec<FieldError> {
        self.rules
            .iter()
            .filter(|outcome| !outcome.passed)
            .map(|outcome| FieldError::new(field, outcome.rule.code(), &outcome.message))
            .collect()
    }
}
