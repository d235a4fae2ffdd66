//! The admin area's replies: the overview, the account list and search, an account's page,
//! the audit log. Programs get the same values as JSON.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{View, insert, time};
use crate::accounts::admin::{AccountDetails, Listing, role_name, state_name};
use crate::accounts::audit::EventPage;
use crate::entities::account::{self, State};
use crate::entities::audit_log;
use crate::mail::outbox::Health;

/// An account as admins see it.
#[derive(Serialize, ToSchema)]
pub struct AdminAccount {
    id: i64,
    email: String,
    /// Only for an account that has one.
    username: Option<String>,
    firstname: String,
    lastname: String,
    #[schema(example = "member")]
    role: &'static str,
    #[schema(example = "active")]
    state: &'static str,
    /// RFC 3339, UTC.
    created_at: String,
    /// The language its mails are written in; null: the default.
    language: Option<String>,
}

impl AdminAccount {
    pub fn new(account: &account::Model) -> AdminAccount {
        AdminAccount {
            id: account.id,
            email: account.email.clone(),
            username: account.username.clone(),
            firstname: account.first_name.clone(),
            lastname: account.last_name.clone(),
            role: role_name(account.role),
            state: state_name(account.state),
            created_at: time(account.created_at),
            language: account.language.clone(),
        }
    }
}

/// The answer to an admin's action: the account as it is now (or, deleted or rejected, as it
/// was). Browsers are sent back to the page they acted on instead.
impl View for AdminAccount {
    const TEMPLATE: &'static str = "admin/account.html.tera";
}

/// What an action's redirect says happened, shown once above the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Approved,
    Rejected,
    Disabled,
    Enabled,
    Deleted,
    RoleChanged,
}

impl Notice {
    pub fn as_str(self) -> &'static str {
        match self {
            Notice::Approved => "approved",
            Notice::Rejected => "rejected",
            Notice::Disabled => "disabled",
            Notice::Enabled => "enabled",
            Notice::Deleted => "deleted",
            Notice::RoleChanged => "role_changed",
        }
    }

    /// A notice by its name in the query; anything else shows none.
    pub fn named(name: Option<&str>) -> Option<Notice> {
        [
            Notice::Approved,
            Notice::Rejected,
            Notice::Disabled,
            Notice::Enabled,
            Notice::Deleted,
            Notice::RoleChanged,
        ]
        .into_iter()
        .find(|notice| Some(notice.as_str()) == name)
    }
}

/// How many accounts are in each state.
#[derive(Serialize, ToSchema, Default)]
pub struct StateCounts {
    active: u64,
    pending_approval: u64,
    disabled: u64,
}

/// A letter whose last attempt failed.
#[derive(Serialize, ToSchema)]
pub struct MailFailure {
    /// Which mail (`signup_confirm`, `password_reset`, …).
    kind: String,
    attempts: i32,
    error: String,
    queued_at: String,
    /// When delivery was given up; null while it is still retried.
    gave_up_at: Option<String>,
}

/// How mail delivery goes (the outbox, as `/metrics` reads it, and more).
#[derive(Serialize, ToSchema)]
pub struct OutboxHealth {
    /// Letters waiting for delivery.
    depth: u64,
    /// When the oldest waiting letter was queued; null when none waits.
    oldest_queued_at: Option<String>,
    /// Waiting letters whose delivery failed at least once.
    failing: u64,
    /// Letters given up (kept until the hourly sweep forgets them).
    given_up: u64,
    /// The latest failures, newest first.
    failures: Vec<MailFailure>,
}

impl OutboxHealth {
    fn new(health: Health) -> OutboxHealth {
        OutboxHealth {
            depth: health.backlog.depth,
            oldest_queued_at: health.backlog.oldest.map(time),
            failing: health.failing,
            given_up: health.given_up,
            failures: health
                .failures
                .into_iter()
                .map(|failure| MailFailure {
                    kind: failure.kind,
                    attempts: failure.attempts,
                    error: failure.error,
                    queued_at: time(failure.queued_at),
                    gave_up_at: failure.gave_up_at.map(time),
                })
                .collect(),
        }
    }
}

/// `GET /admin`: what needs an admin now.
#[derive(Serialize, ToSchema)]
pub struct Overview {
    /// Accounts waiting for approval, the longest waiting first.
    pending: Vec<AdminAccount>,
    /// Whether more wait than are listed (`GET /admin/users?state=pending_approval`).
    more_pending: bool,
    /// The newest accounts, newest first.
    recent: Vec<AdminAccount>,
    counts: StateCounts,
    outbox: OutboxHealth,
    #[serde(skip)]
    notice: Option<Notice>,
}

