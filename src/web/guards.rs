//! Request guards for cross-cutting checks: is a feature open, who is signed in, where does
//! the request come from, does opening a link act on it.

use rocket::request::{FromRequest, Outcome, Request};

use super::Doorstep;
use super::authorization::Carried;
use super::negotiate::{Format, refuse};
use crate::accounts::credential::{Authenticated, Proof, authenticate};
use crate::entities::account::{self, Role};
use crate::error::Error;
use crate::limits::ClientAddress;

/// Passes only while sign-up is switched on; otherwise every sign-up route answers 403.
pub struct SignupOpen;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SignupOpen {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match req.rocket().state::<Doorstep>() {
            Some(app) if app.settings().signup.enabled => Outcome::Success(SignupOpen),
            Some(_) => refuse(req, Error::SignupDisabled),
            None => refuse(req, Error::Internal),
        }
    }
}

/// Passes only while password reset is switched on; otherwise every reset route answers 403.
pub struct PasswordResetOpen;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PasswordResetOpen {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match req.rocket().state::<Doorstep>() {
            Some(app) if app.settings().reset.enabled => Outcome::Success(PasswordResetOpen),
            Some(_) => refuse(req, Error::PasswordResetDisabled),
            None => refuse(req, Error::Internal),
        }
    }
}

/// Passes only in email-first mode (`doorstep.auth.signup.flow`); otherwise the email-first
/// routes are 404 `not_found`, as if they did not exist.
pub struct EmailFirst;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for EmailFirst {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match req.rocket().state::<Doorstep>() {
            Some(app) if app.settings().signup.flow.is_email_first() => {
                Outcome::Success(EmailFirst)
            }
            Some(_) => refuse(req, Error::NotFound),
            None => refuse(req, Error::Internal),
        }
    }
}

/// Whether a GET of a confirmation link confirms.
///
/// Mail scanners fetch links, and a fetch must not prove an address: browsers get a page
/// whose button confirms, unless the operator chose EntryStore's `confirm.on-get`. A program
/// asking for JSON wants the outcome, so its GET confirms.
pub struct OpeningConfirms(pub bool);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for OpeningConfirms {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let on_get = req
            .rocket()
            .state::<Doorstep>()
            .is_some_and(|app| app.settings().signup.confirm_on_get);
        Outcome::Success(OpeningConfirms(on_get || Format::of(req) == Format::Json))
    }
}

/// The `confirm` parameter of a mailed link, if the request has one.
///
/// Sent twice, or spelled in another case (`CONFIRM=`), the request is refused with 400
/// `invalid_request` rather than showing the plain form: which token would we act on?
pub struct LinkToken(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for LinkToken {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let query = req.uri().query().map_or("", |query| query.as_str());
        match confirm_parameter(query) {
            Ok(token) => Outcome::Success(LinkToken(token)),
            Err(error) => refuse(req, error),
        }
    }
}

/// The `confirm` value of a raw query string (percent-decoded), or why it is refused.
pub fn confirm_parameter(query: &str) -> Result<Option<String>, Error> {
    let mut token = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if name == "confirm" && token.is_none() {
            token = Some(value.into_owned());
        } else if name == "confirm" {
            return Err(Error::invalid("confirm", "repeated"));
        } else if name.eq_ignore_ascii_case("confirm") {
            return Err(Error::invalid("confirm", "invalid"));
        }
    }
    Ok(token)
}

/// The account the request speaks for, by any credential: a session (cookie or Bearer token)
/// or an app password (Bearer or Basic). For reading the account; without a credential that
/// works the route answers 401 `unauthenticated`.
pub struct CurrentAccount(pub account::Model, pub Proof);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentAccount {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match authenticated(req).await {
            Ok(found) => Outcome::Success(CurrentAccount(found.account, found.proof)),
            Err(error) => refuse(req, error),
        }
    }
}

/// The account of a signed-in session (cookie or Bearer session token), for routes that change
/// credentials: an app password gets 403 `forbidden`, so a program's credential can never lock
/// its owner out or mint more of itself.
pub struct SessionAccount {
    pub account: account::Model,
    /// The session's row id (the list marks it as the current one).
    pub session: i64,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SessionAccount {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match authenticated(req).await {
            Ok(Authenticated {
                account,
                proof: Proof::Session(session),
            }) => Outcome::Success(SessionAccount { account, session }),
            Ok(_) => refuse(req, Error::SessionRequired),
            Err(error) => refuse(req, error),
        }
    }
}

async fn authenticated(req: &Request<'_>) -> Result<Authenticated, Error> {
    let app = req.rocket().state::<Doorstep>().ok_or(Error::Internal)?;
    let carried = Carried::of(req, app).ok_or(Error::Unauthenticated)?;
    let credential = carried.as_credential().ok_or(Error::Unauthenticated)?;
    let on = app.settings().app_passwords;
    let accounts = &app.accounts;
    authenticate(
        &accounts.readers,
        &accounts.db,
        credential,
        on,
        app.clock.now(),
    )
    .await?
    .ok_or(Error::Unauthenticated)
}

/// Passes only while `doorstep.auth.app-passwords` is on; otherwise the app password routes
/// are 404 `not_found`.
pub struct AppPasswordsOn;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AppPasswordsOn {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match req.rocket().state::<Doorstep>() {
            Some(app) if app.settings().app_passwords => Outcome::Success(AppPasswordsOn),
            Some(_) => refuse(req, Error::NotFound),
            None => refuse(req, Error::Internal),
        }
    }
}

