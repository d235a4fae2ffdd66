//! Helpers for request fields, shared by every body type whatever layer reads it.

use serde::Deserialize as _;

/// A text field where JSON `null` means the same as leaving it out.
pub fn text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}
