//! Sign-up, confirmation and the domain whitelist, for browsers and front-ends alike.

use rocket::serde::json::Json;
use rocket::{State, get, post};
use serde::Deserialize;

use super::Doorstep;
use super::guards::{LinkToken, OpeningConfirms, SignupOpen};
use super::negotiate::{Failed, Input, Reply};
use super::openapi::SignUpPageOrAccount;
use super::views::{
    AccountCreated, ConfirmPage, ConfirmationSent, ErrorBody, RegistrationView, SignUpPage,
};
use crate::accounts::registration;
use crate::accounts::resend::{ResendForm, resend_confirmation};
use crate::accounts::{self, SignUpForm};
use crate::error::Error;
use crate::limits::{self, ClientAddress};

/// The sign-up form; with `confirm`, the confirmation link's page.
///
/// Mail scanners fetch links, so for browsers opening a link only shows a page whose button
/// confirms (unless the operator set `confirm.on-get`); JSON clients confirm by opening it.
#[utoipa::path(
    tag = "sign-up",
    params(("confirm" = Option<String>, Query,
        description = "A confirmation link's token: JSON clients (and browsers when \
            `confirm.on-get` is on) confirm by opening it; other browsers get a page whose \
            button confirms.")),
    responses(
        (status = 200, description = "The form's description for front-ends (or the form page); \
            with `confirm`: the confirmed account (or the confirm page)",
            content((SignUpPageOrAccount = "application/json"), (String = "text/html"))),
        (status = 303, description = "With `confirm`, for browsers: on to the sign-up's \
            `urlsuccess` or `urlfailure?error=<code>`"),
        (status = 400, description = "`token_invalid`; `invalid_request` for a repeated or \
            misspelt `confirm`", body = ErrorBody),
        (status = 403, description = "`signup_disabled`", body = ErrorBody),
        (status = 410, description = "`token_expired`", body = ErrorBody),
    )
)]
#[get("/auth/signup")]
pub async fn form(
    app: &State<Doorstep>,
    _open: SignupOpen,
    opening: OpeningConfirms,
    link: LinkToken,
) -> Result<Reply, Failed> {
    match link.0 {
        Some(token) if opening.0 => confirm_email(app, &token).await,
        Some(token) => Ok(Reply::show(ConfirmPage::new(token))),
        None => Ok(Reply::show(SignUpPage::new(
            app.settings(),
            &app.accounts.captcha,
        ))),
    }
}

