//! Every reply body, as a type: programs get it as JSON, and browsers see its template filled
//! with the same values plus what only a page shows. The JSON contract is written down here.

mod admin;
mod credentials;
mod discovery;
mod email_first;
mod error;
mod invitations;
mod password_reset;
mod reference;
mod self_service;
mod session;
mod signup;

use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

pub use admin::{
    AccountList, AccountPage, AdminAccount, AuditEvent, AuditList, AuditQuery, ListQuery, Notice,
    Overview,
};
pub use credentials::{
    AppPasswordCreated, AppPasswordList, AppPasswordRevoked, SessionEnded, SessionList,
};
pub use discovery::Discovery;
pub use email_first::DetailsRequired;
pub use error::ErrorBody;
pub use invitations::{
    InvitationList, InvitationSent, InvitationView, InvitationWithdrawn, RegistrationTokenList,
    RegistrationTokenMade, RegistrationTokenRevoked,
};
pub use password_reset::{ChoosePassword, PasswordChanged, ResetRequestPage, ResetRequested};
pub use reference::ApiReference;
pub use self_service::{
    AccountDeleted, AccountExport, AccountPageAgain, EmailChangeLink, EmailChangeSent,
    EmailSwitched, PasswordUpdated,
};
pub use session::{AccountVerified, AccountView, SignInPage, SignedIn, SignedOut};
pub use signup::{
    AccountCreated, ConfirmPage, ConfirmationSent, RegistrationView, SignUpPage,
    UsernameAvailability,
};

/// A reply body with the template that shows it to people.
pub trait View: Serialize {
    /// The page's shipped file name below `templates/` (and the name an override takes).
    const TEMPLATE: &'static str;

    /// Adds what only the page shows, never sent to programs (an address just used, a link's
    /// token, the values of a form shown again).
    fn page_only(&self, _page: &mut Map<String, Value>) {}

    /// Where browsers are sent instead of seeing the page (the caller's `urlsuccess`);
    /// programs get the view, which names it too.
    fn browsers_go_to(&self) -> Option<String> {
        None
    }
}

/// `GET /healthz`.
#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
}

impl Health {
    pub fn ok() -> Health {
        Health { status: "ok" }
    }
}

/// `GET /auth/captcha`: a picture challenge and where its PNG is.
#[derive(Serialize, ToSchema)]
pub struct PictureChallenge {
    /// Sent back as `captcha_id` with the answer as `captcha_answer`.
    pub id: String,
    /// The URL of the PNG.
    pub image: String,
}

/// A point in time as replies give it: RFC 3339, UTC, whole seconds.
fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Puts `value` into a page's values under `key`.
fn insert(page: &mut Map<String, Value>, key: &str, value: &impl Serialize) {
    page.insert(key.to_owned(), json!(value));
}
