//! Sign-up, confirmation and the domain whitelist, for browsers and front-ends alike.

use rocket::http::CookieJar;
use rocket::serde::json::Json;
use rocket::{State, get, post};
use serde::Deserialize;

use super::Doorstep;
use super::cookies::{forget_signup, remember_signup, signup_handle, start_session};
use super::guards::{InvitationLink, Language, LinkToken, NewPicture, OpeningConfirms, SignupOpen};
use super::negotiate::{Failed, Input, Reply};
use super::openapi::{ConfirmationSentOrAccount, SignUpPageOrAccount};
use super::views::{
    AccountCreated, ConfirmPage, ConfirmationSent, DetailsRequired, ErrorBody, RegistrationView,
    SignUpPage, UsernameAvailability,
};
use crate::accounts::confirm::check_link;
use crate::accounts::email_first::awaiting_by_link;
use crate::accounts::invitations;
use crate::accounts::registration;
use crate::accounts::resend::{ResendForm, resend_confirmation};
use crate::accounts::username::availability;
use crate::accounts::{self, Confirmed, Proof, SignUpForm};
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
            button confirms."),
        ("invitation" = Option<String>, Query,
        description = "An invitation link's token: the form for the invited address (JSON: \
            its description with `invitation`); nothing is used until it is sent.")),
    responses(
        (status = 200, description = "The form's description for front-ends (or the form page); \
            with `confirm`: the confirmed account (or the confirm page)",
            content((SignUpPageOrAccount = "application/json"), (String = "text/html"))),
        (status = 303, description = "With `confirm`, for browsers: on to the sign-up's \
            `urlsuccess` or `urlfailure?error=<code>`"),
        (status = 400, description = "`token_invalid`; `invalid_request` for a repeated or \
            misspelt `confirm`", body = ErrorBody),
        (status = 403, description = "`signup_disabled`", body = ErrorBody),
        (status = 409, description = "`username_taken`: with `confirm`, another account took \
            the sign-up's username first; choose another with `POST /auth/signup/confirm`",
            body = ErrorBody),
        (status = 410, description = "`token_expired`", body = ErrorBody),
    )
)]
#[get("/auth/signup")]
pub async fn form(
    app: &State<Doorstep>,
    jar: &CookieJar<'_>,
    _open: SignupOpen,
    opening: OpeningConfirms,
    link: LinkToken,
    invited: InvitationLink,
) -> Result<Reply, Failed> {
    if let (None, Some(token)) = (&link.0, &invited.0) {
        let row = invitations::open(&app.accounts.db, token, app.clock.now()).await?;
        let page = SignUpPage::new(app.settings(), &app.accounts.captcha);
        return Ok(Reply::show(page.invited(app.settings(), &row, token)));
    }
    let Some(token) = link.0 else {
        return Ok(Reply::show(SignUpPage::new(
            app.settings(),
            &app.accounts.captcha,
        )));
    };
    if let Some(details_form) = details_form(app, &token).await? {
        return Ok(details_form);
    }
    if opening.0 {
        confirm_email(app, jar, ConfirmForm::link(token)).await
    } else {
        check_link(&app.accounts, &token, app.clock.now())
            .await
            .map_err(Failed::link)?;
        Ok(Reply::show(ConfirmPage::new(token)))
    }
}