impl Overview {
    pub fn new(
        pending: Listing,
        recent: Vec<account::Model>,
        counts: Vec<(State, u64)>,
        outbox: Health,
        notice: Option<Notice>,
    ) -> Overview {
        let mut by_state = StateCounts::default();
        for (state, n) in counts {
            match state {
                State::Active => by_state.active = n,
                State::PendingApproval => by_state.pending_approval = n,
                State::Disabled => by_state.disabled = n,
            }
        }
        Overview {
            pending: pending.accounts.iter().map(AdminAccount::new).collect(),
            more_pending: pending.next.is_some(),
            recent: recent.iter().map(AdminAccount::new).collect(),
            counts: by_state,
            outbox: OutboxHealth::new(outbox),
            notice,
        }
    }
}

impl View for Overview {
    const TEMPLATE: &'static str = "admin/overview.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "notice", &self.notice.map(Notice::as_str));
    }
}

/// What a listing was asked for, to show it again and to build the next page's link.
#[derive(Serialize, Default)]
pub struct ListQuery {
    pub q: String,
    pub state: String,
    pub role: String,
}

/// `GET /admin/users`: a page of accounts.
#[derive(Serialize, ToSchema)]
pub struct AccountList {
    accounts: Vec<AdminAccount>,
    /// The `page` parameter of the next page; null on the last one.
    #[schema(example = "1042")]
    next: Option<String>,
    #[serde(skip)]
    query: ListQuery,
    #[serde(skip)]
    notice: Option<Notice>,
    /// Whether this is the first page (the page offers a way back to it).
    #[serde(skip)]
    first: bool,
}

impl AccountList {
    pub fn new(listing: Listing, query: ListQuery, first: bool, notice: Option<Notice>) -> Self {
        AccountList {
            accounts: listing.accounts.iter().map(AdminAccount::new).collect(),
            next: listing.next.map(|cursor| cursor.to_string()),
            query,
            notice,
            first,
        }
    }
}

impl View for AccountList {
    const TEMPLATE: &'static str = "admin/users.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "query", &self.query);
        insert(page, "notice", &self.notice.map(Notice::as_str));
        insert(page, "first", &self.first);
        insert(page, "states", &["active", "pending_approval", "disabled"]);
        insert(page, "roles", &["member", "inviter", "admin"]);
    }
}

/// One event of the audit log.
#[derive(Serialize, ToSchema)]
pub struct AuditEvent {
    id: i64,
    /// RFC 3339, UTC.
    at: String,
    #[schema(example = "account_approved")]
    event: String,
    /// The account it is about (it may be gone since).
    account_id: Option<i64>,
    /// The account that acted; null for the command line and for the account's own acts
    /// without a session.
    actor_id: Option<i64>,
    /// `web` or `cli`.
    source: String,
    /// The client's address, for events that came over HTTP.
    client: Option<String>,
    detail: String,
}

impl AuditEvent {
    fn new(event: &audit_log::Model) -> AuditEvent {
        AuditEvent {
            id: event.id,
            at: time(event.at),
            event: event.event.clone(),
            account_id: event.account_id,
            actor_id: event.actor_id,
            source: event.source.clone(),
            client: event.client.clone(),
            detail: event.detail.clone(),
        }
    }
}

/// `GET /admin/users/{id}`: an account, its credentials' counts and latest events.
#[derive(Serialize, ToSchema)]
pub struct AccountPage {
    account: AdminAccount,
    /// Live sessions.
    sessions: u64,
    app_passwords: u64,
    /// The latest 20 events about it, newest first.
    events: Vec<AuditEvent>,
    #[serde(skip)]
    notice: Option<Notice>,
}

impl AccountPage {
    pub fn new(details: AccountDetails, notice: Option<Notice>) -> AccountPage {
        AccountPage {
            account: AdminAccount::new(&details.account),
            sessions: details.sessions,
            app_passwords: details.app_passwords,
            events: details.events.iter().map(AuditEvent::new).collect(),
            notice,
        }
    }
}

impl View for AccountPage {
    const TEMPLATE: &'static str = "admin/account.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "notice", &self.notice.map(Notice::as_str));
        insert(page, "roles", &["member", "inviter", "admin"]);
    }
}

/// What the audit page was asked for.
#[derive(Serialize, Default)]
pub struct AuditQuery {
    pub account: String,
    pub event: String,
}

/// `GET /admin/audit`: a page of the audit log, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditList {
    events: Vec<AuditEvent>,
    /// The `page` parameter of the next (older) page; null on the last one.
    next: Option<i64>,
    #[serde(skip)]
    query: AuditQuery,
    #[serde(skip)]
    first: bool,
}

impl AuditList {
    pub fn new(page: EventPage, query: AuditQuery, first: bool) -> AuditList {
        AuditList {
            events: page.events.iter().map(AuditEvent::new).collect(),
            next: page.next,
            query,
            first,
        }
    }
}

impl View for AuditList {
    const TEMPLATE: &'static str = "admin/audit.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        use strum::IntoEnumIterator as _;
        let names: Vec<&str> = crate::accounts::audit::Event::iter()
            .map(|event| event.as_str())
            .collect();
        insert(page, "query", &self.query);
        insert(page, "first", &self.first);
        insert(page, "event_names", &names);
    }
}
