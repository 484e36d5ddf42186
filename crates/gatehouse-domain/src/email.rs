//! Email addresses: RFC 5322 syntax (the `email_address` crate) after NFKC, at least
//! two domain labels, unique by [`login_key`], optionally from a non-blocked domain
//! (compared in UTS #46 form, so `ｇｍａｉｌ.com` is `gmail.com`).

use std::fmt;

use email_address::{EmailAddress, Options};
use unicode_normalization::UnicodeNormalization;

use crate::fields::{has_control_characters, FieldError};
use crate::login_key::{domain_key, login_key};

/// RFC 5321 caps a forward path at 256 octets including the angle brackets.
pub const MAX_LENGTH: usize = 254;

/// Consumer mail domains an instance may refuse (the setup wizard's default suggestion).
pub const SUGGESTED_BLOCKED_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "gmx.com",
    "mail.com",
    "proton.me",
    "protonmail.com",
    "yandex.com",
];

/// A valid email address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        // Compatibility forms become what they look like (`＠` is `@`), so what is
        // stored and shown is what the key and the domain checks saw.
        let normalized: String = input.trim().nfkc().collect();
        let input = normalized.trim();
        if input.is_empty() {
            return Err(FieldError::new(
                "email",
                "required",
                "Enter an email address.",
            ));
        }
        if input.chars().count() > MAX_LENGTH {
            return Err(FieldError::new(
                "email",
                "too_long",
                format!("Use at most {MAX_LENGTH} characters."),
            ));
        }
        if has_control_characters(input) {
            return Err(FieldError::new(
                "email",
                "invalid_characters",
                "An email address cannot contain control or invisible formatting characters.",
            ));
        }
        let options = Options {
            minimum_sub_domains: 2,
            allow_domain_literal: false,
            allow_display_text: false,
        };
        match EmailAddress::parse_with_options(input, options) {
            Ok(_) => Ok(Email(input.to_owned())),
            Err(email_address::Error::DomainTooFew) => Err(FieldError::new(
                "email",
                "invalid",
                "The domain needs at least two parts, like example.com.",
            )),
            Err(_) => Err(FieldError::new(
                "email",
                "invalid",
                "Enter a valid email address, like name@example.com.",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key the uniqueness constraint is on (see [`login_key`]).
    pub fn key(&self) -> String {
        login_key(&self.0)
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(local, _)| local)
    }

    /// The domain in its comparable (UTS #46, ASCII) form.
    pub fn domain(&self) -> String {
        self.0
            .rsplit_once('@')
            .map_or(String::new(), |(_, domain)| domain_key(domain))
    }

    /// Refuses an address whose domain is, or is below, one of `blocked` (both
    /// compared in UTS #46 form, whatever form either was written in).
    pub fn check_not_blocked(&self, blocked: &[String]) -> Result<(), FieldError> {
        let domain = self.domain();
        let hit = blocked
            .iter()
            .filter(|b| !b.trim().is_empty())
            .map(|b| domain_key(b))
            .find(|b| !b.is_empty() && (domain == *b || domain.ends_with(&format!(".{b}"))));
        match hit {
            Some(b) => Err(FieldError::new(
                "email",
                "blocked_domain",
                format!("Addresses at {b} are not accepted here; use a work address."),
            )),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(input: &str) -> String {
        Email::parse(input).unwrap_err().code
    }

    #[test]
    fn an_empty_email_is_required() {
        assert_eq!(code("  "), "required");
    }

    #[test]
    fn an_address_without_an_at_sign_is_invalid() {
        assert_eq!(code("user.example.com"), "invalid");
    }

    #[test]
    fn a_single_label_domain_is_invalid() {
        assert_eq!(code("admin@localhost"), "invalid");
        assert!(Email::parse("admin@example.com").is_ok());
    }

    #[test]
    fn display_text_and_ip_literals_are_invalid() {
        assert_eq!(code("Jo <jo@example.com>"), "invalid");
        assert_eq!(code("jo@[127.0.0.1]"), "invalid");
    }

    #[test]
    fn an_overlong_address_is_too_long() {
        assert_eq!(
            code(&format!("{}@example.com", "a".repeat(250))),
            "too_long"
        );
    }

    #[test]
    fn the_key_ignores_case() {
        assert_eq!(
            Email::parse("Jo@Example.COM").unwrap().key(),
            "jo@example.com"
        );
    }

    #[test]
    fn blocked_domains_and_their_subdomains_are_refused() {
        let blocked = vec!["gmail.com".to_owned()];
        let error = Email::parse("a@Gmail.com")
            .unwrap()
            .check_not_blocked(&blocked)
            .unwrap_err();
        assert_eq!(error.code, "blocked_domain");
        assert!(Email::parse("a@eu.gmail.com")
            .unwrap()
            .check_not_blocked(&blocked)
            .is_err());
        assert!(Email::parse("a@notgmail.com")
            .unwrap()
            .check_not_blocked(&blocked)
            .is_ok());
    }

    #[test]
    fn a_fullwidth_address_is_stored_in_its_plain_form_with_the_plain_key() {
        let email = Email::parse("ｐlainmail＠example.com").unwrap();
        assert_eq!(email.as_str(), "plainmail@example.com");
        assert_eq!(
            email.key(),
            Email::parse("PLAINMAIL@example.com").unwrap().key()
        );
    }

    #[test]
    fn a_blocked_domain_in_fullwidth_or_punycode_form_is_refused() {
        let blocked = vec!["gmail.com".to_owned(), "bücher.example".to_owned()];
        for address in ["a@ｇｍａｉｌ.com", "a@GMAIL.com", "a@xn--bcher-kva.example"] {
            let error = Email::parse(address)
                .unwrap()
                .check_not_blocked(&blocked)
                .unwrap_err();
            assert_eq!(error.code, "blocked_domain", "{address}");
        }
    }

    #[test]
    fn bidi_controls_and_zero_width_characters_are_refused() {
        assert_eq!(code("ada\u{202E}@example.com"), "invalid_characters");
        assert_eq!(code("a\u{200B}da@example.com"), "invalid_characters");
    }

    proptest! {
        #[test]
        fn no_input_panics(input in ".{0,300}") {
            if let Ok(email) = Email::parse(&input) {
                prop_assert!(email.as_str().contains('@'));
                prop_assert!(email.domain().contains('.'));
            }
        }
    }
}