/// Starts a sign-up; the reply is the same whether or not the address has an account.
///
/// Browsers also get the `doorstep_signup` cookie holding the sign-up's handle: confirming
/// from this browser may sign it in, and from no other.
#[utoipa::path(
    tag = "sign-up",
    request_body(description = "Forms also send `csrf_token` (from the page) with the \
        `doorstep_csrf` cookie; JSON needs neither.",
        content((SignUpForm = "application/json"),
            (SignUpForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The confirmation mail is on its way (said whether or not \
            the address has an account); with `invitation`, the account exists and is active \
            (`status`: `confirmed`)",
            content((ConfirmationSentOrAccount = "application/json"), (String = "text/html")),
            headers(("Set-Cookie" = String, description = "`doorstep_signup` \
                (`__Host-doorstep_signup` over https): the sign-up's handle, for signing in \
                on confirmation"))),
        (status = 400, description = "`invalid_request`, `weak_password`, `captcha_required`, \
            `captcha_invalid`, `redirect_not_allowed`; with `invitation`: `token_invalid` \
            (unknown, withdrawn or already used), `invalid_request` with `fields.email` \
            `registered` (the address got an account meanwhile)", body = ErrorBody),
        (status = 403, description = "`signup_disabled`, `domain_not_allowed`; \
            `invitation_required` in invite-only mode without a working `registration_token` \
            (`fields.registration_token`: `invalid`, `expired`, `used_up` when one was sent)",
            body = ErrorBody),
        (status = 409, description = "With `invitation`: `username_taken`", body = ErrorBody),
        (status = 410, description = "With `invitation`: `token_expired`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    )
)]
#[post("/auth/signup", data = "<input>")]
pub async fn sign_up(
    app: &State<Doorstep>,
    jar: &CookieJar<'_>,
    _open: SignupOpen,
    client: ClientAddress,
    language: Language,
    picture: NewPicture,
    input: Input<SignUpForm>,
) -> Result<Reply, Failed> {
    let mut form = input.0;
    form.language = Some(language.0);
    if !form.invitation.is_empty() {
        return complete_invitation(app, jar, form, &client).await;
    }
    let page = SignUpPage::new(app.settings(), &app.accounts.captcha).refill(&form);
    if picture.0 {
        return Ok(Reply::show(page));
    }
    let signed_up = accounts::sign_up(&app.accounts, form, &client, app.clock.now())
        .await
        .map_err(|error| Failed::refill(error, page))?;
    if let Some(handle) = &signed_up.registration {
        remember_signup(jar, app, handle.clone());
    }
    Ok(Reply::show(ConfirmationSent::new(
        app.settings(),
        signed_up,
    )))
}

/// The form of an invitation link, sent: the account exists at once. Refused, browsers see
/// the invitation's form again (while the link works).
async fn complete_invitation(
    app: &Doorstep,
    jar: &CookieJar<'_>,
    form: SignUpForm,
    client: &ClientAddress,
) -> Result<Reply, Failed> {
    let now = app.clock.now();
    let token = form.invitation.clone();
    let mut page = SignUpPage::new(app.settings(), &app.accounts.captcha);
    if let Ok(row) = invitations::open(&app.accounts.db, &token, now).await {
        page = page.invited(app.settings(), &row, &token);
    }
    let page = page.refill(&form);
    let confirmed = invitations::redeem(&app.accounts, &token, form, client, now)
        .await
        .map_err(|error| Failed::refill(error, page))?;
    Ok(account_created(app, jar, confirmed))
}

/// A confirmation: the link's `token`, or the address and the mailed code.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ConfirmForm {
    /// The confirmation link's `confirm` value; or leave it out and send `email` and `code`.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub token: String,
    /// Another username, when the one the sign-up asked for was taken meanwhile (409
    /// `username_taken`); ignored while usernames are off.
    #[schema(example = "ada.lovelace")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub username: String,
    /// With `code`, instead of `token`: the address signed up with.
    #[schema(format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    /// With `email`, instead of `token`: the code of the latest confirmation mail
    /// (`doorstep.auth.code.length` digits).
    #[schema(example = "042917")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub code: String,
    /// Sign in once confirmed (always so with `doorstep.auth.signup.login-on-confirm`): only
    /// for the client that started the sign-up, which sends its `registration` (browsers hold
    /// it in the `doorstep_signup` cookie). Otherwise the account is confirmed and nobody is
    /// signed in.
    #[serde(default, deserialize_with = "crate::fields::flag")]
    pub login: bool,
    /// The `registration` of the sign-up's reply, with `login`.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub registration: String,
}

impl ConfirmForm {
    fn link(token: String) -> ConfirmForm {
        ConfirmForm {
            token,
            ..ConfirmForm::default()
        }
    }

    fn proof(&self) -> Proof<'_> {
        if self.token.is_empty() && !(self.email.is_empty() && self.code.is_empty()) {
            Proof::Code {
                email: &self.email,
                code: &self.code,
            }
        } else {
            Proof::Link(&self.token)
        }
    }
}

/// Confirms by the link's token (the confirm button's target) or by address and code.
#[utoipa::path(
    tag = "sign-up",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie \
        (the confirm page and the code form carry it).",
        content((ConfirmForm = "application/json"),
        (ConfirmForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The account exists (also for a link used before): \
            `status` is `confirmed`, or `pending_approval` while it waits for an admin (then \
            nobody is signed in); with `token` and `expires_at` when the client that started \
            the sign-up is signed in",
            content((AccountCreated = "application/json"), (String = "text/html")),
            headers(("Set-Cookie" = String, description = "When signed in: `doorstep_session` \
                (`__Host-doorstep_session` over https)"))),
        (status = 303, description = "Browsers: on to the sign-up's `urlsuccess`, or \
            `urlfailure?error=<code>`"),
        (status = 400, description = "`token_invalid`; `code_invalid` with `attempts_left`; \
            `invalid_request` (`email` or `code` missing or malformed, or `code` \
            `not_offered` when codes are off; a malformed or reserved `username`)",
            body = ErrorBody),
        (status = 403, description = "`signup_disabled`", body = ErrorBody),
        (status = 409, description = "`username_taken`: another account took the username \
            first; the sign-up stays pending and its link works again (send another \
            `username` with it)", body = ErrorBody),
        (status = 410, description = "`token_expired`", body = ErrorBody),
    )
)]
#[post("/auth/signup/confirm", data = "<input>")]
pub async fn confirm(
    app: &State<Doorstep>,
    jar: &CookieJar<'_>,
    _open: SignupOpen,
    input: Input<ConfirmForm>,
) -> Result<Reply, Failed> {
    confirm_email(app, jar, input.0).await
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
    Ok(Reply::show(ConfirmationSent::new(app.settings(), resent)))
}

