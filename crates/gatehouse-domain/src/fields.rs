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
