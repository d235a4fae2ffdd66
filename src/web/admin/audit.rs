//! `GET /admin/audit`: the audit log, newest first.

use rocket::{State, get};

use crate::accounts::audit::{self, EventFilter};
use crate::error::Error;
use crate::web::Doorstep;
use crate::web::guards::Admin;
use crate::web::negotiate::{Failed, Reply};
use crate::web::views::{AuditList, AuditQuery, ErrorBody};

/// Events on a page.
const PAGE: u64 = 50;

/// A page of the audit log, newest first, of one account or one kind of event if asked;
/// older pages by the `page` value this one gives as `next`.
#[utoipa::path(
    tag = "admin",
    params(
        ("account" = Option<i64>, Query, description = "Only events about this account id"),
        ("event" = Option<String>, Query, description = "Only this event (`sign_in`, \
            `account_approved`, …)"),
        ("page" = Option<i64>, Query, description = "The previous page's `next`"),
    ),
    responses(
        (status = 200, description = "A page of events (or its page)",
            content((AuditList = "application/json"), (String = "text/html"))),
        (status = 400, description = "`invalid_request` (`fields.account`, `fields.page`: \
            `invalid`)", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/admin/audit?<account>&<event>&<page>")]
pub async fn list(
    app: &State<Doorstep>,
    _admin: Admin,
    account: Option<String>,
    event: Option<String>,
    page: Option<String>,
) -> Result<Reply, Failed> {
    let query = AuditQuery {
        account: account.unwrap_or_default(),
        event: event.unwrap_or_default(),
    };
    let filter = EventFilter {
        account: number(&query.account, "account")?,
        event: Some(query.event.clone()).filter(|event| !event.is_empty()),
    };
    let before = number(page.as_deref().unwrap_or_default(), "page")?;
    let events = audit::page(&app.accounts.db, &filter, before, PAGE)
        .await
        .map_err(Error::from)?;
    Ok(Reply::show(AuditList::new(events, query, before.is_none())))
}

/// A form's number: empty is none, anything but digits `invalid`.
fn number(value: &str, field: &'static str) -> Result<Option<i64>, Error> {
    match value.trim() {
        "" => Ok(None),
        digits => digits
            .parse()
            .map(Some)
            .map_err(|_| Error::invalid(field, "invalid")),
    }
}
