//! Webhooks: account events posted to the operator's endpoints, the Standard Webhooks way.
//!
//! An event is queued with [`queue`] inside the transaction of the change it reports, as one
//! outbox row per configured URL (`kind` = `webhook`): a change that is refused or rolled back
//! posts nothing, and one that commits is posted however long the endpoint is away. The
//! `webhook-id` is chosen when the event is queued and sent on every attempt; each attempt is
//! signed with its own `webhook-timestamp`, so a receiver's freshness check passes after an
//! outage. Delivery (`deliver`, `worker`) takes the same claims on outbox rows as mail.

pub mod deliver;
pub mod sign;
pub mod worker;

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{ActiveEnum as _, ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr};
use serde::Serialize;

use crate::config::Webhooks;
use crate::entities::account;
use crate::entities::outbox::{self, WEBHOOK};
use crate::random;

pub use deliver::{Sender, deliver_due};

/// What happened to an account; its name is the body's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum Event {
    /// A confirmation or an operator made the account (it may wait for approval).
    AccountCreated,
    AccountApproved,
    /// The account waited for approval and was turned away (and deleted).
    AccountRejected,
    AccountDisabled,
    AccountDeleted,
    PasswordChanged,
    EmailChanged,
}

impl Event {
    /// The event type as posted.
    pub fn name(self) -> &'static str {
        match self {
            Event::AccountCreated => "account.created",
            Event::AccountApproved => "account.approved",
            Event::AccountRejected => "account.rejected",
            Event::AccountDisabled => "account.disabled",
            Event::AccountDeleted => "account.deleted",
            Event::PasswordChanged => "password.changed",
            Event::EmailChanged => "email.changed",
        }
    }
}

/// The posted body: `{"type", "timestamp", "data": {"account": {…}}}`.
#[derive(Serialize)]
struct Payload<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: String,
    data: Data<'a>,
}

#[derive(Serialize)]
struct Data<'a> {
    account: AccountView<'a>,
}

/// The account as the event leaves it (as it was, for a rejection or a deletion). No
/// password hash, no language: what an application keeping its own user table needs.
#[derive(Serialize)]
struct AccountView<'a> {
    id: i64,
    email: &'a str,
    username: Option<&'a str>,
    firstname: &'a str,
    lastname: &'a str,
    state: String,
    role: String,
}

/// Queues `event` about `account` for every configured URL, inside the caller's transaction
/// (call it beside `audit::record`). Nothing is queued when no URL is configured.
pub async fn queue(
    conn: &impl ConnectionTrait,
    webhooks: &Webhooks,
    event: Event,
    account: &account::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if webhooks.urls.is_empty() {
        return Ok(());
    }
    let body = body(event, account, now);
    // One id per event: a receiver that is sent it twice (a retry) does it once.
    let id = format!("msg_{}", random::url_token());
    for url in &webhooks.urls {
        outbox::ActiveModel {
            kind: Set(WEBHOOK.to_owned()),
            recipient: Set(url.to_string()),
            bcc: Set(None),
            subject: Set(event.name().to_owned()),
            text_body: Set(body.clone()),
            html_body: Set(String::new()),
            action_url: Set(None),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
            gave_up_at: Set(None),
            claimed_by: Set(None),
            webhook_id: Set(Some(id.clone())),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// The JSON body of `event`, fixed when it is queued: every attempt posts the same bytes.
pub fn body(event: Event, account: &account::Model, now: DateTime<Utc>) -> String {
    let payload = Payload {
        kind: event.name(),
        timestamp: now.to_rfc3339_opts(SecondsFormat::Millis, true),
        data: Data {
            account: AccountView {
                id: account.id,
                email: &account.email,
                username: account.username.as_deref(),
                firstname: &account.first_name,
                lastname: &account.last_name,
                state: account.state.to_value(),
                role: account.role.to_value(),
            },
        },
    };
    // A struct of strings and numbers always serializes.
    serde_json::to_string(&payload).unwrap_or_default()
}
