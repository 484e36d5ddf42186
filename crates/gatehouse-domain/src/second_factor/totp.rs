//! RFC 6238 codes: HMAC-SHA-1, 6 digits, 30-second steps, one step of drift either
//! side. The arithmetic is `totp-rs`'s (a maintained crate with the RFC's vectors in its
//! tests); what is Gatehouse's is which steps are tried (only those after the last one
//! accepted, RFC 6238 §5.2) and how a code is compared (in constant time).

use chrono::{DateTime, Utc};
use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per time step (RFC 6238's recommended X).
pub const STEP_SECONDS: i64 = 30;
/// Digits of a code.
pub const DIGITS: usize = 6;
/// Steps of clock drift accepted either side of the current one.
pub const SKEW_STEPS: i64 = 1;
/// Bytes of a new secret: 160 bits, RFC 4226's recommendation.
const SECRET_BYTES: usize = 20;

/// A secret in its stored and shown form (base32, RFC 4648, no padding).
pub(crate) fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(_) => unreachable!("to_encoded encodes"),
    }
}

fn generator(secret: &str, digits: usize, issuer: Option<String>, account: String) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    // Unchecked: the RFC's own test secret is shorter than the crate's 128-bit minimum;
    // the secrets made here are 160 bits (`new_secret`), and the names are made safe by
    // the caller (`otpauth_uri`).
    Some(TOTP::new_unchecked(
        Algorithm::SHA1,
        digits,
        0,
        STEP_SECONDS as u64,
        bytes,
        issuer,
        account,
    ))
}

/// The time step `at` falls in.
pub(crate) fn step_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(STEP_SECONDS)
}

/// The code of `step` (`digits` long; [`DIGITS`] everywhere but the RFC's vectors).
pub(crate) fn code_at(secret: &str, step: i64, digits: usize) -> Option<String> {
    let time = u64::try_from(step.checked_mul(STEP_SECONDS)?).ok()?;
    Some(generator(secret, digits, None, String::new())?.generate(time))
}

/// The step whose code `code` is, among the steps around `now` later than `last_step`.
/// Every candidate is computed and compared in constant time.
pub(crate) fn matching_step(
    secret: &str,
    code: &str,
    now: DateTime<Utc>,
    last_step: i64,
) -> Option<i64> {
    let current = step_of(now);
    let mut found = None;
    for step in (current - SKEW_STEPS..=current + SKEW_STEPS).filter(|s| *s > last_step) {
        let expected = code_at(secret, step, DIGITS)?;
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// The `otpauth://totp/…` URI an authenticator app reads (Key Uri Format): the issuer
/// (the organization) and the username label the entry. A colon separates them in the
/// URI, so one in either becomes a space.
pub(crate) fn otpauth_uri(secret: &str, issuer: &str, account: &str) -> Option<String> {
    let clean = |s: &str| s.replace(':', " ").trim().to_owned();
    let issuer = Some(clean(issuer)).filter(|s| !s.is_empty());
    Some(generator(secret, DIGITS, issuer, clean(account))?.get_url())
}

/// `text` as an SVG QR code (black on white, with its quiet zone, whatever the theme:
/// cameras read that best), made here so no image or network is needed to show it.
pub(crate) fn qr_svg(text: &str) -> Option<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Without the XML declaration: the window puts the element in its page.
    Some(image[image.find("<svg")?..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 seed, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    fn at(unix: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(unix, 0).unwrap()
    }

    #[test]
    fn the_rfc_6238_appendix_b_sha1_vectors_pass_in_8_digits_and_as_our_6() {
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, expected) in vectors {
            let step = step_of(at(time));
            assert_eq!(code_at(RFC_SECRET, step, 8).unwrap(), expected, "at {time}");
            // Six digits are the same number modulo 10^6: the last six.
            assert_eq!(
                code_at(RFC_SECRET, step, DIGITS).unwrap(),
                expected[2..],
                "at {time}"
            );
            let six = &expected[2..];
            assert_eq!(matching_step(RFC_SECRET, six, at(time), 0), Some(step));
        }
    }

    #[test]
    fn one_step_either_side_is_accepted_and_two_are_not() {
        let now = at(1_234_567_890);
        let step = step_of(now);
        for offset in [-1, 0, 1] {
            let code = code_at(RFC_SECRET, step + offset, DIGITS).unwrap();
            assert_eq!(
                matching_step(RFC_SECRET, &code, now, 0),
                Some(step + offset)
            );
        }
        for offset in [-2, 2] {
            let code = code_at(RFC_SECRET, step + offset, DIGITS).unwrap();
            assert_eq!(matching_step(RFC_SECRET, &code, now, 0), None);
        }
    }

    #[test]
    fn a_step_at_or_before_the_last_accepted_one_is_not_tried() {
        let now = at(1_234_567_890);
        let step = step_of(now);
        let code = code_at(RFC_SECRET, step, DIGITS).unwrap();
        assert_eq!(matching_step(RFC_SECRET, &code, now, step), None);
        assert_eq!(matching_step(RFC_SECRET, &code, now, step - 1), Some(step));
    }

    #[test]
    fn a_new_secret_is_160_bits_of_base32_and_its_uri_names_issuer_and_user() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_ne!(secret, new_secret());
        let uri = otpauth_uri(&secret, "Zydro: Marine", "ada").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Zydro%20%20Marine:ada?secret="),
            "{uri}"
        );
        assert!(uri.contains(&secret) && uri.contains("issuer=Zydro%20%20Marine"));
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
