//! `POST /cadmium`: Cadmium's in-band registration (CPE#3), while `doorstep.compat.cadmium`
//! is on. The adapter is `crate::compat::cadmium`.

use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::Json;
use rocket::{State, post};

use crate::compat::cadmium::{self, Envelope, Message};
use crate::error::Error;
use crate::limits::ClientAddress;
use crate::web::Doorstep;
use crate::web::negotiate::{Failed, Input, refuse};
use crate::web::views::ErrorBody;

/// Passes only while `doorstep.compat.cadmium` is on; otherwise the route is not there (404).
pub struct CadmiumServed;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CadmiumServed {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match req.rocket().state::<Doorstep>() {
            Some(app) if app.settings().cadmium => Outcome::Success(CadmiumServed),
            Some(_) => refuse(req, Error::NotFound),
            None => refuse(req, Error::Internal),
        }
    }
}

/// One Cadmium message: a registration, or the confirmation of its address by the mailed code.
///
/// Every envelope of a known type is answered with 200 and an envelope whose `ok` says how it
/// went; refusals carry `errID` and `errText`. An address that already has an account gets
/// the same reply as a new one (its owner gets a mail instead), so nobody learns who is
/// registered.
#[utoipa::path(
    tag = "cadmium",
    request_body(description = "A Cadmium envelope; its `payload` as `type` says. The captcha \
        the configuration asks for goes inside the registration's `payload`, with doorstep's \
        field names.", content((Envelope = "application/json"))),
    responses(
        (status = 200, description = "The reply envelope: `ok` true with the outcome, or `ok` \
            false with `errID` (`urn:cadmium:profile:register:id_exists` for a taken username, \
            `…:reg_disabled` while sign-up is off, `…:<doorstep code>` for any other refusal, \
            e.g. `…:weak_password`, `…:code_invalid` with `attemptsLeft`, `…:rate_limited`)",
            body = Message),
        (status = 400, description = "`invalid_request`: not a Cadmium envelope \
            (`fields.body`: `malformed`), or a `type` this server does not speak \
            (`fields.type`: `unsupported`)", body = ErrorBody),
        (status = 404, description = "`not_found`: `doorstep.compat.cadmium` is off",
            body = ErrorBody),
    )
)]
#[post("/cadmium", data = "<input>")]
pub async fn message(
    app: &State<Doorstep>,
    _served: CadmiumServed,
    client: ClientAddress,
    input: Input<Envelope>,
) -> Result<Json<Message>, Failed> {
    let reply = cadmium::answer(&app.accounts, input.0, &client, app.clock.now()).await?;
    Ok(Json(reply))
}
