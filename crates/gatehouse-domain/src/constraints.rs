//! The rules the core checks on request text fields, as data, so the HTTP API's
//! OpenAPI document states exactly them: `gatehouse-server` writes [`FIELD_RULES`]
//! into its schemas and its test compares the served document with this table.
//! Every value here is the constant the parsing code itself uses.
//!
//! The core trims names, emails and plans and applies NFKC to usernames and emails
//! before checking, so it accepts a little more than the schema says (leading spaces,
//! fullwidth letters); whatever the schema accepts, the core's length and character
//! rules accept too.

use crate::{account, api_token, email, instance, person_name, user, username};

/// Length (in characters) and pattern rules of one text field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRule {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    /// A regular expression in the subset ECMA-262 and Python's `re` share.
    pub pattern: Option<&'static str>,
}

pub const USERNAME: TextRule = TextRule {
    min_length: Some(username::MIN_LENGTH),
    max_length: Some(username::MAX_LENGTH),
    pattern: Some(username::PATTERN),
};
/// An email: its syntax is checked by the `email_address` crate (RFC 5322, two or
/// more domain labels), which no portable pattern states; its length is stated.
pub const EMAIL: TextRule = TextRule {
    min_length: None,
    max_length: Some(email::MAX_LENGTH),
    pattern: None,
};
pub const PERSON_NAME: TextRule = TextRule {
    min_length: None,
    max_length: Some(person_name::MAX_LENGTH),
    pattern: None,
};
pub const SETUP_FIRST_NAME: TextRule = TextRule {
    min_length: Some(instance::SETUP_FIRST_NAME_MIN_LENGTH),
    max_length: Some(instance::SETUP_FIRST_NAME_MAX_LENGTH),
    pattern: None,
};
pub const BUSINESS_ROLE: TextRule = TextRule {
    min_length: None,
    max_length: Some(user::BUSINESS_ROLE_MAX_LENGTH),
    pattern: None,
};
pub const ACCOUNT_NAME: TextRule = TextRule {
    min_length: Some(1),
    max_length: Some(account::NAME_MAX_LENGTH),
    pattern: None,
};
pub const PLAN: TextRule = TextRule {
    min_length: Some(1),
    max_length: Some(account::PLAN_MAX_LENGTH),
    pattern: Some(account::PLAN_PATTERN),
};
/// "Create account"'s username, which may be an email (seed 001): a username's
/// minimum, an email's maximum.
pub const ACCOUNT_USERNAME: TextRule = TextRule {
    min_length: Some(username::MIN_LENGTH),
    max_length: Some(email::MAX_LENGTH),
    pattern: None,
};
pub const TOKEN_NAME: TextRule = TextRule {
    min_length: Some(1),
    max_length: Some(api_token::NAME_MAX_LENGTH),
    pattern: None,
};

/// (schema, property, rule) for every text field of the core's request types.
pub const FIELD_RULES: &[(&str, &str, TextRule)] = &[
    ("NewUser", "username", USERNAME),
    ("NewUser", "email", EMAIL),
    ("NewUser", "first_name", PERSON_NAME),
    ("NewUser", "last_name", PERSON_NAME),
    ("NewUser", "business_role", BUSINESS_ROLE),
    ("NewAdmin", "username", USERNAME),
    ("NewAdmin", "email", EMAIL),
    ("NewAdmin", "first_name", PERSON_NAME),
    ("NewAdmin", "last_name", PERSON_NAME),
    ("Setup", "organization", ACCOUNT_NAME),
    ("Setup", "username", USERNAME),
    ("Setup", "email", EMAIL),
    ("Setup", "first_name", SETUP_FIRST_NAME),
    ("Setup", "last_name", PERSON_NAME),
    ("Setup", "plan", PLAN),
    ("NewAccount", "name", ACCOUNT_NAME),
    ("NewAccount", "plan", PLAN),
    ("NewAccount", "username", ACCOUNT_USERNAME),
    ("NewAccount", "email", EMAIL),
    ("NewAccount", "first_name", PERSON_NAME),
    ("NewAccount", "last_name", PERSON_NAME),
    ("NewAccount", "token_name", TOKEN_NAME),
    ("NewApiToken", "name", TOKEN_NAME),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Email, Username};

    #[test]
    fn the_username_rule_is_what_the_parser_enforces() {
        let at = |n: usize| Username::parse(&"a".repeat(n));
        assert!(at(USERNAME.min_length.unwrap()).is_ok());
        assert!(at(USERNAME.min_length.unwrap() - 1).is_err());
        assert!(at(USERNAME.max_length.unwrap()).is_ok());
        assert!(at(USERNAME.max_length.unwrap() + 1).is_err());
    }

    #[test]
    fn the_length_rules_are_what_the_parsers_enforce() {
        let long = |rule: TextRule| "a".repeat(rule.max_length.unwrap() + 1);
        // An address of exactly `n` characters within RFC 5321's part limits.
        let email = |n: usize| {
            let (mut local, mut domain) = ("a".repeat(60), "example.com".to_owned());
            while local.len() + 1 + domain.len() < n {
                match n - (local.len() + 1 + domain.len()) {
                    1 => local.push('a'),
                    rest => domain = format!("{}.{domain}", "b".repeat((rest - 1).min(60))),
                }
            }
            format!("{local}@{domain}")
        };
        assert_eq!(
            email(EMAIL.max_length.unwrap()).len(),
            EMAIL.max_length.unwrap()
        );
        assert!(Email::parse(&email(EMAIL.max_length.unwrap())).is_ok());
        assert!(Email::parse(&email(EMAIL.max_length.unwrap() + 1)).is_err());
        assert!(crate::PersonName::parse(&long(PERSON_NAME)).is_err());
        assert!(account::parse_account_name(&long(ACCOUNT_NAME)).is_err());
        assert!(account::parse_plan(&long(PLAN)).is_err());
        assert!(account::parse_plan(&"a".repeat(PLAN.max_length.unwrap())).is_ok());
    }

    #[test]
    fn every_rule_names_a_field_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (schema, property, _) in FIELD_RULES {
            assert!(seen.insert((schema, property)), "{schema}.{property}");
        }
    }
}