/// How the sign-up behind a registration handle stands, for the client that started it.
#[utoipa::path(
    tag = "sign-up",
    params(("registration" = String, Path, description = "The `registration` of a sign-up's reply")),
    responses(
        (status = 200, description = "`pending_confirmation`, `pending_approval` (confirmed, \
            waiting for an admin), `finished` (the account exists and may sign in), `rejected` \
            (an admin turned it away) or `expired`; the first `finished` of a sign-up that \
            asked for an app password carries it as `app_password`", body = RegistrationView),
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
    let app_passwords = app.settings().app_passwords;
    let read = registration::status_of(&app.accounts.db, registration, app_passwords, now).await?;
    Ok(Json(RegistrationView::new(read)))
}

/// Whether a username is still free, for a sign-up form's hint as the person types.
///
/// Usernames are public, so this reveals no address; it counts against a per-client limit all
/// the same, so that a list of who is registered does not come cheap. A reserved name is
/// never available; a name that is free now may still be taken before the sign-up is confirmed.
#[utoipa::path(
    tag = "sign-up",
    params(("username" = String, Query, description = "The username to check, as typed")),
    responses(
        (status = 200, description = "Whether an account could take the username now",
            body = UsernameAvailability),
        (status = 400, description = "`invalid_request`: a missing or malformed `username` \
            (`fields.username`: `required`, `invalid`)", body = ErrorBody),
        (status = 403, description = "`signup_disabled`", body = ErrorBody),
        (status = 404, description = "`not_found`: usernames are off", body = ErrorBody),
        (status = 429, description = "`rate_limited`: over 60 checks a minute from one \
            client, with `Retry-After`", body = ErrorBody),
    )
)]
#[get("/auth/signup/username?<username>")]
pub async fn username(
    app: &State<Doorstep>,
    _open: SignupOpen,
    client: ClientAddress,
    username: Option<&str>,
) -> Result<Json<UsernameAvailability>, Failed> {
    let now = app.clock.now();
    let usernames = &app.settings().usernames;
    if !usernames.mode.is_on() {
        return Err(Error::NotFound.into());
    }
    limits::allow_username_check(&app.accounts.db, &client, now).await?;
    let typed = username.unwrap_or_default();
    let available = availability(&app.accounts.db, usernames, typed).await?;
    Ok(Json(UsernameAvailability::new(typed.trim(), available)))
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
///
/// Signs in only the client that started the sign-up, when it asked to be (`login`, or
/// login-on-confirm): its handle comes in the body or in the browser's sign-up cookie.
///
/// A username that was taken meanwhile (or one chosen now that will not do) leaves the link
/// usable, so browsers see the confirm page again with a username field instead of being sent
/// away: they can pick another there.
async fn confirm_email(
    app: &Doorstep,
    jar: &CookieJar<'_>,
    form: ConfirmForm,
) -> Result<Reply, Failed> {
    let handle = signing_in(app, jar, form.login, &form.registration);
    let proof = form.proof();
    let username = Some(form.username.as_str());
    let confirmed = accounts::confirm(
        &app.accounts,
        proof,
        username,
        handle.as_deref(),
        app.clock.now(),
    )
    .await
    .map_err(|failed| match proof {
        Proof::Link(token) if failed.error.fields().contains_key("username") => {
            let page = ConfirmPage::new(token.to_owned()).choosing_username(username);
            Failed::refill(failed.error, page)
        }
        Proof::Link(_) => Failed::link(failed),
        Proof::Code { email, .. } => {
            Failed::refill(failed.error, ConfirmationSent::again(app.settings(), email))
        }
    })?;
    Ok(account_created(app, jar, confirmed))
}

/// The account exists: a client signed in on the way gets its session cookie (and no longer
/// needs its sign-up's).
pub(super) fn account_created(app: &Doorstep, jar: &CookieJar<'_>, confirmed: Confirmed) -> Reply {
    if let Some(session) = &confirmed.session {
        start_session(jar, app, session.secret.clone());
        forget_signup(jar, app);
    }
    Reply::show(AccountCreated::new(confirmed))
}

/// In email-first mode, a link whose sign-up still waits for its details opens the details
/// form (JSON: which details are wanted), for browsers and programs alike, using nothing.
async fn details_form(app: &Doorstep, token: &str) -> Result<Option<Reply>, Failed> {
    let settings = app.settings();
    if !settings.signup.flow.is_email_first() {
        return Ok(None);
    }
    let awaiting = awaiting_by_link(&app.accounts, token, app.clock.now()).await?;
    Ok(awaiting.map(|awaiting| {
        Reply::show(DetailsRequired::by_link(
            settings,
            awaiting,
            token.to_owned(),
        ))
    }))
}

/// The registration handle of the client confirming, when it asked to be signed in (`login`,
/// or login-on-confirm): from the body, else from the browser's sign-up cookie.
pub(super) fn signing_in(
    app: &Doorstep,
    jar: &CookieJar<'_>,
    login: bool,
    registration: &str,
) -> Option<String> {
    let login = login || app.settings().signup.login_on_confirm;
    let handle = match registration {
        "" => signup_handle(jar, app),
        sent => Some(sent.to_owned()),
    };
    handle.filter(|_| login)
}
