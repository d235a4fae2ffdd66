//! A rendered mail, or a webhook event, waiting for delivery, written in the same transaction
//! as the state change.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub bcc: Option<String>,
    pub subject: String,
    /// Bodies are blanked after delivery: they hold one-time links.
    pub text_body: String,
    pub html_body: String,
    pub action_url: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub gave_up_at: Option<DateTimeUtc>,
    /// The token of the worker sending it now; its lease ends at `next_attempt_at`.
    pub claimed_by: Option<String>,
    /// A webhook delivery's `webhook-id`: the same on every attempt, so receivers can tell a
    /// retry from a new event. None for letters.
    pub webhook_id: Option<String>,
}

/// The `kind` of a webhook delivery: `recipient` is the URL, `subject` the event type and
/// `text_body` the JSON body. The mail worker leaves these rows to `webhooks`.
pub const WEBHOOK: &str = "webhook";

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
