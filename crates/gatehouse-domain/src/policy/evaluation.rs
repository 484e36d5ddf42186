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
    let (judged, bounded) = judged_prefix(candidate);
    let inputs: Vec<&str> = fragments.iter().map(String::as_str).collect();
    let entropy = zxcvbn::zxcvbn(&judged, &inputs);
    let feedback = entropy.feedback();
    let score = u8::from(entropy.score());
    Strength {
        // A prefix's score is not the whole's: when the bound cut the input, the score
        // stays below the top, so a cut can make a password look weaker but never
        // strongest (the strictest preset asks for 3).
        score: if bounded {
            score.min(BOUNDED_MAX_SCORE)
        } else {
            score
        },
        crack_time: entropy
            .crack_times()
            .offline_slow_hashing_1e4_per_second()
            .to_string(),
        warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
        suggestions: feedback
            .map(|f| f.suggestions().iter().map(ToString::to_string).collect())
            .unwrap_or_default(),
        bounded,
    }
}

/// The highest score of a password whose estimate the bound cut short.
pub const BOUNDED_MAX_SCORE: u8 = 3;

/// zxcvbn's l33t table (zxcvbn 3.1, `matching::L33T_TABLE`): the letters and the
/// symbols that may stand for them. Its l33t matcher runs the whole dictionary
/// matching once for every set of substitutions the input's symbols allow, and those
/// sets multiply: 64 characters holding all 20 symbols take 0.35–1 s (issue 8).
const L33T_TABLE: [(char, &[char]); 12] = [
    ('a', &['4', '@']),
    ('b', &['8']),
    ('c', &['(', '{', '[', '<']),
    ('e', &['3']),
    ('g', &['6', '9']),
    ('i', &['1', '!', '|']),
    ('l', &['1', '|', '7']),
    ('o', &['0']),
    ('s', &['$', '5']),
    ('t', &['+', '7']),
    ('x', &['%']),
    ('z', &['2']),
];

/// The work zxcvbn may spend on one input, in (substitution sets × characters²): its
/// dictionary matching tries every substring, once per set. 8 sets of 64 characters
/// stay within ~15 ms on this project's 2-core machine (docs/benchmarks.md).
const L33T_WORK_BUDGET: u64 = 8 * 64 * 64;

/// An upper bound of the substitution sets zxcvbn enumerates for `chars`: the product
/// of each letter's symbols present, doubled for each symbol present that stands for
/// two letters (its enumeration keeps both readings).
fn substitution_sets(chars: &[char]) -> u64 {
    let present = |symbol: &char| chars.contains(symbol);
    let product: u64 = L33T_TABLE
        .iter()
        .map(|(_, symbols)| symbols.iter().filter(|s| present(s)).count().max(1) as u64)
        .product();
    let shared = ['1', '|', '7'].iter().filter(|s| present(s)).count();
    product << shared
}

/// The leading characters zxcvbn judges: at most [`STRENGTH_INPUT_CAP`], and no more
/// than fit [`L33T_WORK_BUDGET`]; true when the budget cut them short.
fn judged_prefix(candidate: &str) -> (String, bool) {
    let chars: Vec<char> = candidate.chars().take(STRENGTH_INPUT_CAP).collect();
    let work = |n: usize| substitution_sets(&chars[..n]) * (n * n) as u64;
    let mut n = chars.len();
    while n > 0 && work(n) > L33T_WORK_BUDGET {
        n -= 1;
    }
    (chars[..n].iter().collect(), n < chars.len())
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

    /// 64 characters holding every symbol of zxcvbn's l33t table: 0.35 s unbounded.
    const WORST_L33T: &str = "p@ssw0rd4@8({[<3691!|70$5+%2p@ssw0rd4@8({[<3691!|70$5+%2p@ssw0rd";

    #[test]
    fn a_password_of_many_substitutions_is_judged_in_part_and_says_so() {
        let report = evaluate(
            &PasswordPolicy::default(),
            WORST_L33T,
            &PasswordContext::default(),
        );
        assert!(report.strength.bounded);
        assert!(report.strength.score <= BOUNDED_MAX_SCORE);
        let (judged, bounded) = judged_prefix(WORST_L33T);
        assert!(
            bounded && WORST_L33T.starts_with(&judged) && judged.len() >= 12,
            "{judged}"
        );
    }

    #[test]
    fn an_ordinary_password_is_judged_whole() {
        for candidate in [
            "correct horse battery staple",
            "Tr0ub4dor&3",
            "x7$Kp9!q2@Lm",
        ] {
            let report = evaluate(
                &PasswordPolicy::default(),
                candidate,
                &PasswordContext::default(),
            );
            assert!(!report.strength.bounded, "{candidate}");
        }
        assert_eq!(judged_prefix("p@ssw0rd"), ("p@ssw0rd".to_owned(), false));
    }

    #[test]
    fn the_substitution_bound_counts_shared_symbols_twice() {
        assert_eq!(substitution_sets(&['a', 'b']), 1);
        assert_eq!(substitution_sets(&['4', '@', '(', '[']), 4);
        // i: 1 and |; l: 1, | and 7; t: 7; and each of the three read two ways.
        assert_eq!(substitution_sets(&['1', '|', '7']), (2 * 3) << 3);
    }

    /// What an attacker or an unlucky user types: l33t symbols, keyboard walks, dates,
    /// repeats and any Unicode, mixed.
    fn adversarial() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            proptest::sample::select(vec![
                "4", "@", "8", "(", "{", "[", "<", "3", "6", "9", "1", "!", "|", "7", "0", "$",
                "5", "+", "%", "2"
            ])
            .prop_map(str::to_owned),
            proptest::sample::select(vec![
                "qwerty",
                "asdfgh",
                "zxcvbn",
                "1qaz2wsx",
                "!@#$%^",
                "p@ssw0rd",
                "l3tm31n",
                "19/07/1984",
                "2024-02-29",
                "aaaaaa",
                "abcabc",
                "123456"
            ])
            .prop_map(str::to_owned),
            "\\PC{1,4}",
        ];
        proptest::collection::vec(piece, 1..40).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// A generous budget (debug builds run zxcvbn optimised, see Cargo.toml; the
        /// release bound of 50 ms is the bench's, docs/benchmarks.md).
        #[test]
        fn no_input_takes_long_to_judge(candidate in adversarial()) {
            let start = std::time::Instant::now();
            let report = evaluate(&PasswordPolicy::default(), &candidate, &PasswordContext::default());
            let took = start.elapsed();
            prop_assert!(took < std::time::Duration::from_millis(250), "{candidate:?} took {took:?}");
            prop_assert!(!report.strength.bounded || report.strength.score <= BOUNDED_MAX_SCORE);
        }
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
