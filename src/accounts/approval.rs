//! Which new accounts wait for an admin, and telling the approvers that one does.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::Context;
use super::policy::is_email_domain_allowed;
use crate::config::{ApprovalMode, Settings};
use crate::entities::account::{self, Role, State};
use crate::error::Error;
use crate::mail::{Recipient, outbox};

/// Whether an account for `email_key` (a normalized address) waits for approval once its
/// address is proven.
pub fn needs_approval(settings: &Settings, email_key: &str) -> bool {
    match settings.approval.mode {
        ApprovalMode::Off => false,
        ApprovalMode::All => true,
        ApprovalMode::OutsideWhitelist => {
            let domain = email_key.rsplit_once('@').map_or("", |(_, domain)| domain);
            !is_email_domain_allowed(&settings.signup, domain)
        }
    }
}

/// Queues a mail to every approver (`doorstep.auth.approval.notify`, or else the active
/// admins) saying that `applicant` waits, inside the caller's transaction.
pub async fn notify_approvers(
    conn: &impl ConnectionTrait,
    ctx: &Context,
    applicant: &account::Model,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let approvers: Vec<Recipient> = if ctx.settings.approval.notify.is_empty() {
        account::Entity::find()
            .filter(account::Column::Role.eq(Role::Admin))
            .filter(account::Column::State.eq(State::Active))
            .order_by_asc(account::Column::Id)
            .all(conn)
            .await?
            .iter()
            .map(Recipient::account)
            .collect()
    } else {
        ctx.settings
            .approval
            .notify
            .iter()
            .map(|mailbox| {
                let name = mailbox.name.as_deref().unwrap_or_default();
                Recipient::new(mailbox.email.as_ref(), name, "")
            })
            .collect()
    };
    if approvers.is_empty() {
        log::warn!(
            "account {} waits for approval, but there is no admin and no \
             doorstep.auth.approval.notify to tell",
            applicant.id
        );
    }
    let about = Recipient::new(
        &applicant.email,
        &applicant.first_name,
        &applicant.last_name,
    );
    for approver in approvers {
        let letter = ctx
            .mail
            .composer
            .approval_requested(&approver, &about, now)?;
        outbox::enqueue(conn, &letter, now).await?;
    }
    Ok(())
}
