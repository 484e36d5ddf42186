//! People's names: trimmed, no control or invisible formatting characters, bounded length.

use crate::fields::FieldError;

pub const MAX_LENGTH: usize = 100;

/// A valid first or last name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    /// A name of 1–100 characters.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::parse_bounded(input, 1, MAX_LENGTH)
    }

    /// A name of `min..=max` characters (the setup's first admin needs 3–30).
    pub fn parse_bounded(input: &str, min: usize, max: usize) -> Result<Self, FieldError> {
        let name = input.trim();
        let length = name.chars().count();
        if length == 0 {
            return Err(FieldError::new("name", "required", "Enter a name."));
        }
        if crate::fields::has_control_characters(name) {
            return Err(FieldError::new(
                "name",
                "invalid_characters",
                "Names cannot contain control or invisible formatting characters.",
            ));
        }
        if length < min {
            return Err(FieldError::new(
                "name",
                "too_short",
                format!("Use at least {min} characters."),
            ));
        }
        if length > max {
            return Err(FieldError::new(
                "name",
                "too_long",
                format!("Use at most {max} characters."),
            ));
        }
        Ok(PersonName(name.to_owned()))
    }

    /// An optional name: `None` or blank means absent.
    pub fn parse_optional(input: Option<&str>) -> Result<Option<Self>, FieldError> {
        match input.map(str::trim) {
            None | Some("") => Ok(None),
            Some(name) => Self::parse(name).map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_trimmed() {
        assert_eq!(PersonName::parse("  Ada ").unwrap().as_str(), "Ada");
    }

    #[test]
    fn a_blank_name_is_required() {
        assert_eq!(PersonName::parse("   ").unwrap_err().code, "required");
    }

    #[test]
    fn the_setup_bounds_are_three_to_thirty() {
        assert_eq!(
            PersonName::parse_bounded("Al", 3, 30).unwrap_err().code,
            "too_short"
        );
        assert_eq!(
            PersonName::parse_bounded(&"a".repeat(31), 3, 30)
                .unwrap_err()
                .code,
            "too_long"
        );
        assert!(PersonName::parse_bounded("Ada", 3, 30).is_ok());
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(
            PersonName::parse("Ada\u{7}").unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn a_right_to_left_override_or_zero_width_space_is_refused() {
        for bad in ["Ada\u{202E}reversed", "A\u{200B}da"] {
            assert_eq!(
                PersonName::parse(bad).unwrap_err().code,
                "invalid_characters"
            );
        }
    }

    #[test]
    fn a_blank_optional_name_is_absent() {
        assert_eq!(PersonName::parse_optional(Some(" ")).unwrap(), None);
        assert_eq!(PersonName::parse_optional(None).unwrap(), None);
    }

    proptest! {
        #[test]
        fn no_input_panics(input in ".{0,200}") {
            let _ = PersonName::parse(&input);
        }
    }
}
