//! What DSpace's routes read and answer with: bodies kept for the handler whether or not they
//! could be read, the headers and query values DSpace sends, and refusals in Spring's error
//! shape (`timestamp`, `status`, `error`, `message`, `path`) with DSpace's statuses.

use std::time::Duration;

use rocket::data::{FromData, Outcome as DataOutcome};
use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome};
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{Data, Request};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use crate::compat::dspace::{Call, Refusal, RequestType};
use crate::error::Error;
use crate::web::Doorstep;
use crate::web::negotiate::{Forms, read_body};

/// A JSON body, kept for the handler whether or not it could be read, so that a bad one is
/// refused in DSpace's shape and after the query's own refusal.
pub struct DSpaceBody<T>(pub Result<T, Error>);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for DSpaceBody<T> {
    type Error = std::convert::Infallible;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> DataOutcome<'r, Self> {
        DataOutcome::Success(DSpaceBody(read_body(req, data, Forms::Refused).await))
    }
}

/// A JSON Patch body (`application/json-patch+json`, or plain JSON as some clients send it).
pub struct PatchBody<T>(pub Result<T, Error>);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for PatchBody<T> {
    type Error = std::convert::Infallible;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> DataOutcome<'r, Self> {
        DataOutcome::Success(PatchBody(read_body(req, data, Forms::JsonPatch).await))
    }
}

/// `accountRequestType`, as parsed; a missing or unknown one is refused by the handler.
pub struct AccountRequestType(pub Result<RequestType, Error>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AccountRequestType {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let sent = req
            .query_value::<&str>("accountRequestType")
            .and_then(Result::ok);
        Outcome::Success(AccountRequestType(RequestType::parse(sent)))
    }
}

/// The captcha answer DSpace sends beside the body: `X-Captcha-Payload` (DSpace 7.6 and
/// later), or `X-Recaptcha-Token` (earlier 7.x).
pub struct CaptchaHeader(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CaptchaHeader {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let headers = req.headers();
        let sent = headers
            .get_one("X-Captcha-Payload")
            .or_else(|| headers.get_one("X-Recaptcha-Token"));
        Outcome::Success(CaptchaHeader(sent.map(str::to_owned)))
    }
}

/// A reply of DSpace's routes: the reply, or a refusal in Spring's shape.
pub type Answer<T> = Result<T, Refused>;

/// A refusal of DSpace's API, and for a 405 the methods the path does take.
pub struct Refused(Refusal, Option<&'static str>);

impl Refused {
    /// `error` as DSpace answers it on `call`.
    pub fn on(call: Call) -> impl Fn(Error) -> Refused {
        move |error| Refused(Refusal::of(&error, call), None)
    }

    /// 405, with `Allow` listing what the path takes (empty: nothing).
    pub fn method_not_allowed(allow: &'static str) -> Refused {
        Refused(Refusal::method_not_allowed(), Some(allow))
    }
}

/// Spring Boot's error body, as DSpace's REST API sends every refusal.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DSpaceError)]
pub struct SpringError {
    /// When it happened, as Spring writes it.
    #[schema(example = "2026-12-04T16:30:00.123+00:00")]
    timestamp: String,
    #[schema(example = 422)]
    status: u16,
    /// The status's reason phrase.
    #[schema(example = "Unprocessable Entity")]
    error: String,
    /// For people; the wording may change.
    message: String,
    /// The request's path, without its query (where tokens are).
    #[schema(example = "/server/api/eperson/registrations")]
    path: String,
}

impl<'r> Responder<'r, 'static> for Refused {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = Status::new(self.0.status);
        let now = match req.rocket().state::<Doorstep>() {
            Some(app) => app.clock.now(),
            None => chrono::Utc::now(),
        };
        let body = SpringError {
            timestamp: now.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string(),
            status: status.code,
            error: status.reason_lossy().to_owned(),
            message: self.0.message,
            path: req.uri().path().to_string(),
        };
        let mut response = Json(body).respond_to(req)?;
        response.set_status(status);
        if let Some(wait) = self.0.retry_after {
            let seconds = wait.max(Duration::from_secs(1)).as_secs();
            response.set_header(Header::new("Retry-After", seconds.to_string()));
        }
        if let Some(allow) = self.1 {
            response.set_header(Header::new("Allow", allow));
        }
        Ok(response)
    }
}
