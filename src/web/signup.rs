//! Sign-up, confirmation and the domain whitelist, for browsers and front-ends alike.

use rocket::State;
use rocket::serde::json::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::guards::SignupOpen;
use super::link_failed;
use super::negotiate::{Failed, Format, Input, Reply};
use crate::Doorstep;
use crate::accounts::{self, SignUpForm};
use crate::error::Error;
use crate::limits::ClientAddress;

/// The sign-up form, or for a confirmation link, the page whose button confirms.
///
/// Opening the link does not confirm by default: mail scanners fetch links, and a fetch must
/// not prove an address. JSON clients, and `confirm.on-get=on`, confirm on GET.
#[rocket::get("/auth/signup?<confirm>")]
pub async fn form(
    app: &State<Doorstep>,
    _open: SignupOpen,
    format: Format,
    confirm: Option<String>,
) -> Result<Reply, Failed> {
    match confirm {
        Some(token) if format == Format::Json || app.settings.signup.confirm_on_get => {
            confirm_email(app, &token).await
        }
        Some(token) => Ok(Reply::page("confirm", json!({ "token": token }))),
        None => Ok(Reply::page("signup", sign_up_rules(app))),
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
    let values = Redisplay::of(&form);
    let signed_up = accounts::sign_up(app, form, &client, app.clock.now())
        .await
        .map_err(|error| Failed::from(error).redisplay("signup", &values))?;
    Ok(
        Reply::page("signup_sent", json!({ "status": "confirmation_sent" }))
            .with_page(json!({ "email": signed_up.email })),
    )
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
    if !app.settings.signup.whitelist_public {
        return Err(Error::NotFound.into());
    }
    Ok(Json(app.settings.signup.whitelist.clone()))
}

async fn confirm_email(app: &Doorstep, token: &str) -> Result<Reply, Failed> {
    match accounts::confirm_email(app, token, app.clock.now()).await {
        Ok(confirmed) => Ok(match confirmed.url_success {
            Some(url) => Reply::see_other(url),
            None => Reply::page("confirmed", json!({ "status": "confirmed" })).with_page(json!({
                "email": confirmed.email,
                "first_name": confirmed.first_name,
            })),
        }),
        Err(failed) => link_failed(failed),
    }
}

/// What a front-end needs to build its own form.
fn sign_up_rules(app: &Doorstep) -> serde_json::Value {
    let settings = &app.settings;
    json!({
        "fields": ["firstname", "lastname", "email", "password", "urlsuccess", "urlfailure"],
        "password": {
            "min_length": settings.password.min_length,
            "max_length": settings.password.max_length,
        },
        "whitelist": if settings.signup.whitelist_public { settings.signup.whitelist.clone() } else { Vec::new() },
        "captcha": app.captcha.widget(),
    })
}

/// The values a failed form is shown again with: everything but the password.
#[derive(Serialize)]
struct Redisplay {
    firstname: String,
    lastname: String,
    email: String,
    urlsuccess: String,
    urlfailure: String,
}

impl Redisplay {
    fn of(form: &SignUpForm) -> Redisplay {
        Redisplay {
            firstname: form.firstname.clone(),
            lastname: form.lastname.clone(),
            email: form.email.clone(),
            urlsuccess: form.urlsuccess.clone(),
            urlfailure: form.urlfailure.clone(),
        }
    }
}
