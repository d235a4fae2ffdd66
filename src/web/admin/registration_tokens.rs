//! `/admin/registration-tokens`: make, list and revoke the tokens that let sign-ups through in
//! invite-only mode. A new token is shown in the reply that makes it, and never again.

use chrono::Duration;
use rocket::{State, get, post};
use serde::Deserialize;

use crate::accounts::audit::Actor;
use crate::accounts::registration_tokens;
use crate::error::Error;
use crate::limits::ClientAddress;
use crate::web::Doorstep;
use crate::web::account_sessions::ButtonForm;
use crate::web::guards::Admin;
use crate::web::negotiate::{Created, Failed, Input, Reply};
use crate::web::views::{
    ErrorBody, RegistrationTokenList, RegistrationTokenMade, RegistrationTokenRevoked,
};

/// `POST /admin/registration-tokens`, form or JSON.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewTokenForm {
    /// How many sign-ups it lets through (1 to 100000); 1 when left out.
    #[schema(example = "10")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub uses: String,
    /// How long it works: a whole number and `s`, `m`, `h` or `d` (at most 366 days); `7d`
    /// when left out.
    #[schema(example = "7d")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub expires: String,
}

impl NewTokenForm {
    fn uses(&self) -> Result<i64, Error> {
        match self.uses.trim() {
            "" => Ok(1),
            text => text
                .parse()
                .map_err(|_| Error::invalid("uses", "not_a_number")),
        }
    }

    fn lifetime(&self) -> Result<Duration, Error> {
        match self.expires.trim() {
            "" => Ok(Duration::days(7)),
            text => registration_tokens::lifetime(text).ok_or(Error::invalid("expires", "invalid")),
        }
    }
}

/// Every registration token, newest first (by label; never the token).
#[utoipa::path(
    tag = "admin",
    path = "/admin/registration-tokens",
    responses(
        (status = 200, description = "The tokens (browsers: the page to make and revoke them)",
            content((RegistrationTokenList = "application/json"), (String = "text/html"))),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not an admin, or an app password",
            body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/admin/registration-tokens")]
pub async fn list(app: &State<Doorstep>, _admin: Admin) -> Result<Reply, Failed> {
    Ok(Reply::show(listing(app).await?))
}

/// Makes a token for `uses` sign-ups, working for `expires`; the token is in this reply only.
#[utoipa::path(
    tag = "admin",
    path = "/admin/registration-tokens",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie.",
        content((NewTokenForm = "application/json"),
            (NewTokenForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 201, description = "Made: `token` is shown this once",
            content((RegistrationTokenMade = "application/json"), (String = "text/html"))),
        (status = 400, description = "`invalid_request`: `fields.uses` (`not_a_number`, \
            `out_of_range`), `fields.expires` (`invalid`, `out_of_range`)", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not an admin, or an app password",
            body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/admin/registration-tokens", data = "<input>")]
pub async fn create(
    app: &State<Doorstep>,
    admin: Admin,
    client: ClientAddress,
    input: Input<NewTokenForm>,
) -> Result<Created, Failed> {
    let now = app.clock.now();
    let actor = Actor::web(Some(admin.0.id), &client);
    let made = async {
        let (uses, lifetime) = (input.0.uses()?, input.0.lifetime()?);
        registration_tokens::create(&app.accounts.db, &actor, uses, lifetime, now).await
    }
    .await;
    match made {
        Ok(made) => {
            let others = listing(app).await?;
            Ok(Created(Reply::show(RegistrationTokenMade::new(
                made, others,
            ))))
        }
        Err(error) => Err(Failed::refill(error, listing(app).await?)),
    }
}

/// Revokes a token by its label: sign-ups that carry it are refused from now on.
#[utoipa::path(
    tag = "admin",
    path = "/admin/registration-tokens/{label}/revoke",
    params(("label" = String, Path, description = "A token's `label` (its first 8 characters)")),
    request_body(description = "Forms send `csrf_token` with the `doorstep_csrf` cookie.",
        content((ButtonForm = "application/x-www-form-urlencoded"),
            (ButtonForm = "application/json"))),
    responses(
        (status = 200, description = "Revoked", body = RegistrationTokenRevoked),
        (status = 303, description = "Browsers: back to the list"),
        (status = 400, description = "`invalid_request`: `fields.token` `ambiguous` (two \
            tokens share the label: revoke by the token at the command line)",
            body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not an admin, or an app password",
            body = ErrorBody),
        (status = 404, description = "`not_found`: no such token", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/admin/registration-tokens/<label>/revoke", data = "<_input>")]
pub async fn revoke(
    app: &State<Doorstep>,
    admin: Admin,
    client: ClientAddress,
    label: &str,
    _input: Input<ButtonForm>,
) -> Result<Reply, Failed> {
    let now = app.clock.now();
    let actor = Actor::web(Some(admin.0.id), &client);
    let row = registration_tokens::revoke(&app.accounts.db, &actor, label, now).await?;
    Ok(Reply::show_or_send_browsers(
        RegistrationTokenRevoked::new(row),
        app.links().admin_registration_tokens(),
    ))
}

async fn listing(app: &Doorstep) -> Result<RegistrationTokenList, Error> {
    let rows = registration_tokens::list(&app.accounts.db).await?;
    Ok(RegistrationTokenList::new(rows, app.clock.now()))
}
