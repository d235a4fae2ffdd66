//! What Nextcloud's routes read and answer with: bodies kept for the handler whether or not
//! they could be read, and refusals in the draft's or OCS's shape.

use std::time::Duration;

use rocket::data::{FromData, Outcome as DataOutcome};
use rocket::http::{Header, Status};
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{Data, Request};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::compat::nextcloud::{Ocs, Refusal};
use crate::error::Error;
use crate::web::negotiate::{Forms, read_body};

/// A draft body: JSON only (a Nextcloud client has no CSRF token for a form), kept for the
/// handler whether or not it could be read.
pub struct DraftBody<T>(pub Result<T, Error>);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for DraftBody<T> {
    type Error = std::convert::Infallible;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> DataOutcome<'r, Self> {
        DataOutcome::Success(DraftBody(read_body(req, data, Forms::Refused).await))
    }
}

/// An OCS body: JSON asked for (else 406), `OCS-APIRequest: true` sent (else 401), both
/// checked before the body is read; then a form or JSON.
pub struct OcsBody<T>(pub Result<T, Error>);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for OcsBody<T> {
    type Error = std::convert::Infallible;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> DataOutcome<'r, Self> {
        let read = match ocs_request(req) {
            Ok(()) => read_body(req, data, Forms::BehindHeader).await,
            Err(error) => Err(error),
        };
        DataOutcome::Success(OcsBody(read))
    }
}

/// Nextcloud's guard against pages elsewhere is the `OCS-APIRequest` header, which a form
/// cannot add and a script elsewhere cannot send without a preflight; and OCS answers XML
/// unless asked for JSON, which is all doorstep offers.
fn ocs_request(req: &Request<'_>) -> Result<(), Error> {
    let json = match req.query_value::<&str>("format") {
        Some(format) => format.is_ok_and(|format| format.eq_ignore_ascii_case("json")),
        // Asking for nothing in particular gets JSON; asking for XML (or only HTML) does not.
        None => req.accept().is_none_or(|accept| {
            accept
                .iter()
                .any(|media| media.is_json() || (media.top() == "*" && media.sub() == "*"))
        }),
    };
    if !json {
        return Err(Error::NotAcceptable);
    }
    let header = req.headers().get_one("OCS-APIRequest");
    if !header.is_some_and(|value| value.trim().eq_ignore_ascii_case("true")) {
        return Err(Error::OcsHeaderMissing);
    }
    Ok(())
}

/// A reply of the draft API: its view, or `{"message": …}` with the refusal's status.
pub type Draft<T> = Result<Json<T>, Drafted>;

/// A refusal of the draft API.
pub struct Drafted(Refusal);

impl From<Error> for Drafted {
    fn from(error: Error) -> Drafted {
        Drafted(error.into())
    }
}

impl From<Refusal> for Drafted {
    fn from(refusal: Refusal) -> Drafted {
        Drafted(refusal)
    }
}

impl<'r> Responder<'r, 'static> for Drafted {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        answer(req, &self.0, self.0.draft())
    }
}

/// A reply of the OCS API: `data` in the envelope, or the envelope of a failure.
pub type OcsReply<T> = Result<Json<Ocs<T>>, OcsRefused>;

/// A refusal of the OCS API.
pub struct OcsRefused(Refusal);

impl From<Error> for OcsRefused {
    fn from(error: Error) -> OcsRefused {
        OcsRefused(error.into())
    }
}

impl From<Refusal> for OcsRefused {
    fn from(refusal: Refusal) -> OcsRefused {
        OcsRefused(refusal)
    }
}

impl<'r> Responder<'r, 'static> for OcsRefused {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        answer(req, &self.0, self.0.ocs())
    }
}

fn answer(req: &Request<'_>, refusal: &Refusal, body: impl Serialize) -> response::Result<'static> {
    let mut response = Json(body).respond_to(req)?;
    response.set_status(Status::new(refusal.status));
    if let Some(wait) = refusal.retry_after {
        let seconds = wait.max(Duration::from_secs(1)).as_secs();
        response.set_header(Header::new("Retry-After", seconds.to_string()));
    }
    Ok(response)
}
