//! Sign-up's replies.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{View, insert};
use crate::accounts::registration::RegistrationStatus;
use crate::accounts::{Confirmed, SignUpForm, SignedUp};
use crate::captcha::Captchas;
use crate::config::Settings;

/// `GET /auth/signup`: what a front-end needs to build its own sign-up form.
#[derive(Serialize, ToSchema)]
pub struct SignUpPage {
    fields: [&'static str; 6],
    /// Whether `firstname` and `lastname` must be given (`doorstep.auth.signup.names`).
    names_required: bool,
    password: PasswordLimits,
    /// Allowed domains, `[]` for any (or when the list is not public).
    whitelist: Vec<String>,
    /// Which captchas the form needs: `remote` (provider and site key) and/or `image`.
    #[schema(value_type = Object)]
    captcha: Value,
    #[serde(skip)]
    values: Option<SignUpValues>,
}

/// The fields `POST /auth/signup` takes (beside the captcha's), and whether each is required
/// (the names as `doorstep.auth.signup.names` says): the form's description, the page and the
/// discovery document all list them from here.
pub(super) fn signup_fields(settings: &Settings) -> [(&'static str, bool); 6] {
    let names = settings.signup.names_required;
    [
        ("firstname", names),
        ("lastname", names),
        ("email", true),
        ("password", true),
        ("urlsuccess", false),
        ("urlfailure", false),
    ]
}

#[derive(Serialize, ToSchema)]
pub(super) struct PasswordLimits {
    min_length: usize,
    max_length: usize,
}

impl PasswordLimits {
    pub(super) fn of(settings: &Settings) -> PasswordLimits {
        PasswordLimits {
            min_length: settings.password.min_length,
            max_length: settings.password.max_length,
        }
    }
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
            fields: signup_fields(settings).map(|(name, _)| name),
            names_required: settings.signup.names_required,
            password: PasswordLimits::of(settings),
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
    const TEMPLATE: &'static str = "signup.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        if let Some(values) = &self.values {
            insert(page, "values", values);
        }
    }
}

/// `POST /auth/signup`: the confirmation mail is on its way (said whether or not the address
/// already has an account).
#[derive(Serialize, ToSchema)]
pub struct ConfirmationSent {
    status: &'static str,
    /// A sign-up's handle: poll `GET /auth/signup/status/{registration}` for the outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    registration: Option<String>,
    #[serde(skip)]
    email: String,
}

impl ConfirmationSent {
    pub fn new(signed_up: SignedUp) -> ConfirmationSent {
        ConfirmationSent {
            status: "confirmation_sent",
            registration: signed_up.registration,
            email: signed_up.email,
        }
    }
}

/// `GET /auth/signup/status/{registration}`: how the sign-up stands.
#[derive(Serialize, ToSchema)]
pub struct RegistrationView {
    status: RegistrationStatus,
}

impl RegistrationView {
    pub fn new(status: RegistrationStatus) -> RegistrationView {
        RegistrationView { status }
    }
}

impl View for ConfirmationSent {
    const TEMPLATE: &'static str = "signup_sent.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "email", &self.email);
    }
}

/// The page a confirmation link opens: its button confirms (browsers only).
#[derive(Serialize, ToSchema)]
pub struct ConfirmPage {
    token: String,
}

impl ConfirmPage {
    pub fn new(token: String) -> ConfirmPage {
        ConfirmPage { token }
    }
}

impl View for ConfirmPage {
    const TEMPLATE: &'static str = "confirm.html.tera";
}

/// A confirmed address: the account exists (`confirmed`), or waits for an admin's approval
/// (`pending_approval`).
#[derive(Serialize, ToSchema)]
pub struct AccountCreated {
    #[schema(example = "confirmed")]
    status: &'static str,
    /// The caller's `urlsuccess`, when the sign-up named one: browsers are sent there. Not
    /// while the account waits for approval: then doorstep's own page says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect: Option<String>,
    #[serde(skip)]
    confirmed: Confirmed,
}

impl AccountCreated {
    pub fn new(confirmed: Confirmed) -> AccountCreated {
        let waiting = confirmed.awaiting_approval;
        AccountCreated {
            status: if waiting {
                "pending_approval"
            } else {
                "confirmed"
            },
            redirect: confirmed
                .url_success
                .as_ref()
                .filter(|_| !waiting)
                .map(ToString::to_string),
            confirmed,
        }
    }
}

impl View for AccountCreated {
    const TEMPLATE: &'static str = "confirmed.html.tera";

    fn browsers_go_to(&self) -> Option<String> {
        self.redirect.clone()
    }

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "email", &self.confirmed.email);
        insert(page, "first_name", &self.confirmed.first_name);
    }
}
