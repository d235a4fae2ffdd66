//! Forgot password: request a link, open it, choose a new password.

use rocket::State;
use serde::Serialize;
use serde_json::json;

use super::guards::PasswordResetOpen;
use super::link_failed;
use super::negotiate::{Failed, Format, Input, Reply};
use crate::Doorstep;
use crate::accounts::password_reset::{self, NewPasswordForm, ResetRequestForm};
use crate::limits::ClientAddress;

/// The request form, or for a link, the page to choose the new password on.
///
/// Opening the link checks it and changes nothing: mail scanners fetch links too.
#[rocket::get("/auth/pwreset?<confirm>")]
pub async fn form(
    app: &State<Doorstep>,
    _open: PasswordResetOpen,
    format: Format,
    confirm: Option<String>,
) -> Result<Reply, Failed> {
    let two_step = app.settings.reset.two_step;
    let Some(token) = confirm else {
        let view = json!({ "two_step": two_step, "captcha": app.captcha.widget() });
        return Ok(Reply::page("pwreset", view));
    };
    match password_reset::check_reset_link(app, &token, app.clock.now()).await {
        Ok(()) => Ok(Reply::page(
            "pwreset_choose",
            json!({ "status": "token_valid", "two_step": two_step }),
        )
        .with_page(json!({ "token": token }))),
        // Only browsers are sent on: a program asking about a link wants the answer.
        Err(failed) if format == Format::Html => link_failed(failed),
        Err(failed) => Err(failed.error.into()),
    }
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
    let email = form.email.trim().to_owned();
    let values = json!({
        "email": email,
        "urlsuccess": form.urlsuccess,
        "urlfailure": form.urlfailure,
        "two_step": app.settings.reset.two_step,
    });
    password_reset::request_reset(app, form, &client, app.clock.now())
        .await
        .map_err(|error| Failed::from(error).redisplay("pwreset", &values))?;
    Ok(
        Reply::page("pwreset_sent", json!({ "status": "reset_requested" }))
            .with_page(json!({ "email": email })),
    )
}

/// Sets the new password chosen on the link's page.
#[rocket::post("/auth/pwreset/confirm", data = "<input>")]
pub async fn confirm(
    app: &State<Doorstep>,
    _open: PasswordResetOpen,
    input: Input<NewPasswordForm>,
) -> Result<Reply, Failed> {
    let token = input.0.token.clone();
    match password_reset::reset_password(app, input.0, app.clock.now()).await {
        Ok(changed) => Ok(match changed.url_success {
            Some(url) => Reply::see_other(url),
            None => Reply::page("pwreset_done", json!({ "status": "password_changed" }))
                .with_page(json!({ "email": changed.email })),
        }),
        Err(failed) if failed.url_failure.is_some() => link_failed(failed),
        Err(failed) => Err(Failed::from(failed.error).redisplay(
            "pwreset_choose",
            ChooseAgain {
                token,
                two_step: app.settings.reset.two_step,
            },
        )),
    }
}

#[derive(Serialize)]
struct ChooseAgain {
    token: String,
    two_step: bool,
}
