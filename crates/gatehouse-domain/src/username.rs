//! Usernames: 3–150 characters of `[a-zA-Z0-9_.-]`, unique case-insensitively.

use std::fmt;

use crate::fields::FieldError;

pub const MIN_LENGTH: usize = 3;
pub const MAX_LENGTH: usize = 150;

/// A valid username. Exists only if it passed every rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
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

    /// The case-insensitive key the uniqueness constraint is on.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
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
