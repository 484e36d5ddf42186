//! The password policy: an ordered list of rules, evaluated by one function.
//!
//! [`evaluate`] is the single source of truth. The desktop's live checklist and the
//! server-side enforcement ([`crate::password::Password::parse`]) both call it, so
//! they cannot disagree. zxcvbn's own types never leave this module: its findings are
//! translated into [`Strength`].

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::fields::FieldError;

/// No policy may allow more than this many characters: it bounds the hashing work
/// an attacker can ask for, and no real password manager makes longer ones.
pub const HARD_MAX_LENGTH: u16 = 1024;

/// zxcvbn looks at no more than this many leading characters. Its matcher is
/// super-linear (a crafted 100-character input took 0.6 s); past 64 characters every
/// realistic password already scores 4, so the prefix decides nothing wrongly.
pub const STRENGTH_INPUT_CAP: usize = 64;

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
        // zxcvbn rates an unguessable string by its length: about 10 characters for
        // "strong" (3) and 12 for "very strong" (4), with a margin.
        let needed_for_strength = match self.min_strength_score {
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

/// The personal details a password must not contain.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordContext {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

impl PasswordContext {
    /// Lower-cased fragments worth refusing: the whole values and the email's local part.
    fn fragments(&self) -> Vec<String> {
        let email_local = self
            .email
            .as_deref()
            .and_then(|e| e.rsplit_once('@'))
            .map(|(local, _)| local);
        [
            self.username.as_deref(),
            self.email.as_deref(),
            email_local,
            self.first_name.as_deref(),
            self.last_name.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_lowercase())
        // Two letters ("Al", "Li") would refuse half of all passwords.
        .filter(|s| s.chars().count() >= 3)
        .collect()
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

static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().collect());

fn is_special(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

/// Evaluates `candidate` against every rule of `policy`, in order, and estimates its
/// strength. Cheap rules look at the whole input; zxcvbn at most its first
/// [`STRENGTH_INPUT_CAP`] characters, so a 10,000-character input stays fast.
pub fn evaluate(
    policy: &PasswordPolicy,
    candidate: &str,
    context: &PasswordContext,
) -> PolicyReport {
    let length = candidate.chars().count();
    let has_upper = candidate.chars().any(char::is_uppercase);
    let has_lower = candidate.chars().any(char::is_lowercase);
    let has_digit = candidate.chars().any(|c| c.is_ascii_digit());
    let has_special = candidate.chars().any(is_special);
    let classes = [has_upper, has_lower, has_digit, has_special]
        .iter()
        .filter(|x| **x)
        .count();
    let lowered = candidate.to_lowercase();
    let fragments = context.fragments();

    let strength = estimate_strength(candidate, &fragments);

    let mut rules = Vec::with_capacity(11);
    let mut rule = |rule: Rule, passed: bool, message: String| {
        rules.push(RuleOutcome {
            rule,
            passed,
            message,
        });
    };
    rule(
        Rule::MinLength,
        length >= usize::from(policy.min_length),
        format!("At least {} characters", policy.min_length),
    );
    rule(
        Rule::MaxLength,
        length <= usize::from(policy.max_length),
        format!("At most {} characters", policy.max_length),
    );
    if policy.require_uppercase {
        rule(Rule::Uppercase, has_upper, "An uppercase letter".to_owned());
    }
    if policy.require_lowercase {
        rule(Rule::Lowercase, has_lower, "A lowercase letter".to_owned());
    }
    if policy.require_digit {
        rule(Rule::Digit, has_digit, "A digit".to_owned());
    }
    if policy.require_special {
        rule(
            Rule::Special,
            has_special,
            "A special character, like ! or #".to_owned(),
        );
    }
    if policy.min_character_classes > 0 {
        rule(
            Rule::CharacterClasses,
            classes >= usize::from(policy.min_character_classes),
            format!(
                "At least {} of: uppercase, lowercase, digit, special character",
                policy.min_character_classes
            ),
        );
    }
    if policy.forbid_whitespace {
        rule(
            Rule::NoWhitespace,
            !candidate.chars().any(char::is_whitespace),
            "No spaces".to_owned(),
        );
    }
    if policy.forbid_personal_info {
        let personal = fragments.iter().any(|f| lowered.contains(f.as_str()));
        rule(
            Rule::NoPersonalInfo,
            !personal,
            "Does not contain your username, email or name".to_owned(),
        );
    }
    if policy.forbid_common {
        let common = COMMON_PASSWORDS.contains(lowered.as_str());
        rule(
            Rule::NotCommon,
            !common,
            "Not a commonly used password".to_owned(),
        );
    }
    if policy.min_strength_score > 0 {
        rule(
            Rule::MinStrength,
            strength.score >= policy.min_strength_score,
            format!("Strength at least {} of 4", policy.min_strength_score),
        );
    }

    let passed = rules.iter().all(|r| r.passed);
    PolicyReport {
        passed,
        rules,
        strength,
    }
}

fn estimate_strength(candidate: &str, fragments: &[String]) -> Strength {
    let prefix: String = candidate.chars().take(STRENGTH_INPUT_CAP).collect();
    let inputs: Vec<&str> = fragments.iter().map(String::as_str).collect();
    let entropy = zxcvbn::zxcvbn(&prefix, &inputs);
    let feedback = entropy.feedback();
    Strength {
        score: u8::from(entropy.score()),
        crack_time: entropy
            .crack_times()
            .offline_slow_hashing_1e4_per_second()
            .to_string(),
        warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
        suggestions: feedback
            .map(|f| f.suggestions().iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn failing(policy: &PasswordPolicy, candidate: &str) -> Vec<Rule> {
        evaluate(policy, candidate, &PasswordContext::default())
            .rules
            .into_iter()
            .filter(|r| !r.passed)
            .map(|r| r.rule)
            .collect()
    }

    fn only(rules: impl FnOnce(&mut PasswordPolicy)) -> PasswordPolicy {
        let mut policy = PolicyPreset::Seed001.policy();
        policy.min_length = 1;
        rules(&mut policy);
        policy
    }

    #[test]
    fn min_length_counts_characters_not_bytes() {
        let policy = only(|p| p.min_length = 4);
        assert_eq!(failing(&policy, "abc"), vec![Rule::MinLength]);
        assert!(failing(&policy, "äöüß").is_empty());
    }

    #[test]
    fn max_length_refuses_longer_passwords() {
        let policy = only(|p| p.max_length = 10);
        assert_eq!(failing(&policy, &"a".repeat(11)), vec![Rule::MaxLength]);
    }

    #[test]
    fn uppercase_lowercase_digit_and_special_are_separate_rules() {
        let policy = only(|p| {
            p.require_uppercase = true;
            p.require_lowercase = true;
            p.require_digit = true;
            p.require_special = true;
        });
        assert_eq!(
            failing(&policy, "    "),
            vec![Rule::Uppercase, Rule::Lowercase, Rule::Digit, Rule::Special]
        );
        assert!(failing(&policy, "aB3!").is_empty());
    }

    #[test]
    fn character_classes_count_any_n_of_four() {
        let policy = only(|p| p.min_character_classes = 3);
        assert_eq!(failing(&policy, "abcDEF"), vec![Rule::CharacterClasses]);
        assert!(failing(&policy, "abcDEF1").is_empty());
        assert!(failing(&policy, "abc1!").is_empty());
    }

    #[test]
    fn whitespace_is_refused_when_the_rule_is_on() {
        let policy = only(|p| p.forbid_whitespace = true);
        assert_eq!(failing(&policy, "two words"), vec![Rule::NoWhitespace]);
        assert_eq!(failing(&policy, "tab\there"), vec![Rule::NoWhitespace]);
    }

    #[test]
    fn personal_information_is_refused_case_insensitively() {
        let policy = only(|p| p.forbid_personal_info = true);
        let context = PasswordContext {
            username: Some("jdoe".into()),
            email: Some("jane.doe@example.com".into()),
            first_name: Some("Jane".into()),
            last_name: Some("Li".into()),
        };
        let fails = |pw: &str| !evaluate(&policy, pw, &context).passed;
        assert!(fails("xxJDOExx"));
        assert!(fails("my-jane.doe-password"));
        assert!(fails("JANE2024!"));
        assert!(!fails("li-is-too-short-to-count"));
    }

    #[test]
    fn common_passwords_are_refused() {
        let policy = only(|p| p.forbid_common = true);
        assert_eq!(failing(&policy, "Password1"), vec![Rule::NotCommon]);
        assert_eq!(failing(&policy, "qwerty"), vec![Rule::NotCommon]);
        assert!(failing(&policy, "violet-harbor-tangent").is_empty());
    }

    #[test]
    fn the_strength_rule_uses_the_zxcvbn_score() {
        let policy = only(|p| p.min_strength_score = 3);
        assert_eq!(failing(&policy, "password"), vec![Rule::MinStrength]);
        assert!(failing(&policy, "correct horse battery staple").is_empty());
    }

    #[test]
    fn a_weak_password_gets_a_warning_and_suggestions() {
        let report = evaluate(
            &PasswordPolicy::default(),
            "password",
            &PasswordContext::default(),
        );
        assert_eq!(report.strength.score, 0);
        assert!(report.strength.warning.is_some());
        assert!(!report.strength.suggestions.is_empty());
        assert!(!report.strength.crack_time.is_empty());
    }

    #[test]
    fn every_rule_is_reported_even_when_several_fail() {
        let report = evaluate(
            &PolicyPreset::Seed000.policy(),
            "ab c",
            &PasswordContext::default(),
        );
        let failed: Vec<_> = report
            .field_errors("password")
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            failed,
            [
                "min_length",
                "uppercase",
                "digit",
                "special",
                "no_whitespace"
            ]
        );
    }

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

    #[test]
    fn a_ten_thousand_character_input_is_evaluated() {
        let report = evaluate(
            &PasswordPolicy::default(),
            &"aB3$".repeat(2500),
            &PasswordContext::default(),
        );
        assert!(report
            .rules
            .iter()
            .any(|r| r.rule == Rule::MaxLength && !r.passed));
    }

    proptest! {
        #[test]
        fn no_input_panics(candidate in ".{0,300}") {
            let report = evaluate(&PasswordPolicy::default(), &candidate, &PasswordContext::default());
            prop_assert_eq!(report.passed, report.rules.iter().all(|r| r.passed));
            prop_assert!(report.strength.score <= 4);
        }
    }
}
