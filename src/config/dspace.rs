//! DSpace 7's eperson registrations API (`doorstep.compat.dspace`,
//! `doorstep.compat.dspace.ui-url`).

use url::Url;

use super::links::{LinkTemplate, PLACEHOLDER};
use super::properties::{Source, Value};
use super::redirects::RedirectRule;
use super::values::base_url;
use super::{ConfigError, Settings};

/// Whether doorstep speaks DSpace's registrations API, and the DSpace UI its mails link to.
#[derive(Debug, Clone, Default)]
pub struct DSpace {
    pub enabled: bool,
    /// The UI's base (DSpace's `dspace.ui.url`), as the operator wrote it.
    pub ui_url: Option<Url>,
    /// `<ui-url>/register/{token}`: the page the register mail opens.
    pub register: Option<LinkTemplate>,
    /// `<ui-url>/forgot/{token}`: the page the forgot mail opens.
    pub forgot: Option<LinkTemplate>,
}

pub(super) fn dspace(
    source: &Source,
    defaults: &DSpace,
    permitted: &[RedirectRule],
) -> Result<DSpace, ConfigError> {
    let enabled = source
        .parsed("compat.dspace", Value::switch)?
        .unwrap_or(defaults.enabled);
    let Some(value) = source.get("compat.dspace.ui-url") else {
        return Ok(DSpace {
            enabled,
            ..DSpace::default()
        });
    };
    let ui_url = base_url(value)?;
    // The UI's own routes for a mailed token, as DSpace's mails link to them.
    let page = |route: &str| {
        let base = ui_url.as_str().trim_end_matches('/');
        LinkTemplate::parse(&format!("{base}/{route}/{PLACEHOLDER}"), permitted)
            .map_err(|message| value.error(message))
    };
    Ok(DSpace {
        enabled,
        register: Some(page("register")?),
        forgot: Some(page("forgot")?),
        ui_url: Some(ui_url),
    })
}

/// Refuses a DSpace API whose mails would lead nowhere: its register link must open the UI's
/// page that takes the details, which doorstep's own pages only do in email-first mode.
pub(super) fn check(source: &Source, settings: &Settings) -> Result<(), ConfigError> {
    if !settings.dspace.enabled || settings.dspace.ui_url.is_some() {
        return Ok(());
    }
    let message = "needs doorstep.compat.dspace.ui-url: the DSpace UI whose /register/<token> \
                   and /forgot/<token> pages the mails link to";
    Err(match source.get("compat.dspace") {
        Some(value) => value.error(message),
        None => source.missing("compat.dspace", message),
    })
}
