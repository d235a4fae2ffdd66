//! Where account events are posted, and the secret they are signed with
//! (`doorstep.webhook.url[.n]`, `doorstep.webhook.secret`).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use url::Url;

use super::ConfigError;
use super::properties::{Source, Value};
use super::values::each_item;

/// What a Standard Webhooks secret starts with; the rest is the key in base64.
const PREFIX: &str = "whsec_";
/// A shorter key is refused: HMAC-SHA256 wants at least this much to resist guessing.
const SHORTEST_KEY: usize = 24;

/// The webhook endpoints; none configured, no event is queued.
#[derive(Debug, Clone, Default)]
pub struct Webhooks {
    /// One delivery per URL for every event.
    pub urls: Vec<Url>,
    /// `whsec_…`, checked at start-up; its `Debug` is redacted, and it is never formatted.
    pub secret: Option<SecretString>,
}

impl Webhooks {
    /// The HMAC key: the base64-decoded part after `whsec_`. None without a secret (then no
    /// URL is configured either: the configuration refuses one without the other).
    pub fn signing_key(&self) -> Option<SecretSlice<u8>> {
        let secret = self.secret.as_ref()?;
        signing_key(secret.expose_secret())
            .ok()
            .map(SecretSlice::from)
    }
}

pub(super) fn webhooks(source: &Source) -> Result<Webhooks, ConfigError> {
    let urls = each_item(source.list("webhook.url"), endpoint)?;
    let secret = source.parsed("webhook.secret", secret)?;
    if !urls.is_empty() && secret.is_none() {
        return Err(source.missing(
            "webhook.secret",
            "required when doorstep.webhook.url is set (whsec_ and the base64 of at least 24 \
             random bytes, e.g. echo whsec_$(openssl rand -base64 32))",
        ));
    }
    Ok(Webhooks { urls, secret })
}

fn endpoint(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("{text:?} is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{text:?} is not an http or https URL"));
    }
    Ok(url)
}

/// The messages never repeat the value.
fn secret(value: &Value) -> Result<SecretString, ConfigError> {
    signing_key(&value.text).map_err(|message| value.error(message))?;
    Ok(value.text.as_str().into())
}

/// The key a `whsec_` secret stands for, or why it is not one.
pub fn signing_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret
        .strip_prefix(PREFIX)
        .ok_or("must start with whsec_ (a Standard Webhooks secret)")?;
    let key = STANDARD
        .decode(encoded)
        .or_else(|_| STANDARD_NO_PAD.decode(encoded))
        .map_err(|_| "must be whsec_ followed by base64")?;
    if key.len() < SHORTEST_KEY {
        return Err(format!(
            "must encode at least {SHORTEST_KEY} bytes (e.g. echo whsec_$(openssl rand -base64 32))"
        ));
    }
    Ok(key)
}
