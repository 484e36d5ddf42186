//! Decoding an operation's arguments, the same way on every adapter: a value of the
//! wrong shape (an id that is no UUID, a body missing a field) is a 400 `bad_request`
//! naming the argument, whether it came through a Tauri command or an HTTP request.
//! Values that parse but break a rule are the core's business (422).

use std::marker::PhantomData;

use gatehouse_domain::{ErrorCode, FieldError, Problem};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// The problem for an argument that does not have the expected shape.
pub fn malformed(field: &str, reason: impl std::fmt::Display) -> Problem {
    let mut problem = Problem::new(
        ErrorCode::BadRequest,
        format!("`{field}` does not have the expected shape."),
    );
    problem.errors = vec![FieldError::new(field, "invalid", reason.to_string())];
    problem
}

/// An argument as it arrived (any JSON), decoded by [`Arg::decode`]: deserializing an
/// `Arg` never fails, so a malformed value becomes our problem document rather than
/// the transport's own error text.
pub struct Arg<T> {
    value: serde_json::Value,
    _type: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Arg<T> {
    pub fn new(value: serde_json::Value) -> Self {
        Arg {
            value,
            _type: PhantomData,
        }
    }

    /// The value as a `T`, or a 400 problem naming the field that failed: the
    /// argument itself (`id`), or the place inside it (`roles[0]`, `username`).
    pub fn decode(self, field: &str) -> Result<T, Problem> {
        serde_path_to_error::deserialize(self.value).map_err(|error| {
            let path = error.path().to_string();
            malformed(if path == "." { field } else { &path }, error.inner())
        })
    }
}

impl<'de, T> Deserialize<'de> for Arg<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Arg {
            value: serde_json::Value::deserialize(deserializer)?,
            _type: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_that_is_no_uuid_is_a_bad_request_naming_the_argument() {
        let problem = Arg::<uuid::Uuid>::new(serde_json::json!("not-a-uuid"))
            .decode("id")
            .unwrap_err();
        assert_eq!(problem.code, ErrorCode::BadRequest);
        assert_eq!(problem.status, 400);
        assert_eq!(problem.errors[0].field, "id");
    }

    #[test]
    fn a_malformed_field_inside_an_argument_is_named_by_its_place() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Request {
            roles: Vec<u8>,
        }
        let problem = Arg::<Request>::new(serde_json::json!({"roles": ["x"]}))
            .decode("request")
            .unwrap_err();
        assert_eq!(problem.errors[0].field, "roles[0]");
    }

    #[test]
    fn a_value_of_the_right_shape_decodes() {
        let id = uuid::Uuid::now_v7();
        let decoded = Arg::<uuid::Uuid>::new(serde_json::json!(id.to_string()))
            .decode("id")
            .unwrap();
        assert_eq!(decoded, id);
    }
}
