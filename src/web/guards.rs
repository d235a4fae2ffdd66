//! Request guards for cross-cutting checks: is a feature open, is this form ours, who is
//! signed in.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::{FromRequest, Outcome, Request};
use subtle::ConstantTimeEq as _;

use super::negotiate::refuse;
use crate::Doorstep;
use crate::accounts::session::signed_in_account;
use crate::entities::account;
use crate::error::Error;
use crate::limits::ClientAddress;

/// doorstep's two cookies.
#[derive(Clone, Copy)]
enum Named {
    Csrf,
    Session,
}

/// A cookie's name. Over https it carries the `__Host-` prefix: browsers then accept it only
/// from this very host, `Secure`, for path `/`, so a sibling subdomain cannot plant one (say,
/// a sealed value it obtained for itself). Sealing alone does not stop that.
fn cookie_name(app: Option<&Doorstep>, which: Named) -> &'static str {
    let https = app.is_some_and(|app| app.settings.base_url.scheme() == "https");
    match (which, https) {
        (Named::Csrf, false) => "doorstep_csrf",
        (Named::Csrf, true) => "__Host-doorstep_csrf",
        (Named::Session, false) => "doorstep_session",
        (Named::Session, true) => "__Host-doorstep_session",
    }
}

/// The CSRF token of this browser, created (and set as a private cookie) on first use.
///
/// The cookie is encrypted and authenticated with the server's secret key, so a cross-site
/// page cannot make up a value of its own.
pub fn csrf_token(req: &Request<'_>) -> String {
    let jar = req.cookies();
    let app = req.rocket().state::<Doorstep>();
    let name = cookie_name(app, Named::Csrf);
    if let Some(cookie) = jar.get_private(name) {
        return cookie.value().to_owned();
    }
    let token = crate::random::url_token();
    let secure = app.is_some_and(|app| app.settings.base_url.scheme() == "https");
    jar.add_private(
        Cookie::build((name, token.clone()))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .path("/"),
    );
    token
}

/// A form post must echo the token of its CSRF cookie; compared in constant time.
pub fn verify_csrf(req: &Request<'_>, sent: Option<&str>) -> Result<(), Error> {
    let name = cookie_name(req.rocket().state::<Doorstep>(), Named::Csrf);
    let cookie = req.cookies().get_private(name);
    match (cookie, sent) {
        (Some(cookie), Some(sent))
            if !sent.is_empty() && bool::from(cookie.value().as_bytes().ct_eq(sent.as_bytes())) =>
        {
            Ok(())
        }
        _ => Err(Error::CsrfInvalid),
    }
}

/// Passes only while sign-up is switched on; otherwise every sign-up route answers 403.
pub struct SignupOpen;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SignupOpen {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match req.rocket().state::<Doorstep>() {
            Some(app) if app.settings.signup.enabled => Outcome::Success(SignupOpen),
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
            Some(app) if app.settings.reset.enabled => Outcome::Success(PasswordResetOpen),
            Some(_) => refuse(req, Error::PasswordResetDisabled),
            None => refuse(req, Error::Internal),
        }
    }
}

/// The signed-in account; without a live session the route answers 401 `unauthenticated`.
pub struct SignedIn(pub account::Model);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SignedIn {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let Some(app) = req.rocket().state::<Doorstep>() else {
            return refuse(req, Error::Internal);
        };
        let Some(secret) = session_secret(req.cookies(), app) else {
            return refuse(req, Error::Unauthenticated);
        };
        match signed_in_account(app, &secret, app.clock.now()).await {
            Ok(Some(account)) => Outcome::Success(SignedIn(account)),
            Ok(None) => refuse(req, Error::Unauthenticated),
            Err(error) => refuse(req, error),
        }
    }
}

/// The secret of this client's session cookie, if it has one.
pub fn session_secret(jar: &CookieJar<'_>, app: &Doorstep) -> Option<String> {
    jar.get_private(cookie_name(Some(app), Named::Session))
        .map(|cookie| cookie.value().to_owned())
}

/// Gives the client its session cookie: private (sealed with the secret key), `HttpOnly`,
/// `SameSite=Lax`, and `Secure` when doorstep is served over https.
pub fn start_session(jar: &CookieJar<'_>, app: &Doorstep, secret: String) {
    let max_age = rocket::time::Duration::seconds(
        i64::try_from(app.settings.session_ttl.as_secs()).unwrap_or(i64::MAX),
    );
    jar.add_private(
        Cookie::build((cookie_name(Some(app), Named::Session), secret))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(app.settings.base_url.scheme() == "https")
            .path("/")
            .max_age(max_age),
    );
}

/// Takes the session cookie away.
pub fn end_session(jar: &CookieJar<'_>, app: &Doorstep) {
    jar.remove_private(Cookie::build(cookie_name(Some(app), Named::Session)).path("/"));
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientAddress {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let trusted = req
            .rocket()
            .state::<Doorstep>()
            .map_or(&[][..], |app| app.settings.trusted_proxies.as_slice());
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
