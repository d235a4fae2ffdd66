//! Email-first sign-up's second step: the details, once the address is proven.

use rocket::http::CookieJar;
use rocket::{State, post};

use super::Doorstep;
use super::guards::{EmailFirst, SignupOpen};
use super::negotiate::{Failed, Input, Reply};
use super::openapi::DetailsOrAccount;
use super::signup::{account_created, signing_in};
use super::views::{ConfirmationSent, DetailsRequired, ErrorBody};
use crate::accounts::email_first::{CompleteForm, Completed, complete_signup};
use crate::accounts::{LinkFailed, Proof};

/// Completes an email-first sign-up: the details with the link's `token` (or `email` and
/// `code`) make the account, exactly as a confirmation does.
///
/// The details are checked first, so bad ones use nothing up: the link and the code still
/// work, and no try of the code is taken. Without any details the request only checks the
/// proof and answers which details are wanted (the "check your mail" page's code form).
#[utoipa::path(
    tag = "sign-up",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie \
        (the details page and the code form carry it).",
        content((CompleteForm = "application/json"),
            (CompleteForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The account exists (also for a link used before), with \
            `token` and `expires_at` when the client that started the sign-up is signed in; \
            or, sent without details, `details_required`: the proof works and nothing was used",
            content((DetailsOrAccount = "application/json"), (String = "text/html")),
            headers(("Set-Cookie" = String, description = "When signed in: `doorstep_session` \
                (`__Host-doorstep_session` over https)"))),
        (status = 303, description = "Browsers: on to the sign-up's `urlsuccess`, or \
            `urlfailure?error=<code>`"),
        (status = 400, description = "`invalid_request` (`fields`: the names, `password` or \
            `username` as for sign-up; `email` or `code` missing or malformed, or `code` \
            `not_offered` when codes are off), `weak_password`, `token_invalid`; \
            `code_invalid` with `attempts_left`", body = ErrorBody),
        (status = 403, description = "`signup_disabled`", body = ErrorBody),
        (status = 404, description = "`not_found`: the sign-up flow is `details-first`",
            body = ErrorBody),
        (status = 409, description = "`username_taken`: another account holds the username, \
            or took it first; the sign-up stays pending (send another `username`)",
            body = ErrorBody),
        (status = 410, description = "`token_expired`", body = ErrorBody),
    )
)]
#[post("/auth/signup/complete", data = "<input>")]
pub async fn complete(
    app: &State<Doorstep>,
    jar: &CookieJar<'_>,
    _open: SignupOpen,
    _flow: EmailFirst,
    input: Input<CompleteForm>,
) -> Result<Reply, Failed> {
    let form = input.0;
    let handle = signing_in(app, jar, form.login, &form.registration);
    let completed = complete_signup(&app.accounts, &form, handle.as_deref(), app.clock.now())
        .await
        .map_err(|failed| refused(app, &form, failed))?;
    Ok(match completed {
        Completed::DetailsRequired(awaiting) => {
            Reply::show(DetailsRequired::proven_by(app.settings(), awaiting, &form))
        }
        Completed::Confirmed(confirmed) => account_created(app, jar, confirmed),
    })
}

/// What a browser sees after a refusal: the details form again when a detail is at fault
/// (the proof still works), the "check your mail" page when a code is, and a refused link's
/// `urlfailure` or the error page otherwise.
fn refused(app: &Doorstep, form: &CompleteForm, failed: LinkFailed) -> Failed {
    let settings = app.settings();
    let details = ["firstname", "lastname", "password", "username"];
    let fields = failed.error.fields();
    if fields.keys().any(|field| details.contains(field)) {
        return Failed::refill(failed.error, DetailsRequired::refill(settings, form));
    }
    match form.proof() {
        Proof::Code { email, .. } if failed.url_failure.is_none() => {
            Failed::refill(failed.error, ConfirmationSent::again(settings, email))
        }
        _ => Failed::link(failed),
    }
}
