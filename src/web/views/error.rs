//! The error shape every refusal is answered with (DESIGN.md section 3).

use std::collections::BTreeMap;

use serde::Serialize;
use strum::IntoEnumIterator;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::error::Error;

/// `{"error": <code>, "message": <for people>, "fields": {<field>: <code>}, "attempts_left": n,
/// "redirect": <url>}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable: clients branch on it.
    #[schema(schema_with = error_codes)]
    error: &'static str,
    /// For people; the wording may change.
    message: String,
    /// The fields at fault and why, e.g. `{"email": "invalid"}`; only where fields are at fault.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    fields: BTreeMap<&'static str, &'static str>,
    /// With `code_invalid`: how many more tries the code takes (0: it no longer works; ask for
    /// a new mail or use its link).
    #[serde(skip_serializing_if = "Option::is_none")]
    attempts_left: Option<u32>,
    /// The caller's `urlfailure` with `?error=<code>`, for a refused link that named one:
    /// browsers are sent there, programs decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect: Option<String>,
}

impl ErrorBody {
    pub fn new(error: &Error, redirect: Option<String>) -> ErrorBody {
        ErrorBody {
            error: error.code(),
            message: error.to_string(),
            fields: error.fields(),
            attempts_left: error.attempts_left(),
            redirect,
        }
    }
}

impl ErrorBody {
    /// The same refusal, its message in the reader's language (`web::wording::message`).
    pub fn saying(mut self, message: String) -> ErrorBody {
        self.message = message;
        self
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Every code `Error` can answer with, so the description cannot miss one.
fn error_codes() -> Schema {
    let codes: Vec<&str> = Error::iter().map(|error| error.code()).collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes))
        .build()
        .into()
}
