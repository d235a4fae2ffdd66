//! Password reset's replies.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{View, insert};
use crate::accounts::password_reset::{self, ResetRequestForm};
use crate::captcha::Captchas;
use crate::config::Settings;

/// `GET /auth/pwreset`: the reset request form.
#[derive(Serialize, ToSchema)]
pub struct ResetRequestPage {
    two_step: bool,
    /// Which captchas the form needs: `remote` (provider and site key) and/or `image`.
    #[schema(value_type = Object)]
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
    const TEMPLATE: &'static str = "pwreset.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        if let Some(values) = &self.values {
            insert(page, "values", values);
        }
    }
}

/// `POST /auth/pwreset`: the same reply whether or not the address has an account.
#[derive(Serialize, ToSchema)]
pub struct ResetRequested {
    status: &'static str,
    #[serde(skip)]
    email: String,
    /// The digits of the mail's code, for the page's code form; none when codes are off.
    #[serde(skip)]
    code_length: Option<usize>,
    #[serde(skip)]
    two_step: bool,
    #[serde(skip)]
    min_length: usize,
}

impl ResetRequested {
    /// Also the page again after a refused code, for the address typed.
    pub fn new(settings: &Settings, email: String) -> ResetRequested {
        ResetRequested {
            status: "reset_requested",
            email: email.trim().to_owned(),
            code_length: settings.codes.enabled.then_some(settings.codes.length),
            two_step: settings.reset.two_step,
            min_length: settings.password.min_length,
        }
    }
}

impl View for ResetRequested {
    const TEMPLATE: &'static str = "pwreset_sent.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "email", &self.email);
        if let Some(length) = self.code_length {
            insert(page, "code_length", &length);
            insert(page, "two_step", &self.two_step);
            insert(page, "min_length", &self.min_length);
        }
    }
}

/// A reset link that works: the page to choose the new password on.
#[derive(Serialize, ToSchema)]
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
    const TEMPLATE: &'static str = "pwreset_choose.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "token", &self.token);
    }
}

/// The new password is set.
#[derive(Serialize, ToSchema)]
pub struct PasswordChanged {
    status: &'static str,
    /// The caller's `urlsuccess`, when the request named one: browsers are sent there.
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect: Option<String>,
    #[serde(skip)]
    email: String,
}

impl PasswordChanged {
    pub fn new(changed: password_reset::PasswordChanged) -> PasswordChanged {
        PasswordChanged {
            status: "password_changed",
            redirect: changed.url_success.as_ref().map(ToString::to_string),
            email: changed.email,
        }
    }
}

impl View for PasswordChanged {
    const TEMPLATE: &'static str = "pwreset_done.html.tera";

    fn browsers_go_to(&self) -> Option<String> {
        self.redirect.clone()
    }

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "email", &self.email);
    }
}
