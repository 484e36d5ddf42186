//! The rules themselves: what a [`PasswordPolicy`] asks of a password, the check
//! that a policy an admin edits can be met at all, and the [`Rule`] names its
//! outcomes are reported under.

use serde::{Deserialize, Serialize};

use super::{PolicyPreset, HARD_MAX_LENGTH};
use crate::fields::FieldError;

/// The rules an instance enforces on every new or reset password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    pub min_length: u16,
    pub max_length: u16,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_digit: bool,
    pub require_special: bool,
    /// How many of the four classes (upper, lower, digit, special) must appear; 0 = off.
    pub min_character_classes: u8,
    pub forbid_whitespace: bool,
    /// Refuse passwords containing the username, email or names.
    pub forbid_personal_info: bool,
    /// Minimum zxcvbn score, 0 (off) to 4.
    pub min_strength_score: u8,
    /// Refuse the 10,000 most common passwords.
    pub forbid_common: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PolicyPreset::Recommended.policy()
    }
}

impl PasswordPolicy {
    /// Checks that the policy itself makes sense (used when an admin edits it).
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.min_length == 0 {
            errors.push(FieldError::new(
                "password_policy.min_length",
                "too_small",
                "The minimum length must be at least 1.",
            ));
        }
        if self.max_length > HARD_MAX_LENGTH {
            errors.push(FieldError::new(
                "password_policy.max_length",
                "too_large",
                format!("The maximum length can be at most {HARD_MAX_LENGTH}."),
            ));
        }
        if self.min_length > self.max_length {
            errors.push(FieldError::new(
                "password_policy.max_length",
                "below_minimum",
                "The maximum length must not be below the minimum length.",
            ));
        }
        if self.min_character_classes > 4 {
            errors.push(FieldError::new(
                "password_policy.min_character_classes",
                "too_large",
                "There are only 4 character classes.",
            ));
        }
        if self.min_strength_score > 4 {
            errors.push(FieldError::new(
                "password_policy.min_strength_score",
                "too_large",
                "Strength scores go from 0 to 4.",
            ));
        }
        // Policies no password can pass: every check passes alone, but together they
        // would refuse everything (and a generated temporary password could not exist).
        let required_classes = [
            self.require_uppercase,
            self.require_lowercase,
            self.require_digit,
            self.require_special,
        ]
        .into_iter()
        .filter(|&required| required)
        .count()
        .max(usize::from(self.min_character_classes.min(4)));
        if usize::from(self.max_length) < required_classes {
            errors.push(FieldError::new(
                "password_policy.max_length",
                "too_small_for_rules",
                "The maximum length leaves no room for the required kinds of characters.",
            ));
        }
        // zxcvbn rates an unguessable string by its length (10^n guesses for n random
        // characters; scores 1 to 4 need more than 10^3, 10^6, 10^8 and 10^10): at least
        // 4, 7, 9 and 11 characters, with a margin for random ones that form a pattern.
        let needed_for_strength = match self.min_strength_score {
            1 => 5,
            2 => 8,
            3 => 10,
            4 => 12,
            _ => 0,
        };
        if self.max_length < needed_for_strength {
            errors.push(FieldError::new(
                "password_policy.max_length",
                "too_small_for_strength",
                format!(
                    "A strength of {} needs room for at least {needed_for_strength} characters.",
                    self.min_strength_score
                ),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Identifies a rule, in the policy's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    MinLength,
    MaxLength,
    Uppercase,
    Lowercase,
    Digit,
    Special,
    CharacterClasses,
    NoWhitespace,
    NoPersonalInfo,
    NotCommon,
    MinStrength,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::MinLength => "min_length",
            Rule::MaxLength => "max_length",
            Rule::Uppercase => "uppercase",
            Rule::Lowercase => "lowercase",
            Rule::Digit => "digit",
            Rule::Special => "special",
            Rule::CharacterClasses => "character_classes",
            Rule::NoWhitespace => "no_whitespace",
            Rule::NoPersonalInfo => "no_personal_info",
            Rule::NotCommon => "not_common",
            Rule::MinStrength => "min_strength",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn every_preset_is_a_valid_policy() {
        for preset in PolicyPreset::ALL {
            assert_eq!(preset.policy().check(), Ok(()), "{preset:?}");
        }
    }

    #[test]
    fn a_policy_with_min_above_max_is_refused() {
        let policy = PasswordPolicy {
            min_length: 20,
            max_length: 10,
            ..PasswordPolicy::default()
        };
        assert_eq!(policy.check().unwrap_err()[0].code, "below_minimum");
    }

    #[test]
    fn a_policy_too_short_for_its_required_kinds_of_characters_is_refused() {
        let policy = PasswordPolicy {
            min_length: 1,
            max_length: 3,
            require_uppercase: true,
            require_lowercase: true,
            require_digit: true,
            require_special: true,
            min_strength_score: 0,
            ..PasswordPolicy::default()
        };
        let codes: Vec<_> = policy
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, vec!["too_small_for_rules"]);
    }

    #[test]
    fn a_policy_too_short_for_its_required_strength_is_refused() {
        let policy = PasswordPolicy {
            min_length: 4,
            max_length: 8,
            min_character_classes: 0,
            min_strength_score: 4,
            ..PasswordPolicy::default()
        };
        let codes: Vec<_> = policy
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, vec!["too_small_for_strength"]);
        let strong_enough = PasswordPolicy {
            max_length: 12,
            ..policy
        };
        assert_eq!(strong_enough.check(), Ok(()));
    }
}
