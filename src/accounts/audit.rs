//! The audit log: one row per event in an account's life, written in the same transaction as
//! the change it records, so the log never claims what did not happen nor misses what did.
//! It holds who, what, when and from where; never a password, token or code.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::audit_log;
use crate::limits::ClientAddress;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum Event {
    SignupConfirmed,
    SignIn,
    /// A wrong password (the account is named only when the address typed has one).
    SignInFailed,
    /// The right password into a waiting or disabled account.
    SignInRefused,
    PasswordReset,
    AccountCreated,
    AccountApproved,
    AccountRejected,
    AccountDisabled,
    AccountEnabled,
    AccountDeleted,
    RoleChanged,
    /// The owner chose a new password, proving the current one.
    PasswordChanged,
    /// The owner's new address was proven and the account moved to it.
    EmailChanged,
    InvitationSent,
    InvitationRedeemed,
    InvitationWithdrawn,
    RegistrationTokenCreated,
    RegistrationTokenRevoked,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::SignupConfirmed => "signup_confirmed",
            Event::SignIn => "sign_in",
            Event::SignInFailed => "sign_in_failed",
            Event::SignInRefused => "sign_in_refused",
            Event::PasswordReset => "password_reset",
            Event::AccountCreated => "account_created",
            Event::AccountApproved => "account_approved",
            Event::AccountRejected => "account_rejected",
            Event::AccountDisabled => "account_disabled",
            Event::AccountEnabled => "account_enabled",
            Event::AccountDeleted => "account_deleted",
            Event::RoleChanged => "role_changed",
            Event::PasswordChanged => "password_changed",
            Event::EmailChanged => "email_changed",
            Event::InvitationSent => "invitation_sent",
            Event::InvitationRedeemed => "invitation_redeemed",
            Event::InvitationWithdrawn => "invitation_withdrawn",
            Event::RegistrationTokenCreated => "registration_token_created",
            Event::RegistrationTokenRevoked => "registration_token_revoked",
        }
    }
}

/// Where an action came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An HTTP request.
    Web,
    /// The `doorstep` command on the server: whoever can read its configuration.
    Cli,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Web => "web",
            Source::Cli => "cli",
        }
    }
}

/// Who acts: an account over HTTP (an admin, or a person on their own account), or the
/// command line.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account: Option<i64>,
    pub source: Source,
    pub client: Option<String>,
}

impl Actor {
    /// The operator at the command line.
    pub fn cli() -> Actor {
        Actor {
            account: None,
            source: Source::Cli,
            client: None,
        }
    }

    /// A request over HTTP, by `account` when someone is signed in.
    pub fn web(account: Option<i64>, client: &ClientAddress) -> Actor {
        Actor {
            account,
            source: Source::Web,
            client: client.0.map(|ip| ip.to_string()),
        }
    }
}

/// Writes one row; call it inside the transaction of the change it records.
pub async fn record(
    conn: &impl ConnectionTrait,
    event: Event,
    account: Option<i64>,
    actor: &Actor,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(now),
        event: Set(event.as_str().to_owned()),
        account_id: Set(account),
        actor_id: Set(actor.account),
        source: Set(actor.source.as_str().to_owned()),
        client: Set(actor.client.clone()),
        detail: Set(detail.to_owned()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The events since `since`, oldest first, at most `limit`.
pub async fn since(
    conn: &impl ConnectionTrait,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<audit_log::Model>, DbErr> {
    audit_log::Entity::find()
        .filter(audit_log::Column::At.gte(since))
        .order_by_asc(audit_log::Column::At)
        .order_by_asc(audit_log::Column::Id)
        .limit(limit)
        .all(conn)
        .await
}

/// The latest events of one account, newest first.
pub async fn of_account(
    conn: &impl ConnectionTrait,
    account: i64,
    limit: u64,
) -> Result<Vec<audit_log::Model>, DbErr> {
    audit_log::Entity::find()
        .filter(audit_log::Column::AccountId.eq(account))
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(conn)
        .await
}

/// Which events the audit page shows; `None` is any.
#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    pub account: Option<i64>,
    /// An event's name (`Event::as_str`).
    pub event: Option<String>,
}

/// A page of events, newest first, and the id the next (older) page starts before.
#[derive(Debug)]
pub struct EventPage {
    pub events: Vec<audit_log::Model>,
    pub next: Option<i64>,
}

/// The events that match `filter`, newest first (by id: the order they were written in),
/// `limit` at a time before the event `before`. Keyset pages on `audit_log_account_id` or
/// `audit_log_event` (or the primary key), so an old page costs what the first one does.
pub async fn page(
    conn: &impl ConnectionTrait,
    filter: &EventFilter,
    before: Option<i64>,
    limit: u64,
) -> Result<EventPage, DbErr> {
    let mut query = audit_log::Entity::find();
    if let Some(account) = filter.account {
        query = query.filter(audit_log::Column::AccountId.eq(account));
    }
    if let Some(event) = &filter.event {
        query = query.filter(audit_log::Column::Event.eq(event.as_str()));
    }
    if let Some(before) = before {
        query = query.filter(audit_log::Column::Id.lt(before));
    }
    let mut events = query
        .order_by_desc(audit_log::Column::Id)
        .limit(limit + 1)
        .all(conn)
        .await?;
    let next = (events.len() as u64 > limit).then(|| {
        events.truncate(limit as usize);
        events.last().map_or(0, |event| event.id)
    });
    Ok(EventPage { events, next })
}