/// Starts a sign-up; the reply is the same whether or not the address has an account.
#[utoipa::path(
    tag = "sign-up",
    request_body(description = "Forms also send `csrf_token` (from the page) with the \
        `doorstep_csrf` cookie; JSON needs neither.",
        content((SignUpForm = "application/json"),
            (SignUpForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The confirmation mail is on its way (said whether or not \
            the address has an account)",
            content((ConfirmationSent = "application/json"), (String = "text/html"))),
        (status = 400, description = "`invalid_request`, `weak_password`, `captcha_required`, \
            `captcha_invalid`, `redirect_not_allowed`", body = ErrorBody),
        (status = 403, description = "`signup_disabled`, `domain_not_allowed`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    )
)]
#[post("/auth/signup", data = "<input>")]
pub async fn sign_up(
    app: &State<Doorstep>,
    _open: SignupOpen,
    client: ClientAddress,
    input: Input<SignUpForm>,
) -> Result<Reply, Failed> {
    let form = input.0;
    let page = SignUpPage::new(app.settings(), &app.accounts.captcha).refill(&form);
    let signed_up = accounts::sign_up(&app.accounts, form, &client, app.clock.now())
        .await
        .map_err(|error| Failed::refill(error, page))?;
    Ok(Reply::show(ConfirmationSent::new(signed_up)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ConfirmForm {
    /// The confirmation link's `confirm` value.
    #[schema(required = true)]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub token: String,
}

/// The confirm button's target.
#[utoipa::path(
    tag = "sign-up",
    request_body(content((ConfirmForm = "application/json"),
        (ConfirmForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The account exists (also for a link used before): \
            `status` is `confirmed`, or `pending_approval` while it waits for an admin",
            content((AccountCreated = "application/json"), (String = "text/html"))),
        (status = 303, description = "Browsers: on to the sign-up's `urlsuccess`, or \
            `urlfailure?error=<code>`"),
        (status = 400, description = "`token_invalid`", body = ErrorBody),
        (status = 403, description = "`signup_disabled`", body = ErrorBody),
        (status = 410, description = "`token_expired`", body = ErrorBody),
    )
)]
#[post("/auth/signup/confirm", data = "<input>")]
pub async fn confirm(
    app: &State<Doorstep>,
    _open: SignupOpen,
    input: Input<ConfirmForm>,
) -> Result<Reply, Failed> {
    confirm_email(app, &input.0.token).await
}

/// Mails the confirmation again, with a fresh link, when the address has a sign-up waiting;
/// the reply is the same for every address.
#[utoipa::path(
    tag = "sign-up",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie.",
        content((ResendForm = "application/json"),
            (ResendForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "A new mail is on its way if a sign-up waits for the \
            address (the same reply either way); earlier links keep working",
            content((ConfirmationSent = "application/json"), (String = "text/html"))),
        (status = 400, description = "`invalid_request`", body = ErrorBody),
        (status = 403, description = "`signup_disabled`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    )
)]
#[post("/auth/signup/resend", data = "<input>")]
pub async fn resend(
    app: &State<Doorstep>,
    _open: SignupOpen,
    client: ClientAddress,
    input: Input<ResendForm>,
) -> Result<Reply, Failed> {
    let resent = resend_confirmation(&app.accounts, input.0, &client, app.clock.now()).await?;
    Ok(Reply::show(ConfirmationSent::new(resent)))
}

/// How the sign-up behind a registration handle stands, for the client that started it.
#[utoipa::path(
    tag = "sign-up",
    params(("registration" = String, Path, description = "The `registration` of a sign-up's reply")),
    responses(
        (status = 200, description = "`pending_confirmation`, `pending_approval` (confirmed, \
            waiting for an admin), `finished` (the account exists and may sign in), `rejected` \
            (an admin turned it away) or `expired`", body = RegistrationView),
        (status = 404, description = "`not_found`: no such handle (or forgotten a week after \
            it expired)", body = ErrorBody),
        (status = 429, description = "`rate_limited`: over 60 reads a minute from one client, \
            with `Retry-After`", body = ErrorBody),
    )
)]
#[get("/auth/signup/status/<registration>")]
pub async fn status(
    app: &State<Doorstep>,
    client: ClientAddress,
    registration: &str,
) -> Result<Json<RegistrationView>, Failed> {
    let now = app.clock.now();
    limits::allow_status_poll(&app.accounts.db, &client, now).await?;
    let status = registration::status_of(&app.accounts.db, registration, now).await?;
    Ok(Json(RegistrationView::new(status)))
}

/// The domains that may sign up; `[]` means any.
#[utoipa::path(
    tag = "sign-up",
    responses(
        (status = 200, description = "The domains that may sign up; `[]` means any",
            body = Vec<String>, example = json!(["example.com", "example.org"])),
        (status = 403, description = "`signup_disabled`", body = ErrorBody),
        (status = 404, description = "`not_found`: the list is not public", body = ErrorBody),
    )
)]
#[get("/auth/signup/whitelist")]
pub fn whitelist(app: &State<Doorstep>, _open: SignupOpen) -> Result<Json<Vec<String>>, Failed> {
    let signup = &app.settings().signup;
    if !signup.whitelist_public {
        return Err(Error::NotFound.into());
    }
    Ok(Json(signup.whitelist.clone()))
}

/// Creates the account, then on to the caller's `urlsuccess` or the success page.
async fn confirm_email(app: &Doorstep, token: &str) -> Result<Reply, Failed> {
    let confirmed = accounts::confirm_email(&app.accounts, token, app.clock.now())
        .await
        .map_err(Failed::link)?;
    Ok(Reply::show(AccountCreated::new(confirmed)))
}
