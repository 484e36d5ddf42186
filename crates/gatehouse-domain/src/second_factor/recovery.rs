//! Recovery codes: ten single-use codes of 80 random bits, shown once, kept as their
//! SHA-256 (docs/decisions/0011-second-factor.md says why a fast hash is enough here).

use rand::Rng;
use sha2::{Digest, Sha256};

/// How many codes an enrolment gives.
pub const COUNT: usize = 10;
/// Characters per code: 16 of a 32-letter alphabet are 80 bits.
const LENGTH: usize = 16;
/// Crockford's base32, lower case: no i, l, o or u to misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A new code as shown: four groups of four, e.g. `7hq2-x9mk-3c0d-wprt`.
pub(crate) fn generate() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..LENGTH)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed, in its one stored form: case, spaces and dashes do not matter, and
/// the letters Crockford's alphabet leaves out read as what they look like (o as 0, i
/// and l as 1). `None` if it cannot be a code.
pub(crate) fn normalize(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    (code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// The stored digest of a code (as shown or as typed).
pub(crate) fn digest(code: &str) -> Option<Vec<u8>> {
    Some(Sha256::digest(normalize(code)?.as_bytes()).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_four_groups_of_four_and_reads_back_however_it_is_typed() {
        let code = generate();
        assert_eq!(code.len(), 19);
        assert_eq!(code.split('-').count(), 4);
        assert_ne!(code, generate());
        let typed = format!(" {} ", code.to_uppercase().replace('-', " "));
        assert_eq!(digest(&typed), digest(&code));
        assert_eq!(
            normalize("OIL0-0000-0000-0000").as_deref(),
            Some("0110000000000000")
        );
    }

    #[test]
    fn what_cannot_be_a_code_has_no_digest() {
        assert_eq!(digest("123456"), None);
        assert_eq!(digest("uuuu-uuuu-uuuu-uuuu"), None);
        assert_eq!(digest(""), None);
    }
}
