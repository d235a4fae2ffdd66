//! Signing in and out, and the account page's replies.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{View, insert};
use crate::accounts::admin::role_name;
use crate::accounts::session::SignInForm;
use crate::entities::account;

/// `GET /auth/login`: the sign-in form.
#[derive(Serialize, ToSchema)]
pub struct SignInPage {
    fields: [&'static str; 3],
    #[serde(skip)]
    values: Option<SignInValues>,
}

#[derive(Serialize)]
struct SignInValues {
    email: String,
    urlsuccess: String,
}

impl Default for SignInPage {
    fn default() -> SignInPage {
        SignInPage {
            fields: ["email", "password", "urlsuccess"],
            values: None,
        }
    }
}

impl SignInPage {
    /// The form again, with what was sent (never the password).
    pub fn refill(mut self, form: &SignInForm) -> SignInPage {
        self.values = Some(SignInValues {
            email: form.email.clone(),
            urlsuccess: form.urlsuccess.clone(),
        });
        self
    }
}

impl View for SignInPage {
    const TEMPLATE: &'static str = "login.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
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
}

impl SignedIn {
    pub fn new(account: &account::Model) -> SignedIn {
        SignedIn {
            status: "ok",
            email: account.email.clone(),
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
    firstname: String,
    lastname: String,
    /// `member`, `inviter` or `admin`.
    #[schema(example = "member")]
    role: &'static str,
}

impl AccountView {
    pub fn new(account: account::Model) -> AccountView {
        AccountView {
            role: role_name(account.role),
            email: account.email,
            firstname: account.first_name,
            lastname: account.last_name,
        }
    }
}

impl View for AccountView {
    const TEMPLATE: &'static str = "account.html.tera";
}

/// `GET /auth/verify`: the account a live session belongs to, as the proxy's headers say.
#[derive(Serialize, ToSchema)]
pub struct AccountVerified {
    account: i64,
    email: String,
    /// `member`, `inviter` or `admin`.
    #[schema(example = "member")]
    role: &'static str,
}

impl AccountVerified {
    pub fn new(account: &account::Model) -> AccountVerified {
        AccountVerified {
            account: account.id,
            email: account.email.clone(),
            role: role_name(account.role),
        }
    }
}
