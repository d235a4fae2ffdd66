//! Request guards for cross-cutting checks: is sign-up open, is this form ours.

use rocket::http::{Cookie, SameSite};
use rocket::request::{FromRequest, Outcome, Request};
use subtle::ConstantTimeEq as _;

use super::negotiate::refuse;
use crate::Doorstep;
use crate::error::Error;

const CSRF_COOKIE: &str = "doorstep_csrf";

/// The CSRF token of this browser, created (and set as a private cookie) on first use.
///
/// The cookie is encrypted and authenticated with the server's secret key, so neither a
/// cross-site page nor a sibling subdomain can plant a value of its own.
pub fn csrf_token(req: &Request<'_>) -> String {
    let jar = req.cookies();
    if let Some(cookie) = jar.get_private(CSRF_COOKIE) {
        return cookie.value().to_owned();
    }
    let token = crate::random::url_token();
    let secure = req
        .rocket()
        .state::<Doorstep>()
        .is_some_and(|app| app.settings.base_url.scheme() == "https");
    jar.add_private(
        Cookie::build((CSRF_COOKIE, token.clone()))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .path("/"),
    );
    token
}

/// A form post must echo the token of its CSRF cookie; compared in constant time.
pub fn verify_csrf(req: &Request<'_>, sent: Option<&str>) -> Result<(), Error> {
    let cookie = req.cookies().get_private(CSRF_COOKIE);
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
