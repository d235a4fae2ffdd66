//! Sign-up, confirmation and the domain whitelist, for browsers and front-ends alike.

use rocket::State;
use rocket::serde::json::Json;
use serde::Deserialize;

use super::Doorstep;
use super::guards::{LinkToken, OpeningConfirms, SignupOpen};
use super::negotiate::{Failed, Input, Reply};
use super::views::{AccountCreated, ConfirmPage, ConfirmationSent, SignUpPage};
use crate::accounts::{self, SignUpForm};
use crate::error::Error;
use crate::limits::ClientAddress;

/// The sign-up form, or for a confirmation link, the page whose button confirms (or the
/// outcome, when opening the link confirms: see `OpeningConfirms`).
#[rocket::get("/auth/signup")]
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
#[rocket::post("/auth/signup", data = "<input>")]
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
    Ok(Reply::show(ConfirmationSent::new(signed_up.email)))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default, deserialize_with = "crate::fields::text")]
    token: String,
}

/// The confirm button's target.
#[rocket::post("/auth/signup/confirm", data = "<input>")]
pub async fn confirm(
    app: &State<Doorstep>,
    _open: SignupOpen,
    input: Input<ConfirmForm>,
) -> Result<Reply, Failed> {
    confirm_email(app, &input.0.token).await
}

/// The domains that may sign up; `[]` means any.
#[rocket::get("/auth/signup/whitelist")]
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
