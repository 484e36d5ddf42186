//! Usernames: 3–150 characters of `[a-zA-Z0-9_.-]` (after NFKC, so a fullwidth
//! `ＡＤＡ` is the username `ADA`), unique by [`login_key`].

use std::fmt;

use unicode_normalization::UnicodeNormalization;

use crate::fields::FieldError;
use crate::login_key::login_key;

pub const MIN_LENGTH: usize = 3;
pub const MAX_LENGTH: usize = 150;
/// The characters a username is made of (ECMA-262 and Python `re` alike), as the
/// OpenAPI document states it.
pub const PATTERN: &str = "^[a-zA-Z0-9_.-]+$";

/// A valid username. Exists only if it passed every rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        // Compatibility forms (fullwidth letters, the Kelvin sign) become what they
        // look like, so they cannot make a lookalike of an existing username.
        let normalized: String = input.nfkc().collect();
        let input = normalized.as_str();
        let length = input.chars().count();
        if input.is_empty() {
            return Err(FieldError::new("username", "required", "Enter a username."));
        }
        if let Some(bad) = input.chars().find(|c| !Self::allowed(*c)) {
            let shown = if bad.is_whitespace() {
                "spaces".to_owned()
            } else {
                format!("'{bad}'")
            };
            return Err(FieldError::new(
                "username",
                "invalid_characters",
                format!("Use only letters a–z, digits, '.', '_' and '-' ({shown} is not allowed)."),
            ));
        }
        if length < MIN_LENGTH {
            return Err(FieldError::new(
                "username",
                "too_short",
                format!("Use at least {MIN_LENGTH} characters."),
            ));
        }
        if length > MAX_LENGTH {
            return Err(FieldError::new(
                "username",
                "too_long",
                format!("Use at most {MAX_LENGTH} characters."),
            ));
        }
        Ok(Username(input.to_owned()))
    }

    fn allowed(c: char) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key the uniqueness constraint is on (see [`login_key`]).
    pub fn key(&self) -> String {
        login_key(&self.0)
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(input: &str) -> String {
        Username::parse(input).unwrap_err().code
    }

    #[test]
    fn an_empty_username_is_required() {
        assert_eq!(code(""), "required");
    }

    #[test]
    fn a_two_character_username_is_too_short() {
        assert_eq!(code("ab"), "too_short");
        assert!(Username::parse("abc").is_ok());
    }

    #[test]
    fn a_151_character_username_is_too_long() {
        assert_eq!(code(&"a".repeat(151)), "too_long");
        assert!(Username::parse(&"a".repeat(150)).is_ok());
    }

    #[test]
    fn spaces_at_signs_and_non_ascii_letters_are_refused() {
        for bad in ["has space", "mail@example.com", "zoë", " lead", "tab\t"] {
            assert_eq!(code(bad), "invalid_characters", "{bad:?}");
        }
    }

    #[test]
    fn dots_dashes_underscores_and_digits_are_allowed() {
        assert!(Username::parse("j.doe-2_admin").is_ok());
    }

    #[test]
    fn a_fullwidth_username_is_stored_in_its_ascii_form() {
        let username = Username::parse("ＡＤＡ").unwrap();
        assert_eq!((username.as_str(), username.key().as_str()), ("ADA", "ada"));
    }

    #[test]
    fn the_pattern_states_the_allowed_characters() {
        assert_eq!(PATTERN, "^[a-zA-Z0-9_.-]+$");
        for c in (0u8..128).map(char::from) {
            let in_pattern = c.is_ascii_alphanumeric() || "_.-".contains(c);
            assert_eq!(Username::allowed(c), in_pattern, "{c:?}");
        }
    }

    #[test]
    fn the_key_ignores_case() {
        assert_eq!(
            Username::parse("JDoe").unwrap().key(),
            Username::parse("jdoe").unwrap().key()
        );
    }

    proptest! {
        #[test]
        fn no_input_panics_and_what_parses_matches_the_pattern(input in ".{0,200}") {
            if let Ok(username) = Username::parse(&input) {
                let n = username.as_str().len();
                prop_assert!((MIN_LENGTH..=MAX_LENGTH).contains(&n));
                prop_assert!(username.as_str().chars().all(Username::allowed));
            }
        }
    }
}
