//! One field checked on its own, as a form's user leaves it ("blur" validation), by the
//! same parsers the whole request goes through on submit: a bad email is reported on
//! the wizard's step where it was typed, not at "Create instance", and a blocked email
//! domain while the address is typed.
//!
//! Only what one value decides is checked here: whether a username is taken, or a
//! password passes (live feedback of its own: [`crate::evaluate`]), is the submit's.

use serde::{Deserialize, Serialize};

use crate::account::{parse_account_name, parse_plan};
use crate::email::Email;
use crate::error::{Error, Result};
use crate::fields::FieldError;
use crate::gatehouse::Gatehouse;
use crate::instance::{SETUP_FIRST_NAME_MAX_LENGTH, SETUP_FIRST_NAME_MIN_LENGTH};
use crate::person_name::PersonName;
use crate::store::{transaction, InstanceStore, Mode};
use crate::username::Username;

/// Which field a value is for: the parser it goes through, and the request field its
/// errors name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// The setup's organization, which becomes the first account (`organization`).
    Organization,
    /// An account's name (`name`).
    AccountName,
    /// An account's plan, optional: empty is the default one (`plan`).
    Plan,
    /// A username that must be given (`username`).
    Username,
    /// A username that may be left empty, to be made from the email (`username`).
    OptionalUsername,
    /// An email address that may be left empty: ordinary users (`email`).
    Email,
    /// An email address that must be given: admins, the setup's first admin, a user
    /// whose username is made from it (`email`).
    RequiredEmail,
    /// A first name that may be left empty (`first_name`).
    FirstName,
    /// The setup's first admin's first name, 3–30 characters (`first_name`).
    SetupFirstName,
    /// A last name that may be left empty (`last_name`).
    LastName,
    /// A user's business role, optional (`business_role`).
    BusinessRole,
}

impl FieldKind {
    /// The request field the errors name, as the submit's errors do.
    pub fn field(self) -> &'static str {
        match self {
            FieldKind::Organization => "organization",
            FieldKind::AccountName => "name",
            FieldKind::Plan => "plan",
            FieldKind::Username | FieldKind::OptionalUsername => "username",
            FieldKind::Email | FieldKind::RequiredEmail => "email",
            FieldKind::FirstName | FieldKind::SetupFirstName => "first_name",
            FieldKind::LastName => "last_name",
            FieldKind::BusinessRole => "business_role",
        }
    }

    fn is_email(self) -> bool {
        matches!(self, FieldKind::Email | FieldKind::RequiredEmail)
    }
}

/// A value to check as the field `field`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldCheck {
    pub field: FieldKind,
    pub value: String,
    /// For an email: the domains to refuse, e.g. those the setup wizard is choosing.
    /// Absent: the instance's own (none before setup).
    #[serde(default)]
    pub blocked_email_domains: Option<Vec<String>>,
}

/// What [`FieldCheck`] found: nothing when the value passes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldReport {
    pub errors: Vec<FieldError>,
}

/// The longest value checked: far beyond every field's own limit, so a longer one is
/// refused without parsing it.
const LONGEST_CHECKED: usize = 4096;

impl FieldCheck {
    /// Whether the answer needs the instance's blocked domains (an email without a list
    /// of its own).
    pub fn needs_instance_domains(&self) -> bool {
        self.field.is_email() && self.blocked_email_domains.is_none()
    }

    /// The value's errors, with `instance_domains` as the blocked domains when the check
    /// names none itself.
    pub fn report(&self, instance_domains: &[String]) -> FieldReport {
        let name = self.field.field();
        let value = self.value.as_str();
        let error = if value.len() > LONGEST_CHECKED {
            Some(FieldError::new(
                name,
                "too_long",
                "This is far too long for the field.",
            ))
        } else {
            match self.field {
                FieldKind::Organization | FieldKind::AccountName => parse_account_name(value).err(),
                FieldKind::Plan if value.trim().is_empty() => None,
                FieldKind::Plan => parse_plan(value).err(),
                FieldKind::Username => Username::parse(value).err(),
                FieldKind::OptionalUsername if value.trim().is_empty() => None,
                FieldKind::OptionalUsername => Username::parse(value).err(),
                FieldKind::Email | FieldKind::RequiredEmail => self.email_error(instance_domains),
                FieldKind::FirstName | FieldKind::LastName => {
                    PersonName::parse_optional(Some(value)).err()
                }
                FieldKind::SetupFirstName => PersonName::parse_bounded(
                    value,
                    SETUP_FIRST_NAME_MIN_LENGTH,
                    SETUP_FIRST_NAME_MAX_LENGTH,
                )
                .err(),
                FieldKind::BusinessRole => crate::user::parse_business_role(Some(value)).err(),
            }
        };
        FieldReport {
            errors: error.map(|e| e.for_field(name)).into_iter().collect(),
        }
    }

