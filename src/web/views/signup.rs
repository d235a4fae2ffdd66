//! Sign-up's replies.

use chrono::SecondsFormat;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{View, insert};
use crate::accounts::registration::{RegistrationStatus, StatusRead};
use crate::accounts::username;
use crate::accounts::{Confirmed, SignUpForm, SignedUp};
use crate::captcha::Captchas;
use crate::config::{Settings, SignupFlow, UsernameMode};
use crate::entities::invitation;

/// `GET /auth/signup`: what a front-end needs to build its own sign-up form.
#[derive(Serialize, ToSchema)]
pub struct SignUpPage {
    /// `details-first` or `email-first` (`doorstep.auth.signup.flow`): whether `fields` holds
    /// the person's details or only the address.
    #[schema(example = "details-first")]
    flow: &'static str,
    fields: Vec<&'static str>,
    /// Whether `firstname` and `lastname` must be given (`doorstep.auth.signup.names`).
    names_required: bool,
    username: UsernameRules,
    password: PasswordLimits,
    /// Allowed domains, `[]` for any (or when the list is not public).
    whitelist: Vec<String>,
    /// Which captchas the form needs: `remote` (provider and site key) and/or `image`.
    #[schema(value_type = Object)]
    captcha: Value,
    /// With `invitation`: the invitation the form completes. The address is fixed to the
    /// invited one; the names are offered; no captcha and no confirmation mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    invitation: Option<InvitationOffer>,
    /// Invite-only: the page asks for a registration token.
    #[serde(skip)]
    invite_only: bool,
    #[serde(skip)]
    values: Option<SignUpValues>,
}

/// The invitation an invitation link's form completes.
#[derive(Serialize, ToSchema)]
pub(super) struct InvitationOffer {
    /// The invited address: the account's, whatever the form sends.
    #[schema(example = "grace@example.com")]
    email: String,
    firstname: String,
    lastname: String,
    /// When the link stops working (RFC 3339, UTC).
    expires_at: String,
    /// The link's token, sent back as `invitation` (the page's hidden field).
    #[serde(skip)]
    token: String,
}

/// The fields `POST /auth/signup` takes (beside the captcha's), and whether each is required
/// (the names as `doorstep.auth.signup.names` says, the username as `doorstep.auth.username`
/// does): the form's description, the page and the discovery document all list them from here.
/// `app_password` while app passwords are on.
/// In email-first mode (`doorstep.auth.signup.flow`), sign-up takes the address alone and the
/// details come with `POST /auth/signup/complete` (see [`detail_fields`]).
pub(super) fn signup_fields(settings: &Settings) -> Vec<(&'static str, bool)> {
    let email_first = settings.signup.flow.is_email_first();
    let mut fields = Vec::new();
    if !email_first {
        let details = detail_fields(settings);
        fields.extend(details.into_iter().filter(|&(name, _)| name != "password"));
    }
    fields.push(("email", true));
    if !email_first {
        fields.push(("password", true));
    }
    fields.extend([("urlsuccess", false), ("urlfailure", false)]);
    if settings.app_passwords {
        fields.push(("app_password", false));
    }
    if settings.signup.invite_only {
        fields.push(("registration_token", true));
    }
    fields
}

/// The person's details, and whether each is required: what details-first sign-up takes
/// beside the address, and what `POST /auth/signup/complete` takes in email-first mode.
pub(super) fn detail_fields(settings: &Settings) -> Vec<(&'static str, bool)> {
    let names = settings.signup.names_required;
    let username = settings.usernames.mode;
    let mut fields = vec![("firstname", names), ("lastname", names)];
    if username.is_on() {
        fields.push(("username", username == UsernameMode::Required));
    }
    fields.push(("password", true));
    fields
}

/// Whether sign-up takes a username, and its rule, so a front-end can check one as it is typed.
#[derive(Serialize, ToSchema)]
pub(super) struct UsernameRules {
    /// `off`, `optional` or `required` (`doorstep.auth.username`).
    #[schema(example = "optional")]
    mode: &'static str,
    min_length: usize,
    max_length: usize,
    /// The rule as a regular expression; compared lower-cased, and reserved names are refused.
    #[schema(example = "^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$")]
    pattern: &'static str,
}

