//! Evaluating a candidate: every rule of a policy, in order, and zxcvbn's estimate
//! of its strength, with the user's personal details to refuse.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::{PasswordPolicy, PolicyReport, Rule, RuleOutcome, Strength, STRENGTH_INPUT_CAP};

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
    use crate::policy::PolicyPreset;
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