/// The client's `User-Agent`, kept with a new session so its owner can recognise it.
pub struct UserAgent(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for UserAgent {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let agent = req.headers().get_one("User-Agent").map(str::to_owned);
        Outcome::Success(UserAgent(agent))
    }
}

/// The session secrets a request carries (its cookie's, its Bearer token's), for signing out.
pub struct CarriedSessions(pub Vec<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CarriedSessions {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let mut secrets = Vec::new();
        if let Some(app) = req.rocket().state::<Doorstep>() {
            if let Some(secret) = super::cookies::session_secret(req.cookies(), app) {
                secrets.push(secret);
            }
            let bearer = req
                .headers()
                .get_one("Authorization")
                .map(Carried::of_header);
            if let Some(secret) = bearer.as_ref().and_then(Carried::session_secret) {
                secrets.push(secret.to_owned());
            }
        }
        Outcome::Success(CarriedSessions(secrets))
    }
}

/// The signed-in account, when it is an admin: without a session (cookie or session Bearer
/// token) 401 `unauthenticated`, with an app password 403 `forbidden` (they never open the admin
/// area), with another role 403 `forbidden`. The role is read on every request, so a demoted
/// admin loses access at once.
pub struct Admin(pub account::Model);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Admin {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match SessionAccount::from_request(req).await {
            Outcome::Success(signed_in) if signed_in.account.role == Role::Admin => {
                Outcome::Success(Admin(signed_in.account))
            }
            Outcome::Success(_) => refuse(req, Error::Forbidden),
            Outcome::Error(failed) => Outcome::Error(failed),
            Outcome::Forward(forward) => Outcome::Forward(forward),
        }
    }
}

/// A signed-in account that may invite others: the `inviter` or `admin` role; members get
/// 403 `forbidden`.
pub struct Inviter(pub account::Model);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Inviter {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match CurrentAccount::from_request(req).await {
            Outcome::Success(CurrentAccount(account, _))
                if matches!(account.role, Role::Inviter | Role::Admin) =>
            {
                Outcome::Success(Inviter(account))
            }
            Outcome::Success(_) => refuse(req, Error::Forbidden),
            Outcome::Error(failed) => Outcome::Error(failed),
            Outcome::Forward(forward) => Outcome::Forward(forward),
        }
    }
}

/// The `invitation` parameter of an invitation link, if the request has one.
pub struct InvitationLink(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for InvitationLink {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let query = req.uri().query().map_or("", |query| query.as_str());
        let token = url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "invitation")
            .map(|(_, value)| value.into_owned());
        Outcome::Success(InvitationLink(token))
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientAddress {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let trusted = req
            .rocket()
            .state::<Doorstep>()
            .map_or(&[][..], |app| app.settings().trusted_proxies.as_slice());
        // Several header lines are one list (RFC 9110, 5.3): a proxy may append its own line
        // after one the client sent.
        let forwarded_for: Vec<&str> = req.headers().get("X-Forwarded-For").collect();
        let forwarded_for = forwarded_for.join(",");
        Outcome::Success(ClientAddress::resolve(
            req.remote().map(|peer| peer.ip()),
            Some(forwarded_for.as_str()).filter(|list| !list.is_empty()),
            trusted,
        ))
    }
}

/// The language of the request: `?lang=`, then the `doorstep_lang` cookie, then
/// `Accept-Language` (see `i18n::negotiate`).
pub struct Language(pub &'static str);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Language {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Language(language_of(req)))
    }
}

/// Whether a form was sent by its "Show a new picture" button (`?new_picture=1` in its
/// `formaction`): the form is shown again with what was typed and a new picture, and nothing
/// else happens. Without JavaScript this is how a person gets a new picture without losing
/// the form.
pub struct NewPicture(pub bool);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for NewPicture {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(NewPicture(req.query_value::<&str>("new_picture").is_some()))
    }
}

/// The language a request is answered in (see [`Language`]).
pub fn language_of(req: &Request<'_>) -> &'static str {
    let query = req.query_value::<&str>("lang").and_then(Result::ok);
    let cookie = req
        .cookies()
        .get("doorstep_lang")
        .map(|cookie| cookie.value());
    let accept = req.headers().get_one("Accept-Language");
    let default = req
        .rocket()
        .state::<Doorstep>()
        .map_or(crate::i18n::DEFAULT, |app| app.settings().languages.default);
    crate::i18n::negotiate(query, cookie, accept, default)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use url::form_urlencoded::Serializer;

    use super::*;

    fn query(pairs: &[(&str, &str)]) -> String {
        Serializer::new(String::new()).extend_pairs(pairs).finish()
    }

    proptest! {
        #[test]
        fn the_confirm_value_is_read_as_sent(
            token in "\\PC{0,60}",
            other in "[a-z_]{1,8}",
            value in "\\PC{0,20}",
        ) {
            prop_assume!(!other.eq_ignore_ascii_case("confirm"));
            let sent = query(&[(&other, &value), ("confirm", &token), (&other, &value)]);
            prop_assert_eq!(confirm_parameter(&sent).ok(), Some(Some(token.clone())));
            let twice = query(&[("confirm", &token), ("confirm", &token)]);
            prop_assert!(confirm_parameter(&twice).is_err());
            let misspelt = query(&[("confirm", &token), ("Confirm", &token)]);
            prop_assert!(confirm_parameter(&misspelt).is_err());
        }

        #[test]
        fn any_query_is_a_token_nothing_or_a_refusal(query in "\\PC{0,80}") {
            let _ = confirm_parameter(&query);
        }
    }
}
