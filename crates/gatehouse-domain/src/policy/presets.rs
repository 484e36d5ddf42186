//! Named policies an admin can start from: ours, the seeds' and NIST's.

use serde::{Deserialize, Serialize};

use super::PasswordPolicy;

/// Named rule sets: one per API document the product was specified from, NIST's, and ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PolicyPreset {
    /// 12+ characters, 3 of 4 classes, not common, not personal, zxcvbn score 3+.
    Recommended,
    /// Seed 000: 8+ with upper, lower, digit and special character, no spaces.
    Seed000,
    /// Seed 001: 4+ characters.
    Seed001,
    /// Seed 003: 6+ characters.
    Seed003,
    /// Seed 004: 12+ characters with 3 of 4 character classes.
    Seed004,
    /// NIST SP 800-63B rev. 4: 15+ characters for single-factor use, at least 64
    /// allowed, no composition rules, checked against a blocklist.
    Nist80063b,
}

impl PolicyPreset {
    pub const ALL: [PolicyPreset; 6] = [
        PolicyPreset::Recommended,
        PolicyPreset::Seed000,
        PolicyPreset::Seed001,
        PolicyPreset::Seed003,
        PolicyPreset::Seed004,
        PolicyPreset::Nist80063b,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PolicyPreset::Recommended => "Recommended",
            PolicyPreset::Seed000 => "Classic: 8+ with upper, lower, digit, special",
            PolicyPreset::Seed001 => "Minimal: 4+ characters",
            PolicyPreset::Seed003 => "Basic: 6+ characters",
            PolicyPreset::Seed004 => "12+ characters, 3 of 4 character classes",
            PolicyPreset::Nist80063b => "NIST SP 800-63B",
        }
    }

    pub fn policy(self) -> PasswordPolicy {
        let base = PasswordPolicy {
            min_length: 8,
            max_length: 128,
            require_uppercase: false,
            require_lowercase: false,
            require_digit: false,
            require_special: false,
            min_character_classes: 0,
            forbid_whitespace: false,
            forbid_personal_info: false,
            min_strength_score: 0,
            forbid_common: false,
        };
        match self {
            PolicyPreset::Recommended => PasswordPolicy {
                min_length: 12,
                min_character_classes: 3,
                forbid_personal_info: true,
                min_strength_score: 3,
                forbid_common: true,
                ..base
            },
            PolicyPreset::Seed000 => PasswordPolicy {
                require_uppercase: true,
                require_lowercase: true,
                require_digit: true,
                require_special: true,
                forbid_whitespace: true,
                ..base
            },
            PolicyPreset::Seed001 => PasswordPolicy {
                min_length: 4,
                ..base
            },
            PolicyPreset::Seed003 => PasswordPolicy {
                min_length: 6,
                ..base
            },
            PolicyPreset::Seed004 => PasswordPolicy {
                min_length: 12,
                min_character_classes: 3,
                ..base
            },
            PolicyPreset::Nist80063b => PasswordPolicy {
                min_length: 15,
                max_length: 256,
                forbid_personal_info: true,
                forbid_common: true,
                ..base
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{evaluate, PasswordContext};
    #[test]
    fn the_seed_presets_have_the_seeds_rules() {
        let seed000 = PolicyPreset::Seed000.policy();
        assert!(!evaluate(&seed000, "Abcdef1!", &PasswordContext::default())
            .rules
            .is_empty());
        assert!(evaluate(&seed000, "Abcdef1!", &PasswordContext::default()).passed);
        assert!(!evaluate(&seed000, "Abcdef 1!", &PasswordContext::default()).passed);
        assert!(
            evaluate(
                &PolicyPreset::Seed001.policy(),
                "abcd",
                &PasswordContext::default()
            )
            .passed
        );
        assert!(
            !evaluate(
                &PolicyPreset::Seed003.policy(),
                "abcde",
                &PasswordContext::default()
            )
            .passed
        );
        let seed004 = PolicyPreset::Seed004.policy();
        assert!(!evaluate(&seed004, "abcdefghijk1", &PasswordContext::default()).passed);
        assert!(evaluate(&seed004, "abcdefghijK1", &PasswordContext::default()).passed);
        let nist = PolicyPreset::Nist80063b.policy();
        assert!(!evaluate(&nist, "short but fine", &PasswordContext::default()).passed);
        assert!(
            evaluate(
                &nist,
                "a long passphrase with spaces",
                &PasswordContext::default()
            )
            .passed
        );
    }
}
