//! How long a new API token lives: the request's name and lifetime checked against
//! the instance's limit, and the password a token that never expires needs.

use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
#[cfg(test)]
use secrecy::SecretString;

use super::NewApiToken;
use crate::error::{Error, Result};
use crate::fields::FieldError;
use crate::instance::Settings;

/// Checks the name and lifetime (against the instance's limit), and that a password
/// comes with "never"; the expiry, or `None` for never. The password itself is
/// checked by [`Gatehouse::confirm_own_password`].
pub(crate) fn parse_new(
    request: &NewApiToken,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<(String, Option<DateTime<Utc>>)> {
    let mut errors = Vec::new();
    let name = request.name.trim();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            "required",
            "Give the token a name.",
        ));
    } else if name.chars().count() > super::NAME_MAX_LENGTH {
        errors.push(FieldError::new(
            "name",
            "too_long",
            format!("Use at most {} characters.", super::NAME_MAX_LENGTH),
        ));
    } else if crate::fields::has_control_characters(name) {
        errors.push(FieldError::new(
            "name",
            "invalid_characters",
            "A token name cannot contain control or invisible formatting characters.",
        ));
    }
    let limit = settings.api_token_days_limit();
    let expires_at = match (request.never_expires, request.expires_in_days) {
        (true, Some(_)) => {
            errors.push(FieldError::new(
                "expires_in_days",
                "conflicting",
                "Choose an expiry or \"never\", not both.",
            ));
            None
        }
        (true, None) => {
            if let Some(max_days) = settings.api_token_max_days {
                errors.push(FieldError::new(
                    "never_expires",
                    "not_allowed",
                    format!("Tokens here live at most {max_days} days; choose an expiry."),
                ));
            } else if !has_password(request) {
                errors.push(FieldError::new(
                    "current_password",
                    "required",
                    "Enter your password to create a token that never expires.",
                ));
            }
            None
        }
        (false, Some(days)) if days == 0 || days > limit => {
            errors.push(FieldError::new(
                "expires_in_days",
                "out_of_range",
                format!("Choose 1 to {limit} days."),
            ));
            None
        }
        (false, days) => {
            // The default is within the limit (settings check it), unless the settings
            // were stored before there was a limit: then the limit wins.
            let days = days.unwrap_or(settings.api_token_days).min(limit);
            Some(now + chrono::Duration::days(i64::from(days)))
        }
    };
    if errors.is_empty() {
        Ok((name.to_owned(), expires_at))
    } else {
        Err(Error::Validation(errors))
    }
}

pub(super) fn has_password(request: &NewApiToken) -> bool {
    request
        .current_password
        .as_ref()
        .is_some_and(|p| !p.expose_secret().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> NewApiToken {
        NewApiToken::named(name.to_owned())
    }

    fn unlimited() -> Settings {
        Settings {
            api_token_max_days: None,
            ..Settings::default()
        }
    }

    fn codes(error: Error) -> Vec<(String, String)> {
        error
            .field_errors()
            .iter()
            .map(|e| (e.field.clone(), e.code.clone()))
            .collect()
    }

    #[test]
    fn tokens_expire_by_default() {
        let now = Utc::now();
        let (_, expires) = parse_new(&named("ci"), &Settings::default(), now).unwrap();
        assert_eq!(expires, Some(now + chrono::Duration::days(90)));
    }

    #[test]
    fn never_must_be_asked_for_with_a_password_and_not_combined_with_days() {
        let now = Utc::now();
        let never = NewApiToken {
            never_expires: true,
            current_password: Some(SecretString::from("x")),
            ..named("ci")
        };
        assert_eq!(parse_new(&never, &unlimited(), now).unwrap().1, None);
        let without_password = NewApiToken {
            current_password: None,
            ..never.clone()
        };
        assert_eq!(
            codes(parse_new(&without_password, &unlimited(), now).unwrap_err()),
            [("current_password".into(), "required".into())]
        );
        let both = NewApiToken {
            expires_in_days: Some(3),
            ..never
        };
        assert_eq!(
            codes(parse_new(&both, &unlimited(), now).unwrap_err()),
            [("expires_in_days".into(), "conflicting".into())]
        );
    }

    #[test]
    fn the_default_limit_of_a_year_refuses_never_and_longer_lifetimes() {
        let now = Utc::now();
        let settings = Settings::default();
        assert_eq!(settings.api_token_max_days, Some(365));
        let never = NewApiToken {
            never_expires: true,
            current_password: Some(SecretString::from("x")),
            ..named("ci")
        };
        assert_eq!(
            codes(parse_new(&never, &settings, now).unwrap_err()),
            [("never_expires".into(), "not_allowed".into())]
        );
        let long = NewApiToken {
            expires_in_days: Some(366),
            ..named("ci")
        };
        assert_eq!(
            codes(parse_new(&long, &settings, now).unwrap_err()),
            [("expires_in_days".into(), "out_of_range".into())]
        );
        let year = NewApiToken {
            expires_in_days: Some(365),
            ..named("ci")
        };
        assert_eq!(
            parse_new(&year, &settings, now).unwrap().1,
            Some(now + chrono::Duration::days(365))
        );
    }

    #[test]
    fn a_default_lifetime_stored_before_the_limit_existed_is_cut_to_it() {
        let now = Utc::now();
        let settings = Settings {
            api_token_days: 1000,
            ..Settings::default()
        };
        assert_eq!(
            parse_new(&named("ci"), &settings, now).unwrap().1,
            Some(now + chrono::Duration::days(365))
        );
    }

    #[test]
    fn a_blank_name_and_zero_days_are_both_reported() {
        let request = NewApiToken {
            name: " ".into(),
            expires_in_days: Some(0),
            ..named("")
        };
        let error = parse_new(&request, &Settings::default(), Utc::now()).unwrap_err();
        let fields: Vec<_> = codes(error).into_iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["name", "expires_in_days"]);
    }
}
