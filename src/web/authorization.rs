//! What a request carries to prove who it speaks for: an `Authorization` header (Bearer or
//! Basic) or the session cookie.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rocket::request::Request;

use super::Doorstep;
use super::cookies::session_secret;
use crate::accounts::app_password::is_app_password;
use crate::accounts::credential::Credential;

/// A credential as sent, owned; `Malformed` is a header that names no scheme we take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Carried {
    Cookie(String),
    Bearer(String),
    Basic { user: String, password: String },
    Malformed,
}

impl Carried {
    /// What `req` carries: the `Authorization` header decides when there is one (a program
    /// that sends one means it, and must not be served as the browser's cookie), else the
    /// session cookie.
    pub fn of(req: &Request<'_>, app: &Doorstep) -> Option<Carried> {
        match req.headers().get_one("Authorization") {
            Some(header) => Some(parse(header)),
            None => session_secret(req.cookies(), app).map(Carried::Cookie),
        }
    }

    pub fn as_credential(&self) -> Option<Credential<'_>> {
        match self {
            Carried::Cookie(secret) => Some(Credential::Cookie(secret)),
            Carried::Bearer(secret) => Some(Credential::Bearer(secret)),
            Carried::Basic { user, password } => Some(Credential::Basic { user, password }),
            Carried::Malformed => None,
        }
    }

    /// The session secret this carries, if any: the cookie's, or a Bearer token that is not
    /// an app password.
    pub fn session_secret(&self) -> Option<&str> {
        match self {
            Carried::Cookie(secret) => Some(secret),
            Carried::Bearer(secret) if !is_app_password(secret) => Some(secret),
            _ => None,
        }
    }

    /// An `Authorization` header's credential.
    pub fn of_header(header: &str) -> Carried {
        parse(header)
    }
}

/// An `Authorization` header's credential (schemes are case-insensitive, RFC 9110 11.1).
fn parse(header: &str) -> Carried {
    let (scheme, value) = header.trim().split_once(' ').unwrap_or((header, ""));
    let value = value.trim();
    if value.is_empty() {
        return Carried::Malformed;
    }
    if scheme.eq_ignore_ascii_case("Bearer") {
        return Carried::Bearer(value.to_owned());
    }
    if !scheme.eq_ignore_ascii_case("Basic") {
        return Carried::Malformed;
    }
    let decoded = STANDARD
        .decode(value)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    match decoded.as_deref().and_then(|pair| pair.split_once(':')) {
        Some((user, password)) => Carried::Basic {
            user: user.to_owned(),
            password: password.to_owned(),
        },
        None => Carried::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_and_basic_are_read_and_anything_else_is_malformed() {
        assert_eq!(parse("Bearer abc"), Carried::Bearer("abc".into()));
        assert_eq!(parse("bearer  abc "), Carried::Bearer("abc".into()));
        let basic = STANDARD.encode("ada@example.com:dsap_x:y");
        assert_eq!(
            parse(&format!("Basic {basic}")),
            Carried::Basic {
                user: "ada@example.com".into(),
                password: "dsap_x:y".into()
            }
        );
        for header in [
            "Bearer",
            "Bearer ",
            "Digest abc",
            "Basic !!!",
            "Basic YWRh",
            "abc",
        ] {
            assert_eq!(parse(header), Carried::Malformed, "{header}");
        }
    }
}
