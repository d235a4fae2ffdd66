//! Forgot password: request a link, open it, choose a new password.

use rocket::{State, get, post};

use super::Doorstep;
use super::guards::{LinkToken, NewPicture, PasswordResetOpen};
use super::negotiate::{Failed, Input, Reply};
use super::openapi::ResetPageOrChoice;
use super::views::{ChoosePassword, ErrorBody, PasswordChanged, ResetRequestPage, ResetRequested};
use crate::accounts::password_reset::{self, NewPasswordForm, ResetRequestForm};
use crate::limits::ClientAddress;

/// The request form, or for a link, the page to choose the new password on.
///
/// Opening the link checks it and changes nothing: mail scanners fetch links too.
#[utoipa::path(
    tag = "password reset",
    params(("confirm" = Option<String>, Query,
        description = "A reset link's token: checks it (changing nothing) and describes the \
            form to choose the new password on.")),
    responses(
        (status = 200, description = "The request form's description (or page); with \
            `confirm`: the choose-a-password form",
            content((ResetPageOrChoice = "application/json"), (String = "text/html"))),
        (status = 303, description = "With `confirm`, for browsers: a refused link goes to the \
            request's `urlfailure?error=<code>`"),
        (status = 400, description = "`token_invalid`; `invalid_request` for a repeated or \
            misspelt `confirm`", body = ErrorBody),
        (status = 403, description = "`password_reset_disabled`", body = ErrorBody),
        (status = 410, description = "`token_expired`", body = ErrorBody),
    )
)]
#[get("/auth/pwreset")]
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
#[utoipa::path(
    tag = "password reset",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie.",
        content((ResetRequestForm = "application/json"),
            (ResetRequestForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "A link is on its way if the address has an account (the \
            same reply either way)",
            content((ResetRequested = "application/json"), (String = "text/html"))),
        (status = 400, description = "`invalid_request`, `captcha_required`, `captcha_invalid`, \
            `redirect_not_allowed`, `weak_password` (two-step)", body = ErrorBody),
        (status = 403, description = "`password_reset_disabled`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    )
)]
#[post("/auth/pwreset", data = "<input>")]
pub async fn request(
    app: &State<Doorstep>,
    _open: PasswordResetOpen,
    client: ClientAddress,
    picture: NewPicture,
    input: Input<ResetRequestForm>,
) -> Result<Reply, Failed> {
    let form = input.0;
    let page = ResetRequestPage::new(app.settings(), &app.accounts.captcha).refill(&form);
    if picture.0 {
        return Ok(Reply::show(page));
    }
    let email = form.email.trim().to_owned();
    password_reset::request_reset(&app.accounts, form, &client, app.clock.now())
        .await
        .map_err(|error| Failed::refill(error, page))?;
    Ok(Reply::show(ResetRequested::new(app.settings(), email)))
}

/// Sets the new password chosen on the link's page, or on the "check your mail" page with the
/// mailed code.
#[utoipa::path(
    tag = "password reset",
    request_body(content((NewPasswordForm = "application/json"),
        (NewPasswordForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The new password is set; every session of the account ends",
            content((PasswordChanged = "application/json"), (String = "text/html"))),
        (status = 303, description = "Browsers: on to the request's `urlsuccess`, or \
            `urlfailure?error=<code>`"),
        (status = 400, description = "`invalid_request`, `weak_password`, `token_invalid`; \
            `code_invalid` with `attempts_left` (the same for every address)",
            body = ErrorBody),
        (status = 403, description = "`password_reset_disabled`", body = ErrorBody),
        (status = 410, description = "`token_expired`", body = ErrorBody),
    )
)]
#[post("/auth/pwreset/confirm", data = "<input>")]
pub async fn confirm(
    app: &State<Doorstep>,
    _open: PasswordResetOpen,
    input: Input<NewPasswordForm>,
) -> Result<Reply, Failed> {
    let form = input.0;
    let by_code = form.uses_code();
    let page = ChoosePassword::new(app.settings(), form.token.clone());
    let sent_page = ResetRequested::new(app.settings(), form.email.clone());
    let changed = password_reset::reset_password(&app.accounts, form, app.clock.now())
        .await
        .map_err(|failed| match failed.url_failure {
            Some(_) => Failed::link(failed),
            None if by_code => Failed::refill(failed.error, sent_page),
            None => Failed::refill(failed.error, page),
        })?;
    Ok(Reply::show(PasswordChanged::new(changed)))
}