impl UsernameRules {
    pub(super) fn of(settings: &Settings) -> UsernameRules {
        UsernameRules {
            mode: settings.usernames.mode.name(),
            min_length: username::MIN_LENGTH,
            max_length: username::MAX_LENGTH,
            pattern: username::PATTERN,
        }
    }
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
    username: String,
    email: String,
    urlsuccess: String,
    urlfailure: String,
    /// The person's own token, kept so a refused form need not be typed again.
    registration_token: String,
}

impl SignUpPage {
    pub fn new(settings: &Settings, captcha: &Captchas) -> SignUpPage {
        let signup = &settings.signup;
        SignUpPage {
            flow: signup.flow.name(),
            fields: signup_fields(settings)
                .into_iter()
                .map(|(name, _)| name)
                .collect(),
            names_required: settings.signup.names_required,
            username: UsernameRules::of(settings),
            password: PasswordLimits::of(settings),
            whitelist: if signup.whitelist_public {
                signup.whitelist.clone()
            } else {
                Vec::new()
            },
            captcha: captcha.widget(),
            invitation: None,
            invite_only: signup.invite_only,
            values: None,
        }
    }

    /// The form of an invitation link: the details of a details-first sign-up, for the
    /// invited address, with `invitation` to send back.
    pub fn invited(
        mut self,
        settings: &Settings,
        row: &invitation::Model,
        token: &str,
    ) -> SignUpPage {
        self.flow = SignupFlow::DetailsFirst.name();
        self.fields = detail_fields(settings)
            .into_iter()
            .map(|(name, _)| name)
            .chain(["invitation"])
            .collect();
        self.captcha = Value::Object(Map::new());
        self.invitation = Some(InvitationOffer {
            email: row.email.clone(),
            firstname: row.first_name.clone(),
            lastname: row.last_name.clone(),
            expires_at: super::time(row.expires_at),
            token: token.to_owned(),
        });
        self
    }

    /// The form again, with what was sent.
    pub fn refill(mut self, form: &SignUpForm) -> SignUpPage {
        self.values = Some(SignUpValues {
            firstname: form.firstname.clone(),
            lastname: form.lastname.clone(),
            username: form.username.clone(),
            email: form.email.clone(),
            urlsuccess: form.urlsuccess.clone(),
            urlfailure: form.urlfailure.clone(),
            registration_token: form.registration_token.clone(),
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
        if let Some(invitation) = &self.invitation {
            insert(page, "invitation_token", &invitation.token);
        }
        insert(page, "invite_only", &self.invite_only);
    }
}

/// `POST /auth/signup`: the confirmation mail is on its way (said whether or not the address
/// already has an account).
#[derive(Serialize, ToSchema)]
pub struct ConfirmationSent {
    // The pattern keeps this reply apart from `AccountCreated` where a route may give either.
    #[schema(pattern = "^confirmation_sent$", example = "confirmation_sent")]
    status: &'static str,
    /// A sign-up's handle: poll `GET /auth/signup/status/{registration}` for the outcome, and
    /// send it with `login: true` when confirming to be signed in.
    #[serde(skip_serializing_if = "Option::is_none")]
    registration: Option<String>,
    #[serde(skip)]
    email: String,
    /// The digits of the mail's code, for the page's code field; none when codes are off.
    #[serde(skip)]
    code_length: Option<usize>,
    /// Email-first: the page's code form leads to the details form.
    #[serde(skip)]
    email_first: bool,
}

impl ConfirmationSent {
    pub fn new(settings: &Settings, signed_up: SignedUp) -> ConfirmationSent {
        ConfirmationSent {
            status: "confirmation_sent",
            registration: signed_up.registration,
            email: signed_up.email,
            code_length: settings.codes.enabled.then_some(settings.codes.length),
            email_first: settings.signup.flow.is_email_first(),
        }
    }

    /// The page again after a refused code, for the address typed.
    pub fn again(settings: &Settings, email: &str) -> ConfirmationSent {
        let signed_up = SignedUp {
            email: email.trim().to_owned(),
            registration: None,
        };
        ConfirmationSent::new(settings, signed_up)
    }
}

/// `GET /auth/signup/status/{registration}`: how the sign-up stands.
#[derive(Serialize, ToSchema)]
pub struct RegistrationView {
    status: RegistrationStatus,
    /// The app password the sign-up asked for (`"app_password": true`): on the first read
    /// that says `finished`, and never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "dsap_Zm9v…")]
    app_password: Option<String>,
}

impl RegistrationView {
    pub fn new(read: StatusRead) -> RegistrationView {
        RegistrationView {
            status: read.status,
            app_password: read.app_password,
        }
    }
}

impl View for ConfirmationSent {
    const TEMPLATE: &'static str = "signup_sent.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "email", &self.email);
        insert(page, "email_first", &self.email_first);
        if let Some(length) = self.code_length {
            insert(page, "code_length", &length);
        }
    }
}

/// The page a confirmation link opens: its button confirms (browsers only).
#[derive(Serialize, ToSchema)]
pub struct ConfirmPage {
    token: String,
    #[serde(skip)]
    choosing: Option<String>,
}

impl ConfirmPage {
    pub fn new(token: String) -> ConfirmPage {
        ConfirmPage {
            token,
            choosing: None,
        }
    }

