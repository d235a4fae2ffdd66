//! Forgot password: request a link, open it, choose a new password.

use rocket::State;

use super::Doorstep;
use super::guards::{LinkToken, PasswordResetOpen};
use super::negotiate::{Failed, Input, Reply};
use super::views::{ChoosePassword, PasswordChanged, ResetRequestPage, ResetRequested};
use crate::accounts::password_reset::{self, NewPasswordForm, ResetRequestForm};
use crate::limits::ClientAddress;

/// The request form, or for a link, the page to choose the new password on.
///
/// Opening the link checks it and changes nothing: mail scanners fetch links too.
#[rocket::get("/auth/pwreset")]
pub async fn form(
    app: &State<Doorstep>,
    _open: PasswordResetOpen,
    link: LinkToken,
) -> Result<Reply, Failed> {
    let Some(token) = link.0 else {
        return Ok(Reply::show(ResetRequestPage::new(
            app.settings(),
            &app.accounts.captcha,
        )));
    };
    password_reset::check_reset_link(&app.accounts, &token, app.clock.now())
        .await
        .map_err(Failed::link)?;
    Ok(Reply::show(ChoosePassword::new(app.settings(), token)))
}

/// Asks for a reset link; the reply is the same whether or not the address has an account.
#[rocket::post("/auth/pwreset", data = "<input>")]
pub async fn request(
    app: &State<Doorstep>,
    _open: PasswordResetOpen,
    client: ClientAddress,
    input: Input<ResetRequestForm>,
) -> Result<Reply, Failed> {
    let form = input.0;
    let page = ResetRequestPage::new(app.settings(), &app.accounts.captcha).refill(&form);
    let email = form.email.trim().to_owned();
    password_reset::request_reset(&app.accounts, form, &client, app.clock.now())
        .await
        .map_err(|error| Failed::refill(error, page))?;
    Ok(Reply::show(ResetRequested::new(email)))
}

/// Sets the new password chosen on the link's page.
#[rocket::post("/auth/pwreset/confirm", data = "<input>")]
pub async fn confirm(
    app: &State<Doorstep>,
    _open: PasswordResetOpen,
    input: Input<NewPasswordForm>,
) -> Result<Reply, Failed> {
    let page = ChoosePassword::new(app.settings(), input.0.token.clone());
    let changed = password_reset::reset_password(&app.accounts, input.0, app.clock.now())
        .await
        .map_err(|failed| match failed.url_failure {
            Some(_) => Failed::link(failed),
            None => Failed::refill(failed.error, page),
        })?;
    Ok(Reply::show(PasswordChanged::new(changed)))
}
