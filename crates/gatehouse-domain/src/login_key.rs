//! The key under which a username or an email address is unique, and by which
//! sign-in finds a user: [`login_key`], the one function that computes it.
//!
//! Two texts that people read as the same name must get the same key, or a lookalike
//! can be registered beside the original (a fullwidth `ｐlainmail@…` beside
//! `plainmail@…`) and a blocked domain passes in another form (`@ｇｍａｉｌ.com`).
//! So the key is, for the part before the last `@` (or the whole text when there is
//! none), NFKC, full case folding, NFKC again: the shape of Unicode's
//! `toNFKC_Casefold` (UAX #31), which folds compatibility forms (fullwidth,
//! ligatures, the Kelvin sign) and case (`ß` and `ss`, `Σ`/`ς`/`σ`) at once. The
//! domain goes through UTS #46 (IDNA) processing to its ASCII form, the form mail
//! servers compare, so `Bücher.example` and `xn--bcher-kva.example` are one domain.
//!
//! Full case folding needs the `caseless` crate (the standard library only
//! lower-cases, which leaves `ß`/`ss` and `ẞ` apart); NFKC is `unicode-normalization`
//! and UTS #46 is `idna`, the crate behind `url`. See docs/decisions/0004-unicode-identity.md.

use caseless::default_case_fold_str;
use unicode_normalization::UnicodeNormalization;

/// The unique key of a username or an email address (also of a sign-in login, which
/// is either). Surrounding whitespace is ignored.
pub fn login_key(text: &str) -> String {
    let text: String = text.trim().nfkc().collect();
    match text.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
            format!("{}@{}", fold(local), domain_key(domain))
        }
        _ => fold(&text),
    }
}

/// The unique keys of one user: its username's and, if it has one, its email's. Made
/// only by [`UserKeys::of`], so the keys that are checked for, stored and recomputed
/// are always [`login_key`]'s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UserKeys {
    username: String,
    email: Option<String>,
}

impl UserKeys {
    pub(crate) fn of(username: &str, email: Option<&str>) -> UserKeys {
        UserKeys {
            username: login_key(username),
            email: email.map(login_key),
        }
    }

    pub(crate) fn username(&self) -> &str {
        &self.username
    }

    pub(crate) fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
}

/// A mail domain's comparable form (for the key and the blocked-domain list): UTS #46
/// to ASCII, or, for text that is no valid domain, its folded form.
pub fn domain_key(domain: &str) -> String {
    let domain: String = domain.trim().nfkc().collect();
    match idna::domain_to_ascii(&domain) {
        Ok(ascii) if !ascii.is_empty() => ascii,
        _ => fold(&domain),
    }
}

/// NFKC, full case folding, NFKC (NFKC first, so compatibility forms fold too).
fn fold(text: &str) -> String {
    let normalized: String = text.nfkc().collect();
    default_case_fold_str(&normalized).nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullwidth_and_case_variants_of_an_email_share_one_key() {
        let key = login_key("plainmail@example.com");
        for variant in [
            "ｐlainmail@example.com",
            "PlainMail@Example.COM",
            "ｐｌａｉｎｍａｉｌ＠ｅｘａｍｐｌｅ．ｃｏｍ",
            "  plainmail@example.com ",
        ] {
            assert_eq!(login_key(variant), key, "{variant}");
        }
    }

    #[test]
    fn a_fullwidth_username_folds_to_its_ascii_lower_case() {
        assert_eq!(login_key("ＡＤＡ"), "ada");
        assert_eq!(login_key("Ada"), "ada");
    }

    #[test]
    fn full_case_folding_equates_sharp_s_with_ss() {
        assert_eq!(login_key("STRASSE"), login_key("straße"));
        assert_eq!(login_key("ẞ@example.com"), login_key("ss@example.com"));
    }

    #[test]
    fn domains_compare_in_their_ascii_idna_form() {
        assert_eq!(domain_key("ｇｍａｉｌ.com"), "gmail.com");
        assert_eq!(domain_key("Bücher.Example"), "xn--bcher-kva.example");
        assert_eq!(
            login_key("a@bücher.example"),
            login_key("A@xn--bcher-kva.example")
        );
    }

    #[test]
    fn ascii_keys_are_plain_lower_case_so_existing_usernames_keep_theirs() {
        for name in ["j.doe-2_admin", "JDoe", "a_b.c-d"] {
            assert_eq!(login_key(name), name.to_ascii_lowercase());
        }
        assert_eq!(login_key("Jo@Example.COM"), "jo@example.com");
    }
}
