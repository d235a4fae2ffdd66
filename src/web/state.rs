//! What Rocket manages for every request: the domain's context, the clock, the mail transport,
//! the page templates.

use std::sync::Arc;

use crate::accounts::Context;
use crate::assets::Templates;
use crate::clock::Clock;
use crate::config::Settings;
use crate::links::Links;
use crate::mail::Transport;

/// The running server's state.
pub struct Doorstep {
    /// What the rules of registration work with.
    pub accounts: Context,
    /// Read once per request and passed down as `now`.
    pub clock: Arc<dyn Clock>,
    /// Where the mail worker delivers.
    pub transport: Transport,
    /// What the webhook worker posts with.
    pub webhooks: Arc<crate::webhooks::Sender>,
    /// What pages are rendered from: the shipped templates and the operator's overrides.
    pub templates: Arc<Templates>,
}

impl Doorstep {
    pub fn settings(&self) -> &Settings {
        &self.accounts.settings
    }

    pub fn links(&self) -> &Links {
        &self.accounts.links
    }
}
