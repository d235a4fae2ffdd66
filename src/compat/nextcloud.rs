//! Nextcloud's registration APIs: the draft of the registration app's issue #41 (JSON under
//! `/apps/registration/api/1.0`, and `/.well-known/nextcloud/registration`) and the OCS API
//! the app shipped from 2017 to 2020 (`/ocs/v2.php/registration/v1/…`).
//!
//! Both are thin: their field names become a `SignUpForm` (the display name is the first name,
//! the username doorstep's username), the registration handle is their token or secret, and
//! the app password a sign-up asks for is what the client signs in with. Where the originals
//! told a stranger who had signed up (a taken address refused, a pending one reported),
//! doorstep answers every address alike and mails the owner instead.

mod wire;

pub use wire::*;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::accounts::email::Address;
use crate::accounts::policy::{check_name, is_email_domain_allowed};
use crate::accounts::registration::{RegistrationStatus, StatusRead};
use crate::accounts::username::{self, Username};
use crate::accounts::{self, Context, SignUpForm, Terms};
use crate::error::{Error, FieldErrors};
use crate::limits::{self, ClientAddress};

/// Checks the details a client would sign up with, storing nothing: the address's form and
/// domain, the display name, and whether the username is well-formed and free. Whether the
/// address has an account is not looked at (the reply must not say); usernames are public,
/// but their checks count against the same per-client limit as `GET /auth/signup/username`.
pub async fn check_details(
    ctx: &Context,
    details: &Details,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let settings = &ctx.settings;
    if !settings.signup.enabled {
        return Err(Error::SignupDisabled);
    }
    let address = Address::parse(&details.email).map_err(|e| Error::invalid("email", e))?;
    check_name(&details.displayname, settings.signup.names_required)
        .map_err(|e| Error::invalid("firstname", e))?;
    let wanted = wanted_username(ctx, &details.username)?;
    if !is_email_domain_allowed(&settings.signup, address.domain()) {
        return Err(Error::DomainNotAllowed);
    }
    limits::allow_username_check(&ctx.db, client, now).await?;
    if !username::is_available(&ctx.db, &wanted).await? {
        return Err(Error::UsernameTaken);
    }
    Ok(())
}

/// Signs a Nextcloud client up, asking for the app password it will sign in with; returns the
/// registration handle it polls. Every address gets the same reply (`accounts::sign_up_on`: details-first, whatever the flow of doorstep's own form).
pub async fn register(
    ctx: &Context,
    account: NewAccount,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let form = sign_up_form(account, true);
    sign_up(ctx, form, client, now).await
}

/// The one-step proposal: signs up like `register`, but its client gets no handle to poll,
/// so no app password is asked for (nobody could ever collect it).
pub async fn register_in_one_step(
    ctx: &Context,
    one_step: OneStep,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let account = NewAccount {
        username: one_step.username,
        displayname: one_step.name,
        email: one_step.email,
        password: one_step.password,
        captcha: one_step.captcha,
    };
    sign_up(ctx, sign_up_form(account, false), client, now)
        .await
        .map(drop)
}

async fn sign_up(
    ctx: &Context,
    form: SignUpForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    // Nextcloud accounts always have a username, whatever doorstep's own forms allow; a
    // closed sign-up says so first, as it does for every other field.
    if ctx.settings.signup.enabled {
        wanted_username(ctx, &form.username)?;
    }
    let signed_up = accounts::sign_up_on(ctx, form, Terms::default(), client, now).await?;
    signed_up
        .registration
        .ok_or_else(|| Error::internal("nextcloud sign-up", "no registration handle"))
}

fn sign_up_form(account: NewAccount, app_password: bool) -> SignUpForm {
    SignUpForm {
        firstname: account.displayname,
        username: account.username,
        email: account.email,
        password: account.password,
        app_password,
        captcha: account.captcha,
        single_name: true,
        ..SignUpForm::default()
    }
}

/// The username a Nextcloud client asks for: required, well-formed, not reserved.
fn wanted_username(ctx: &Context, typed: &str) -> Result<Username, Error> {
    if typed.trim().is_empty() {
        return Err(Error::invalid("username", "required"));
    }
    Username::parse(typed, &ctx.settings.usernames.reserved)
        .map_err(|e| Error::invalid("username", e))
}

