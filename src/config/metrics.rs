//! The metrics endpoint (`doorstep.metrics`, `doorstep.metrics.token`).

use secrecy::SecretString;

use super::ConfigError;
use super::properties::{Source, Value};

/// A token shorter than this is refused: it would be guessed.
const SHORTEST_TOKEN: usize = 16;

/// Whether `GET /metrics` answers, and the Bearer token it asks for.
#[derive(Debug, Clone)]
pub struct Metrics {
    pub enabled: bool,
    /// When set, scrapes must send `Authorization: Bearer <token>`; its `Debug` is redacted.
    pub token: Option<SecretString>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            enabled: true,
            token: None,
        }
    }
}

pub(super) fn metrics(source: &Source, defaults: &Metrics) -> Result<Metrics, ConfigError> {
    Ok(Metrics {
        enabled: source
            .parsed("metrics", Value::switch)?
            .unwrap_or(defaults.enabled),
        token: source.parsed("metrics.token", token)?,
    })
}

/// A header-safe secret: printable ASCII without spaces, long enough not to be guessed. The
/// messages never repeat the value.
fn token(value: &Value) -> Result<SecretString, ConfigError> {
    if !value.text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(value.error("must be printable ASCII without spaces"));
    }
    if value.text.len() < SHORTEST_TOKEN {
        return Err(value.error(format!(
            "must be at least {SHORTEST_TOKEN} characters (e.g. the output of openssl rand -hex 32)"
        )));
    }
    Ok(value.text.as_str().into())
}