    /// The page again with a username field, after the sign-up's username was taken (or the
    /// one typed here would not do), showing what was typed.
    pub fn choosing_username(mut self, typed: Option<&str>) -> ConfirmPage {
        self.choosing = Some(typed.unwrap_or_default().to_owned());
        self
    }
}

impl View for ConfirmPage {
    const TEMPLATE: &'static str = "confirm.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        if let Some(typed) = &self.choosing {
            insert(page, "choose_username", &true);
            insert(page, "username", typed);
        }
    }
}

/// `GET /auth/signup/username`: whether an account could take the username now.
#[derive(Serialize, ToSchema)]
pub struct UsernameAvailability {
    /// The username as asked about.
    #[schema(example = "ada")]
    username: String,
    available: bool,
}

impl UsernameAvailability {
    pub fn new(username: &str, available: bool) -> UsernameAvailability {
        UsernameAvailability {
            username: username.to_owned(),
            available,
        }
    }
}

/// A confirmed address: the account exists (`confirmed`), or waits for an admin's approval
/// (`pending_approval`).
#[derive(Serialize, ToSchema)]
pub struct AccountCreated {
    #[schema(pattern = "^(confirmed|pending_approval)$", example = "confirmed")]
    status: &'static str,
    /// The caller's `urlsuccess`, when the sign-up named one: browsers are sent there. Not
    /// while the account waits for approval: then doorstep's own page says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect: Option<String>,
    /// Signed in (asked with `login: true` or `doorstep.auth.signup.login-on-confirm`, by the
    /// client that started the sign-up): the session's secret, also set as the session cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    /// When the session of `token` ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime, example = "2026-12-18T12:00:00Z")]
    expires_at: Option<String>,
    #[serde(skip)]
    email: String,
    #[serde(skip)]
    first_name: String,
}

impl AccountCreated {
    pub fn new(confirmed: Confirmed) -> AccountCreated {
        let waiting = confirmed.awaiting_approval;
        // Nothing is signed in while the account waits (see `accounts::confirm`).
        let (token, expires_at) = match confirmed.session {
            Some(session) => (
                Some(session.secret),
                Some(
                    session
                        .expires_at
                        .to_rfc3339_opts(SecondsFormat::Secs, true),
                ),
            ),
            None => (None, None),
        };
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
            token,
            expires_at,
            email: confirmed.email,
            first_name: confirmed.first_name,
        }
    }
}

impl View for AccountCreated {
    const TEMPLATE: &'static str = "confirmed.html.tera";

    fn browsers_go_to(&self) -> Option<String> {
        self.redirect.clone()
    }

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(page, "email", &self.email);
        insert(page, "first_name", &self.first_name);
    }
}