/// A refusal in Nextcloud's terms: the status, the registration app's own wording where it
/// had one, and doorstep's stable code when one of its rules refused.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
    pub code: Option<&'static str>,
    /// For `Retry-After`, when waiting helps (a limit, a busy server).
    pub retry_after: Option<Duration>,
}

impl From<Error> for Refusal {
    /// The draft and the OCS API both answer 400 for a taken username (doorstep's own 409).
    fn from(error: Error) -> Refusal {
        let status = match error {
            Error::UsernameTaken => 400,
            _ => error.status(),
        };
        Refusal {
            status,
            message: message(&error),
            code: Some(error.code()),
            retry_after: error.retry_after(),
        }
    }
}

impl Refusal {
    /// A status that is not an error of the request (the account is not ready yet).
    fn status(status: u16, message: &str) -> Refusal {
        Refusal {
            status,
            message: message.to_owned(),
            code: None,
            retry_after: None,
        }
    }

    /// The draft's body: `{"message": …}`, with `error` when a rule refused.
    pub fn draft(&self) -> Message {
        Message {
            message: self.message.clone(),
            error: self.code,
        }
    }

    /// The OCS envelope of a failure; its `statuscode` is the HTTP status, as in OCS v2.
    pub fn ocs(&self) -> Ocs<OcsFailure> {
        Ocs::failure(self.status, self.message.clone(), self.code)
    }
}

/// The registration app's own wording where it had one, in the order it checked the fields
/// (address, display name, username); doorstep's message otherwise.
fn message(error: &Error) -> String {
    let said = match error {
        Error::InvalidRequest(fields) => field_message(fields),
        Error::UsernameTaken => Some("The username you have chosen already exists."),
        Error::DomainNotAllowed => Some("Your email is not authorized"),
        Error::NotFound => Some("No pending registration."),
        _ => None,
    };
    said.map_or_else(|| error.to_string(), str::to_owned)
}

fn field_message(fields: &FieldErrors) -> Option<&'static str> {
    if fields.contains_key("email") {
        Some("The email address you entered is not valid")
    } else if fields.contains_key("firstname") {
        Some("Please provide a valid display name.")
    } else if fields.contains_key("username") {
        Some("Please provide a valid user name.")
    } else if fields.contains_key("password") {
        Some("Please provide a password.")
    } else {
        None
    }
}

/// How a registration stands, in the draft's terms: FINISHED, or 403 while the account does
/// not exist yet, or 404 once the sign-up has lapsed (the registration app deleted expired
/// registrations, so its clients know this answer).
pub fn draft_status(read: StatusRead) -> Result<Finished, Refusal> {
    match read.status {
        RegistrationStatus::Finished => Ok(Finished::new(read.app_password)),
        RegistrationStatus::PendingConfirmation => Err(Refusal::status(403, CONFIRM_FIRST)),
        RegistrationStatus::PendingApproval => Err(Refusal::status(403, AWAITING_APPROVAL)),
        // Turned away by an admin: the registration is gone, as the app deleted it.
        RegistrationStatus::Expired | RegistrationStatus::Rejected => {
            Err(Refusal::status(404, EXPIRED))
        }
    }
}

/// How a registration stands, in the OCS API's terms. The app password is handed out once,
/// after which the secret is spent and answers 404, as the registration app deleted it;
/// a lapsed sign-up is 404 too.
pub fn ocs_status(read: StatusRead, cloud_url: String) -> Result<OcsStatus, Refusal> {
    let gone = || Refusal::from(Error::NotFound);
    match read.status {
        RegistrationStatus::PendingConfirmation => Ok(OcsStatus::pending()),
        RegistrationStatus::PendingApproval => Ok(OcsStatus::awaiting_approval()),
        RegistrationStatus::Finished => match read.app_password {
            Some(app_password) => Ok(OcsStatus::complete(app_password, cloud_url)),
            None => Err(gone()),
        },
        RegistrationStatus::Expired | RegistrationStatus::Rejected => Err(gone()),
    }
}

#[cfg(test)]
mod tests;
