//! Every reply body, as a type: programs get it as JSON, and browsers see its template filled
//! with the same values plus what only a page shows. The JSON contract is written down here.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::accounts::password_reset::ResetRequestForm;
use crate::accounts::session::SignInForm;
use crate::accounts::{Confirmed, SignUpForm};
use crate::captcha::Captchas;
use crate::config::Settings;
use crate::entities::account;

/// A reply body with the template that shows it to people.
pub trait View: Serialize {
    const TEMPLATE: &'static str;

    /// Adds what only the page shows, never sent to programs (an address just used, a link's
    /// token, the values of a form shown again).
    fn page_only(&self, _page: &mut Map<String, Value>) {}
}

/// `GET /auth/signup`: what a front-end needs to build its own sign-up form.
#[derive(Serialize)]
pub struct SignUpPage {
    fields: [&'static str; 6],
    password: PasswordLimits,
    /// Allowed domains, `[]` for any (or when the list is not public).
    whitelist: Vec<String>,
    captcha: Value,
    #[serde(skip)]
    values: Option<SignUpValues>,
}

#[derive(Serialize)]
struct PasswordLimits {
    min_length: usize,
    max_length: usize,
}

/// What a refused sign-up form is shown again with: everything but the password.
#[derive(Serialize)]
struct SignUpValues {
    firstname: String,
    lastname: String,
    email: String,
    urlsuccess: String,
    urlfailure: String,
}

impl SignUpPage {
    pub fn new(settings: &Settings, captcha: &Captchas) -> SignUpPage {
        let signup = &settings.signup;
        SignUpPage {
            fields: [
                "firstname",
                "lastname",
                "email",
                "password",
                "urlsuccess",
                "urlfailure",
            ],
            password: PasswordLimits {
                min_length: settings.password.min_length,
                max_length: settings.password.max_length,
            },
            whitelist: if signup.whitelist_public {
                signup.whitelist.clone()
            } else {
                Vec::new()
            },
            captcha: captcha.widget(),
            values: None,
        }
    }

    /// The form again, with what was sent.
    pub fn refill(mut self, form: &SignUpForm) -> SignUpPage {
        self.values = Some(SignUpValues {
            firstname: form.firstname.clone(),
            lastname: form.lastname.clone(),
            email: form.email.clone(),
            urlsuccess: form.urlsuccess.clone(),
            urlfailure: form.urlfailure.clone(),
        });
        self
    }
}

impl View for SignUpPage {
    const TEMPLATE: &'static str = "signup";

    fn page_only(&self, page: &mut Map<String, Value>) {
        if let Some(values) = &self.values {
            insert(page, "values", values);
        }
    }
}

/// `POST /auth/signup`: the confirmation mail is on its way (said whether or not the address
/// already has an account).
#[derive(Serialize)]
pub struct ConfirmationSent {
    status: &'static str,
    #[serde(skip)]
    email: String,
}

impl ConfirmationSent {
    pub fn new(email: String) -> ConfirmationSent {
        ConfirmationSent {
            status: "confirmation_sent",
            email,
        }
    }
}

impl View for ConfirmationSent {
    const TEMPLATE: &'static str = "signup_sent";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "email", &self.email);
    }
}

/// The page a confirmation link opens: its button confirms (browsers only).
#[derive(Serialize)]
pub struct ConfirmPage {
    token: String,
}

impl ConfirmPage {
    pub fn new(token: String) -> ConfirmPage {
        ConfirmPage { token }
    }
}

impl View for ConfirmPage {
    const TEMPLATE: &'static str = "confirm";
}

/// A confirmed address: the account exists.
#[derive(Serialize)]
pub struct AccountCreated {
    status: &'static str,
    #[serde(skip)]
    confirmed: Confirmed,
}

impl AccountCreated {
    pub fn new(confirmed: Confirmed) -> AccountCreated {
        AccountCreated {
            status: "confirmed",
            confirmed,
        }
    }
}

impl View for AccountCreated {
    const TEMPLATE: &'static str = "confirmed";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "email", &self.confirmed.email);
        insert(page, "first_name", &self.confirmed.first_name);
    }
}

