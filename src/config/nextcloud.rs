//! Nextcloud's registration APIs (`doorstep.compat.nextcloud`,
//! `doorstep.compat.nextcloud.cloud-url`).

use url::Url;

use super::properties::{Source, Value};
use super::values::base_url;
use super::{ConfigError, Settings};

/// Whether doorstep speaks the Nextcloud registration app's APIs, and the server its clients
/// are sent to afterwards.
#[derive(Debug, Clone, Default)]
pub struct Nextcloud {
    pub enabled: bool,
    /// `cloudUrl` of the OCS status reply; none: `base-url`.
    pub cloud_url: Option<Url>,
}

impl Nextcloud {
    /// The URL handed to clients as `cloudUrl`, without a trailing slash (as Nextcloud's own
    /// base URL is written).
    pub fn cloud_url(&self, base_url: &Url) -> String {
        let url = self.cloud_url.as_ref().unwrap_or(base_url);
        url.as_str().trim_end_matches('/').to_owned()
    }
}

pub(super) fn nextcloud(source: &Source, defaults: &Nextcloud) -> Result<Nextcloud, ConfigError> {
    Ok(Nextcloud {
        enabled: source
            .parsed("compat.nextcloud", Value::switch)?
            .unwrap_or(defaults.enabled),
        cloud_url: source.parsed("compat.nextcloud.cloud-url", base_url)?,
    })
}

/// Refuses a Nextcloud API that clients could not finish with: they sign in with the username
/// they chose and the app password the status read hands out, so both must exist.
pub(super) fn check(source: &Source, settings: &Settings) -> Result<(), ConfigError> {
    if !settings.nextcloud.enabled {
        return Ok(());
    }
    let needs = |what: &str| {
        let message = format!(
            "needs {what}: Nextcloud clients sign in with the username they chose and the app \
             password their status read hands out"
        );
        match source.get("compat.nextcloud") {
            Some(value) => value.error(message),
            None => source.missing("compat.nextcloud", message),
        }
    };
    if !settings.app_passwords {
        return Err(needs("doorstep.auth.app-passwords on"));
    }
    if !settings.usernames.mode.is_on() {
        return Err(needs("doorstep.auth.username optional or required"));
    }
    Ok(())
}
