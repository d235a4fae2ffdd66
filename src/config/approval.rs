//! Approval of new accounts (`doorstep.auth.signup.approval`, `doorstep.auth.approval.notify`).

use lettre::message::Mailbox;

use super::ConfigError;
use super::properties::{Source, Value};
use super::values::mailboxes;

/// Which confirmed sign-ups wait for an admin before they may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApprovalMode {
    /// None: a confirmed address is an active account.
    #[default]
    Off,
    /// Every one.
    All,
    /// Those outside `doorstep.auth.signup.whitelist`; the whitelist then no longer refuses
    /// other domains, it names the ones that need no approval.
    OutsideWhitelist,
}

impl ApprovalMode {
    /// The value as written in the configuration and shown in discovery.
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalMode::Off => "off",
            ApprovalMode::All => "all",
            ApprovalMode::OutsideWhitelist => "outside-whitelist",
        }
    }
}

/// Approval settings.
#[derive(Debug, Clone, Default)]
pub struct Approval {
    pub mode: ApprovalMode,
    /// Who is told when an account waits; empty: the active admins.
    pub notify: Vec<Mailbox>,
}

pub(super) fn approval(source: &Source, whitelist: &[String]) -> Result<Approval, ConfigError> {
    const MODE: &str = "auth.signup.approval";
    let mode = source
        .parsed(MODE, |value: &Value| {
            match value.text.to_ascii_lowercase().as_str() {
                "off" | "false" => Ok(ApprovalMode::Off),
                "all" => Ok(ApprovalMode::All),
                "outside-whitelist" => Ok(ApprovalMode::OutsideWhitelist),
                _ => Err(value.error(format!(
                    "{:?} is not an approval mode (use off, all or outside-whitelist)",
                    value.text
                ))),
            }
        })?
        .unwrap_or_default();
    if mode == ApprovalMode::OutsideWhitelist
        && whitelist.is_empty()
        && let Some(value) = source.get(MODE)
    {
        // Without a whitelist every domain is outside it: say `all` if that is meant.
        return Err(value.error(
            "outside-whitelist needs doorstep.auth.signup.whitelist (or use all to approve \
             every account)",
        ));
    }
    Ok(Approval {
        mode,
        notify: mailboxes(source.list("auth.approval.notify"))?,
    })
}
