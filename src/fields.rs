//! Helpers for request fields, shared by every body type whatever layer reads it.

use serde::Deserialize as _;
use serde::de::Error as _;

/// What `text` says of a NUL character, so the body parser can name the reason.
pub const NUL_REFUSED: &str = "a text field contains a NUL character";

/// A text field where JSON `null` means the same as leaving it out.
///
/// NUL is refused here, before anything reaches the database: PostgreSQL rejects it in text,
/// and no name, address, password or token of ours contains one.
pub fn text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?.unwrap_or_default();
    if text.contains('\0') {
        return Err(D::Error::custom(NUL_REFUSED));
    }
    Ok(text)
}
