//! Usernames made from an email's local part, for requests that give only an email
//! (setup, "create admin", "create account" with an email as its username). Such a
//! username must never make the request fail: when it is taken, the first free one
//! of `name2`, `name3`, … is used, chosen inside the creating transaction.

use std::collections::HashSet;

use crate::email::Email;
use crate::error::{Error, Result};
use crate::fields::FieldError;
use crate::login_key::login_key;
use crate::store::Store;
use crate::username::{Username, MAX_LENGTH, MIN_LENGTH};

/// Room kept for the number: a million users of one local part is plenty.
const MAX_SUFFIX_DIGITS: usize = 6;

/// The username an email's local part makes: its username characters, padded with
/// `_` to the minimum length.
pub(crate) fn from_email(email: &Email) -> Result<Username, FieldError> {
    let mut name: String = email
        .local_part()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .take(MAX_LENGTH)
        .collect();
    while name.len() < MIN_LENGTH {
        name.push('_');
    }
    Username::parse(&name)
}

/// `wanted` if no user has its key, else the first free `wanted` + 2, 3, …
/// (shortened first if the number would make it too long).
pub(crate) async fn first_free(store: &mut impl Store, wanted: &Username) -> Result<Username> {
    let stem: String = wanted
        .as_str()
        .chars()
        .take(MAX_LENGTH - MAX_SUFFIX_DIGITS)
        .collect();
    // Every candidate begins with the stem, so one query finds every taken one.
    let taken: HashSet<String> = store
        .username_keys_with_prefix(&login_key(&stem))
        .await?
        .into_iter()
        .collect();
    if !taken.contains(&wanted.key()) {
        return Ok(wanted.clone());
    }
    (2..)
        .map(|n| format!("{stem}{n}"))
        .find(|candidate| !taken.contains(&login_key(candidate)))
        .map(|candidate| Username::parse(&candidate).map_err(|e| Error::Validation(vec![e])))
        .expect("a finite set of taken names leaves a free number")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derived(email: &str) -> String {
        from_email(&Email::parse(email).unwrap())
            .unwrap()
            .as_str()
            .to_owned()
    }

    #[test]
    fn a_username_derived_from_an_email_is_its_valid_local_part() {
        assert_eq!(derived("owner@zydromarine.com"), "owner");
        assert_eq!(derived("a@b.co"), "a__");
        assert_eq!(derived("zoë+tag@example.com"), "zotag");
        assert_eq!(derived("ｐlainmail@example.com"), "plainmail");
        assert_eq!(
            derived(&format!("{}@example.com", "x".repeat(64))).len(),
            64
        );
    }
}
