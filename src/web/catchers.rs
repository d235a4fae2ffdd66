//! Rocket's own errors (unknown route, bad body, a guard's refusal) rendered like ours.

use rocket::Request;
use rocket::http::Status;

use super::negotiate::{Failed, take_stashed};
use crate::error::Error;

#[rocket::catch(default)]
pub fn default(status: Status, req: &Request<'_>) -> Failed {
    let error = take_stashed(req).unwrap_or_else(|| match status.code {
        404 | 405 => Error::NotFound,
        413 => Error::BodyTooLarge,
        414 => Error::UriTooLong,
        415 => Error::UnsupportedMediaType,
        431 => Error::HeadersTooLarge,
        400..=499 => Error::InvalidRequest(Default::default()),
        _ => Error::Internal,
    });
    error.into()
}
