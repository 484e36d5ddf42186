//! Field-level errors, and a collector so a request reports every bad field at once.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// One problem with one input field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The request field, in the request's own naming (e.g. `username`, `password`).
    pub field: String,
    /// A stable code, e.g. `too_short`, `taken`, `min_length`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// The same error, reported against another field name.
    pub fn for_field(mut self, field: &str) -> Self {
        self.field = field.to_owned();
        self
    }
}

/// Collects field errors while a request is parsed; [`FieldErrors::finish`] fails with all.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// Keeps the value, or records its error under `field` and yields `None`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error.for_field(field));
                None
            }
        }
    }

    /// Like [`FieldErrors::check`], for a parser that reports several errors.
    pub fn check_all<T>(&mut self, result: Result<T, Vec<FieldError>>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(errors) => {
                self.0.extend(errors);
                None
            }
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing failed, else a validation error listing every field.
    pub fn finish(self) -> Result<(), Error> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.0))
        }
    }
}

/// Unwraps values a [`FieldErrors`] has already vouched for (after `finish()?`).
pub(crate) fn parsed<T>(value: Option<T>) -> T {
    value.expect("every field parsed once FieldErrors::finish succeeded")
}

/// Whether free text holds a control character (NUL, newline, escape, …) or an
/// invisible one that changes how text reads: a format character (Unicode category
/// Cf: the bidi controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C, the
/// zero-width U+200B–U+200D, U+2060, U+FEFF, soft hyphen, …) or a line or paragraph
/// separator. Names, labels and keys refuse them all: PostgreSQL cannot store NUL,
/// and the others hide or reorder what the admin reads in a list (a right-to-left
/// override in a first name spoofs the rows around it).
pub(crate) fn has_control_characters(text: &str) -> bool {
    text.chars().any(is_hidden)
}

fn is_hidden(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.is_control()
        || matches!(
            c.general_category(),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// The most JSON a free-form object field (preferences, metadata) may hold.
const MAX_JSON_OBJECT_BYTES: usize = 16 * 1024;

/// A free-form JSON field called `field`: absent or `null` is `{}`, else an object of
/// at most 16 KiB with no NUL anywhere (each string or key holding one is reported by
/// its place, e.g. `preferences.tags[0]`).
pub(crate) fn parse_json_object(
    field: &str,
    value: Option<serde_json::Value>,
) -> Result<serde_json::Value, Vec<FieldError>> {
    let value = match value {
        None | Some(serde_json::Value::Null) => return Ok(serde_json::json!({})),
        Some(value @ serde_json::Value::Object(_)) => value,
        Some(_) => {
            return Err(vec![FieldError::new(
                field,
                "invalid",
                "Use a JSON object.",
            )])
        }
    };
    let mut with_nul = Vec::new();
    nul_paths(&value, field.to_owned(), &mut with_nul);
    if !with_nul.is_empty() {
        return Err(with_nul
            .iter()
            .map(|path| {
                FieldError::new(
                    path,
                    "invalid_characters",
                    "Text in this JSON cannot contain NUL characters.",
                )
            })
            .collect());
    }
    if value.to_string().len() > MAX_JSON_OBJECT_BYTES {
        return Err(vec![FieldError::new(
            field,
            "too_large",
            "Use at most 16 KiB of JSON.",
        )]);
    }
    Ok(value)
}

/// The places of the strings and keys inside a JSON value that hold NUL, which
/// PostgreSQL's `jsonb` refuses (SQLite would keep it, so both databases must refuse
/// it here).
fn nul_paths(value: &serde_json::Value, path: String, found: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) if text.contains('\0') => found.push(path),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nul_paths(item, format!("{path}[{i}]"), found);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                let here = format!("{path}.{key}");
                if key.contains('\0') {
                    found.push(here.clone());
                }
                nul_paths(item, here, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_nul_or_newline_has_control_characters() {
        assert!(has_control_characters("a\0b"));
        assert!(has_control_characters("line\nbreak"));
        assert!(!has_control_characters("Ünïcödé – fine"));
    }

    #[test]
    fn bidi_controls_and_zero_width_characters_are_hidden_characters() {
        let hidden = [
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{2028}',
            '\u{2029}',
            '\u{E0041}',
        ];
        for c in hidden {
            assert!(
                has_control_characters(&format!("Ada{c}")),
                "U+{:04X}",
                c as u32
            );
        }
        for fine in [
            "Zoë",
            "Ōsaka",
            "محمد",
            "李小龍",
            "O'Brien-Smith",
            "Ada Lovelace",
        ] {
            assert!(!has_control_characters(fine), "{fine}");
        }
    }

    #[test]
    fn nul_is_found_in_nested_json_strings_and_keys_by_its_place() {
        let paths = |value| {
            let mut found = Vec::new();
            nul_paths(&value, "p".to_owned(), &mut found);
            found
        };
        assert_eq!(
            paths(serde_json::json!({"a": ["x", {"b": "\u{0}"}]})),
            ["p.a[1].b"]
        );
        assert_eq!(
            paths(serde_json::json!({"k\u{0}": ["\u{0}"]})),
            ["p.k\u{0}", "p.k\u{0}[0]"]
        );
        assert!(paths(serde_json::json!({"a": ["x", {"b": 1}]})).is_empty());
    }

    #[test]
    fn a_json_field_is_an_object_of_at_most_16_kib_and_absent_means_empty() {
        let code = |v| parse_json_object("p", Some(v)).unwrap_err()[0].code.clone();
        assert_eq!(parse_json_object("p", None).unwrap(), serde_json::json!({}));
        assert_eq!(
            parse_json_object("p", Some(serde_json::Value::Null)).unwrap(),
            serde_json::json!({})
        );
        assert_eq!(code(serde_json::json!([1])), "invalid");
        assert_eq!(
            code(serde_json::json!({"a": "x".repeat(16 * 1024)})),
            "too_large"
        );
        assert_eq!(
            code(serde_json::json!({"a": "\u{0}"})),
            "invalid_characters"
        );
        assert!(parse_json_object("p", Some(serde_json::json!({"a": 1}))).is_ok());
    }
}
