//! Signing in and out, and the account page's replies.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use chrono::{DateTime, Utc};

use super::credentials::{AppPasswordView, SessionView};
use super::invitations::InvitationView;
use super::{View, insert, time};
use crate::accounts::admin::role_name;
use crate::accounts::invitations::InvitationForm;
use crate::accounts::session::{NewSession, SignInForm};
use crate::config::Settings;
use crate::entities::{account, app_password, invitation, session};

/// `GET /auth/login`: the sign-in form.
#[derive(Serialize, ToSchema)]
pub struct SignInPage {
    /// `login` (an address or a username) while usernames are on, else `email`.
    fields: [&'static str; 3],
    #[serde(skip)]
    usernames: bool,
    #[serde(skip)]
    values: Option<SignInValues>,
}

/// What the sign-in form is shown again with; `email` is whatever names the account (an address
/// or a username), under the name page overrides already use.
#[derive(Serialize)]
struct SignInValues {
    email: String,
    urlsuccess: String,
}

impl SignInPage {
    pub fn new(settings: &Settings) -> SignInPage {
        let usernames = settings.usernames.mode.is_on();
        SignInPage {
            fields: [
                if usernames { "login" } else { "email" },
                "password",
                "urlsuccess",
            ],
            usernames,
            values: None,
        }
    }

    /// The form again, with what was sent (never the password).
    pub fn refill(mut self, form: &SignInForm) -> SignInPage {
        self.values = Some(SignInValues {
            email: form.identifier().to_owned(),
            urlsuccess: form.urlsuccess.clone(),
        });
        self
    }
}

impl View for SignInPage {
    const TEMPLATE: &'static str = "login.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "usernames", &self.usernames);
        if let Some(values) = &self.values {
            insert(page, "values", values);
        }
    }
}

/// `POST /auth/login`: signed in (browsers are sent on instead).
#[derive(Serialize, ToSchema)]
pub struct SignedIn {
    status: &'static str,
    email: String,
    /// The account's username, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    /// The session's secret, for `Authorization: Bearer` (the same session as the cookie).
    #[schema(example = "q3Jm…")]
    token: String,
    /// When the session ends (RFC 3339, UTC).
    #[schema(example = "2026-12-18T12:00:00Z")]
    expires_at: String,
}

impl SignedIn {
    pub fn new(session: NewSession) -> SignedIn {
        SignedIn {
            status: "ok",
            username: session.account.username.clone(),
            email: session.account.email,
            token: session.secret,
            expires_at: time(session.expires_at),
        }
    }
}

impl View for SignedIn {
    const TEMPLATE: &'static str = "account.html.tera";
}

/// `POST /auth/logout`: signed out (browsers are sent to the sign-in page instead).
#[derive(Serialize, ToSchema)]
pub struct SignedOut {
    status: &'static str,
}

impl Default for SignedOut {
    fn default() -> SignedOut {
        SignedOut {
            status: "signed_out",
        }
    }
}

impl View for SignedOut {
    const TEMPLATE: &'static str = "login.html.tera";
}

/// `GET /auth/me`: the signed-in account.
#[derive(Serialize, ToSchema)]
pub struct AccountView {
    email: String,
    /// The account's username, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    firstname: String,
    lastname: String,
    /// `member`, `inviter` or `admin`.
    #[schema(example = "member")]
    role: &'static str,
    #[serde(skip)]
    credentials: Option<Credentials>,
    /// Inviters and admins: the page's invitation form and what they sent.
    #[serde(skip)]
    invitations: Option<Invitations>,
}

/// What the page shows an inviter: the invitations sent, and the form's values after a
/// refusal.
#[derive(Serialize)]
struct Invitations {
    sent: Vec<InvitationView>,
    values: Option<InvitationValues>,
}

#[derive(Serialize)]
struct InvitationValues {
    email: String,
    firstname: String,
    lastname: String,
}

/// What only the page shows: the sessions and app passwords, each with its button.
#[derive(Serialize)]
struct Credentials {
    sessions: Vec<SessionView>,
    /// None while `doorstep.auth.app-passwords` is off: the page then offers none.
    app_passwords: Option<Vec<AppPasswordView>>,
}

impl AccountView {
    pub fn new(account: account::Model) -> AccountView {
        AccountView {
            role: role_name(account.role),
            email: account.email,
            username: account.username,
            firstname: account.first_name,
            lastname: account.last_name,
            credentials: None,
            invitations: None,
        }
    }

    /// An inviter's page also offers the invitation form and lists what was sent; `form` is
    /// what a refused invitation sent.
    pub fn with_invitations(
        mut self,
        sent: Vec<invitation::Model>,
        now: DateTime<Utc>,
        form: Option<&InvitationForm>,
    ) -> AccountView {
        self.invitations = Some(Invitations {
            sent: sent
                .into_iter()
                .map(|row| InvitationView::new(row, now))
                .collect(),
            values: form.map(|form| InvitationValues {
                email: form.email.clone(),
                firstname: form.firstname.clone(),
                lastname: form.lastname.clone(),
            }),
        });
        self
    }

    /// The page of a signed-in session lists the account's sessions (marking `current`) and
    /// app passwords.
    pub fn with_credentials(
        mut self,
        sessions: Vec<session::Model>,
        current: i64,
        app_passwords: Option<Vec<app_password::Model>>,
    ) -> AccountView {
        self.credentials = Some(Credentials {
            sessions: sessions
                .into_iter()
                .map(|session| SessionView::new(session, current))
                .collect(),
            app_passwords: app_passwords
                .map(|list| list.into_iter().map(AppPasswordView::new).collect()),
        });
        self
    }
}

impl View for AccountView {
    const TEMPLATE: &'static str = "account.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        if let Some(credentials) = &self.credentials {
            insert(page, "sessions", &credentials.sessions);
            insert(page, "app_passwords", &credentials.app_passwords);
        }
        if let Some(invitations) = &self.invitations {
            insert(page, "invitations", invitations);
        }
    }
}

/// `GET /auth/verify`: the account a live session belongs to, as the proxy's headers say.
#[derive(Serialize, ToSchema)]
pub struct AccountVerified {
    account: i64,
    email: String,
    /// The account's username, when it has one (and then also `X-Doorstep-Username`).
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    /// `member`, `inviter` or `admin`.
    #[schema(example = "member")]
    role: &'static str,
}

impl AccountVerified {
    pub fn new(account: &account::Model) -> AccountVerified {
        AccountVerified {
            account: account.id,
            email: account.email.clone(),
            username: account.username.clone(),
            role: role_name(account.role),
        }
    }
}
