//! Request guards for cross-cutting checks: is a feature open, who is signed in, where does
//! the request come from, does opening a link act on it.

use rocket::request::{FromRequest, Outcome, Request};

use super::Doorstep;
use super::cookies::session_secret;
use super::negotiate::{Format, refuse};
use crate::accounts::session::signed_in_account;
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

/// The signed-in account; without a live session the route answers 401 `unauthenticated`.
pub struct CurrentAccount(pub account::Model);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentAccount {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let Some(app) = req.rocket().state::<Doorstep>() else {
            return refuse(req, Error::Internal);
        };
        let Some(secret) = session_secret(req.cookies(), app) else {
            return refuse(req, Error::Unauthenticated);
        };
        match signed_in_account(&app.accounts.db, &secret, app.clock.now()).await {
            Ok(Some(account)) => Outcome::Success(CurrentAccount(account)),
            Ok(None) => refuse(req, Error::Unauthenticated),
            Err(error) => refuse(req, error),
        }
    }
}

/// The signed-in account, when it is an admin: without a live session 401 `unauthenticated`,
/// with another role 403 `forbidden`. The role is read on every request, so a demoted admin
/// loses access at once.
pub struct Admin(pub account::Model);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Admin {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match CurrentAccount::from_request(req).await {
            Outcome::Success(CurrentAccount(account)) if account.role == Role::Admin => {
                Outcome::Success(Admin(account))
            }
            Outcome::Success(_) => refuse(req, Error::Forbidden),
            Outcome::Error(failed) => Outcome::Error(failed),
            Outcome::Forward(forward) => Outcome::Forward(forward),
        }
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