    /// As the user-creating requests check an email: required or not, then parsed,
    /// then not from a blocked domain.
    fn email_error(&self, instance_domains: &[String]) -> Option<FieldError> {
        let text = self.value.trim();
        if text.is_empty() {
            return (self.field == FieldKind::RequiredEmail)
                .then(|| FieldError::new("email", "required", "Enter an email address."));
        }
        let blocked = self
            .blocked_email_domains
            .as_deref()
            .unwrap_or(instance_domains);
        Email::parse(text)
            .and_then(|email| email.check_not_blocked(blocked))
            .err()
    }
}

impl Gatehouse {
    /// Checks one field's value as the submit would (see [`FieldCheck`]); an email
    /// without a list of blocked domains of its own is checked against the instance's.
    /// Needs no credential: it tells no more than a submit's answer does.
    pub async fn check_field(&self, check: FieldCheck) -> Result<FieldReport> {
        let domains = if check.needs_instance_domains() {
            transaction!(self.pool(), Mode::Read, |tx| async {
                Ok::<_, Error>(tx.instance().await?)
            })?
            .map(|row| row.settings.0.blocked_email_domains)
            .unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok(check.report(&domains))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(field: FieldKind, value: &str) -> FieldCheck {
        FieldCheck {
            field,
            value: value.to_owned(),
            blocked_email_domains: None,
        }
    }

    fn codes(report: FieldReport) -> Vec<(String, String)> {
        report
            .errors
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_good_value_has_no_errors_and_a_bad_one_names_the_request_field() {
        assert_eq!(
            check(FieldKind::Email, "jane@example.com").report(&[]),
            FieldReport::default()
        );
        let bad = codes(check(FieldKind::Email, "jane@").report(&[]));
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, "email");
        assert_eq!(
            codes(check(FieldKind::Organization, " ").report(&[])),
            [("organization".into(), "required".into())]
        );
        assert_eq!(
            codes(check(FieldKind::AccountName, "").report(&[]))[0].0,
            "name"
        );
        assert_eq!(
            codes(check(FieldKind::Plan, "no spaces").report(&[]))[0].0,
            "plan"
        );
        assert_eq!(
            codes(check(FieldKind::SetupFirstName, "Al").report(&[]))[0].0,
            "first_name"
        );
        assert!(check(FieldKind::FirstName, "")
            .report(&[])
            .errors
            .is_empty());
        assert_eq!(
            codes(check(FieldKind::LastName, "Smith\u{202e}").report(&[]))[0].0,
            "last_name"
        );
        assert_eq!(
            codes(check(FieldKind::BusinessRole, &"x".repeat(101)).report(&[]))[0].1,
            "too_long"
        );
        assert_eq!(
            codes(check(FieldKind::Username, "a b").report(&[]))[0].0,
            "username"
        );
        assert_eq!(
            codes(check(FieldKind::Username, "").report(&[]))[0].0,
            "username"
        );
        assert!(check(FieldKind::OptionalUsername, " ")
            .report(&[])
            .errors
            .is_empty());
        assert_eq!(
            codes(check(FieldKind::OptionalUsername, "a b").report(&[]))[0].0,
            "username"
        );
    }

    #[test]
    fn an_empty_email_is_refused_only_where_one_is_required() {
        assert!(check(FieldKind::Email, "  ").report(&[]).errors.is_empty());
        assert_eq!(
            codes(check(FieldKind::RequiredEmail, "").report(&[]))[0].1,
            "required"
        );
    }

    #[test]
    fn a_blocked_domain_is_refused_from_the_check_own_list_else_the_instance() {
        let instance = vec!["gmail.com".to_owned()];
        assert_eq!(
            codes(check(FieldKind::Email, "jo@GMAIL.com").report(&instance))[0].1,
            "blocked_domain"
        );
        let own = FieldCheck {
            blocked_email_domains: Some(vec!["example.org".to_owned()]),
            ..check(FieldKind::RequiredEmail, "jo@gmail.com")
        };
        assert!(!own.needs_instance_domains());
        assert!(own.report(&instance).errors.is_empty(), "its own list wins");
        let own = FieldCheck {
            value: "jo@mail.example.org".to_owned(),
            ..own
        };
        assert_eq!(codes(own.report(&[]))[0].1, "blocked_domain");
    }

    #[test]
    fn a_huge_value_is_refused_without_being_parsed() {
        let report = check(FieldKind::Email, &"a".repeat(100_000)).report(&[]);
        assert_eq!(codes(report), [("email".into(), "too_long".into())]);
    }
}