/// `GET /auth/pwreset`: the reset request form.
#[derive(Serialize)]
pub struct ResetRequestPage {
    two_step: bool,
    captcha: Value,
    #[serde(skip)]
    values: Option<ResetRequestValues>,
}

#[derive(Serialize)]
struct ResetRequestValues {
    email: String,
    urlsuccess: String,
    urlfailure: String,
}

impl ResetRequestPage {
    pub fn new(settings: &Settings, captcha: &Captchas) -> ResetRequestPage {
        ResetRequestPage {
            two_step: settings.reset.two_step,
            captcha: captcha.widget(),
            values: None,
        }
    }

    /// The form again, with what was sent (never the password).
    pub fn refill(mut self, form: &ResetRequestForm) -> ResetRequestPage {
        self.values = Some(ResetRequestValues {
            email: form.email.trim().to_owned(),
            urlsuccess: form.urlsuccess.clone(),
            urlfailure: form.urlfailure.clone(),
        });
        self
    }
}

impl View for ResetRequestPage {
    const TEMPLATE: &'static str = "pwreset";

    fn page_only(&self, page: &mut Map<String, Value>) {
        if let Some(values) = &self.values {
            insert(page, "values", values);
        }
    }
}

/// `POST /auth/pwreset`: the same reply whether or not the address has an account.
#[derive(Serialize)]
pub struct ResetRequested {
    status: &'static str,
    #[serde(skip)]
    email: String,
}

impl ResetRequested {
    pub fn new(email: String) -> ResetRequested {
        ResetRequested {
            status: "reset_requested",
            email,
        }
    }
}

impl View for ResetRequested {
    const TEMPLATE: &'static str = "pwreset_sent";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "email", &self.email);
    }
}

/// A reset link that works: the page to choose the new password on.
#[derive(Serialize)]
pub struct ChoosePassword {
    status: &'static str,
    two_step: bool,
    #[serde(skip)]
    token: String,
}

impl ChoosePassword {
    pub fn new(settings: &Settings, token: String) -> ChoosePassword {
        ChoosePassword {
            status: "token_valid",
            two_step: settings.reset.two_step,
            token,
        }
    }
}

impl View for ChoosePassword {
    const TEMPLATE: &'static str = "pwreset_choose";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "token", &self.token);
    }
}

/// The new password is set.
#[derive(Serialize)]
pub struct PasswordChanged {
    status: &'static str,
    #[serde(skip)]
    email: String,
}

impl PasswordChanged {
    pub fn new(email: String) -> PasswordChanged {
        PasswordChanged {
            status: "password_changed",
            email,
        }
    }
}

impl View for PasswordChanged {
    const TEMPLATE: &'static str = "pwreset_done";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "email", &self.email);
    }
}

/// `GET /auth/login`: the sign-in form.
#[derive(Serialize)]
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
    const TEMPLATE: &'static str = "login";

    fn page_only(&self, page: &mut Map<String, Value>) {
        if let Some(values) = &self.values {
            insert(page, "values", values);
        }
    }
}

/// `POST /auth/login`: signed in (browsers are sent on instead).
#[derive(Serialize)]
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
    const TEMPLATE: &'static str = "account";
}

/// `POST /auth/logout`: signed out (browsers are sent to the sign-in page instead).
#[derive(Serialize)]
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
    const TEMPLATE: &'static str = "login";
}

/// `GET /auth/me`: the signed-in account.
#[derive(Serialize)]
pub struct AccountView {
    email: String,
    firstname: String,
    lastname: String,
}

impl AccountView {
    pub fn new(account: account::Model) -> AccountView {
        AccountView {
            email: account.email,
            firstname: account.first_name,
            lastname: account.last_name,
        }
    }
}

impl View for AccountView {
    const TEMPLATE: &'static str = "account";
}

/// `GET /healthz`.
#[derive(Serialize)]
pub struct Health {
    status: &'static str,
}

impl Health {
    pub fn ok() -> Health {
        Health { status: "ok" }
    }
}

/// `GET /auth/captcha`: a picture challenge and where its PNG is.
#[derive(Serialize)]
pub struct PictureChallenge {
    pub id: String,
    pub image: String,
}

fn insert(page: &mut Map<String, Value>, key: &str, value: &impl Serialize) {
    page.insert(key.to_owned(), json!(value));
}
