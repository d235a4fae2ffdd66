//! The replies of self-service: a new password, a new address, a deleted account, the export.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::credentials::{AppPasswordView, SessionView};
use super::session::AccountView;
use super::{View, insert, time};
use crate::accounts::admin::{role_name, state_name};
use crate::accounts::self_service::export::AccountData;
use crate::entities::{account, audit_log, email_change};

/// `POST /auth/me/password`: the new password is set (browsers go back to the account page).
#[derive(Serialize, ToSchema)]
pub struct PasswordUpdated {
    #[schema(example = "password_changed")]
    status: &'static str,
}

impl Default for PasswordUpdated {
    fn default() -> PasswordUpdated {
        PasswordUpdated {
            status: "password_changed",
        }
    }
}

impl View for PasswordUpdated {
    const TEMPLATE: &'static str = "account.html.tera";
}

/// `POST /auth/me/email`: a link and code are on their way to the new address (the same reply
/// whether or not the address has an account).
#[derive(Serialize, ToSchema)]
pub struct EmailChangeSent {
    #[schema(example = "confirmation_sent")]
    status: &'static str,
    /// The new address, as it will be stored.
    email: String,
}

impl EmailChangeSent {
    pub fn new(email: String) -> EmailChangeSent {
        EmailChangeSent {
            status: "confirmation_sent",
            email,
        }
    }
}

impl View for EmailChangeSent {
    const TEMPLATE: &'static str = "email_change_sent.html.tera";
}

/// `GET /auth/me/email?confirm=T`: the link works; its button switches (opening it does not).
#[derive(Serialize, ToSchema)]
pub struct EmailChangeLink {
    #[schema(example = "confirmation_required")]
    status: &'static str,
    /// The address the account moves to once confirmed.
    email: String,
    #[serde(skip)]
    token: String,
}

impl EmailChangeLink {
    pub fn new(email: String, token: String) -> EmailChangeLink {
        EmailChangeLink {
            status: "confirmation_required",
            email,
            token,
        }
    }
}

impl View for EmailChangeLink {
    const TEMPLATE: &'static str = "email_change_confirm.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "token", &self.token);
    }
}

/// `POST /auth/me/email/confirm`: the account uses its new address.
#[derive(Serialize, ToSchema)]
pub struct EmailSwitched {
    #[schema(example = "email_changed")]
    status: &'static str,
    email: String,
}

impl EmailSwitched {
    pub fn new(email: String) -> EmailSwitched {
        EmailSwitched {
            status: "email_changed",
            email,
        }
    }
}

impl View for EmailSwitched {
    const TEMPLATE: &'static str = "email_changed.html.tera";
}

/// `POST /auth/me/delete`: the account is gone, and this session with it.
#[derive(Serialize, ToSchema)]
pub struct AccountDeleted {
    #[schema(example = "account_deleted")]
    status: &'static str,
    email: String,
}

impl AccountDeleted {
    pub fn new(account: account::Model) -> AccountDeleted {
        AccountDeleted {
            status: "account_deleted",
            email: account.email,
        }
    }
}

impl View for AccountDeleted {
    const TEMPLATE: &'static str = "account_deleted.html.tera";
}

/// The account page again after one of its forms failed: `form` says which, so the reason
/// shows beside that form's fields only.
#[derive(Serialize)]
pub struct AccountPageAgain {
    #[serde(flatten)]
    page: AccountView,
    #[serde(skip)]
    form: &'static str,
}

impl AccountPageAgain {
    pub fn new(page: AccountView, form: &'static str) -> AccountPageAgain {
        AccountPageAgain { page, form }
    }
}

impl View for AccountPageAgain {
    const TEMPLATE: &'static str = AccountView::TEMPLATE;

    fn page_only(&self, page: &mut Map<String, Value>) {
        self.page.page_only(page);
        insert(page, "failed_form", &self.form);
    }
}

/// `GET /auth/me/export`: everything stored about the account. Never a password hash, a
/// session secret, an app password or a digest of any of them.
#[derive(Serialize, ToSchema)]
pub struct AccountExport {
    account: ExportedAccount,
    /// The live sessions.
    sessions: Vec<SessionView>,
    app_passwords: Vec<AppPasswordView>,
    /// Every audit row about the account, oldest first.
    events: Vec<ExportedEvent>,
    /// A change of address waiting for its link or code.
    email_change: Option<ExportedEmailChange>,
}

/// The account's own fields.
#[derive(Serialize, ToSchema)]
struct ExportedAccount {
    id: i64,
    email: String,
    username: Option<String>,
    firstname: String,
    lastname: String,
    /// `member`, `inviter` or `admin`.
    role: &'static str,
    /// `active`, `pending_approval` or `disabled`.
    state: &'static str,
    /// The language of its mails; null: the server's default.
    language: Option<String>,
    /// Whether a password is set (an account an operator made has none until its owner
    /// chooses one).
    has_password: bool,
    created_at: String,
}

/// One audit row.
#[derive(Serialize, ToSchema)]
struct ExportedEvent {
    at: String,
    event: String,
    /// The acting account; null: nobody signed in (a failed sign-in, a link).
    actor: Option<i64>,
    /// `web` or `cli`.
    source: String,
    /// The client's IP address, when known.
    client: Option<String>,
    detail: String,
}

/// A pending change of address.
#[derive(Serialize, ToSchema)]
struct ExportedEmailChange {
    email: String,
    created_at: String,
    expires_at: String,
}

impl AccountExport {
    /// The rows, each through a view that names only what its owner may read.
    pub fn new(data: AccountData, current_session: i64) -> AccountExport {
        let account = data.account;
        AccountExport {
            account: ExportedAccount {
                id: account.id,
                has_password: !account.password_hash.is_empty(),
                email: account.email,
                username: account.username,
                firstname: account.first_name,
                lastname: account.last_name,
                role: role_name(account.role),
                state: state_name(account.state),
                language: account.language,
                created_at: time(account.created_at),
            },
            sessions: data
                .sessions
                .into_iter()
                .map(|session| SessionView::new(session, current_session))
                .collect(),
            app_passwords: data
                .app_passwords
                .into_iter()
                .map(AppPasswordView::new)
                .collect(),
            events: data.events.into_iter().map(ExportedEvent::new).collect(),
            email_change: data.email_change.map(ExportedEmailChange::new),
        }
    }
}

impl ExportedEvent {
    fn new(row: audit_log::Model) -> ExportedEvent {
        ExportedEvent {
            at: time(row.at),
            event: row.event,
            actor: row.actor_id,
            source: row.source,
            client: row.client,
            detail: row.detail,
        }
    }
}

impl ExportedEmailChange {
    fn new(row: email_change::Model) -> ExportedEmailChange {
        ExportedEmailChange {
            email: row.email,
            created_at: time(row.created_at),
            expires_at: time(row.expires_at),
        }
    }
}
