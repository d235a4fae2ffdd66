//! `GET /admin`: what needs an admin now.

use rocket::{State, get};

use crate::accounts::admin::{self, AccountFilter};
use crate::entities::account::State as AccountState;
use crate::mail::outbox;
use crate::web::Doorstep;
use crate::web::guards::Admin;
use crate::web::negotiate::{Failed, Reply};
use crate::web::views::{ErrorBody, Notice, Overview};

/// How many waiting accounts, new accounts and mail failures the overview shows.
const PENDING_SHOWN: u64 = 20;
const RECENT_SHOWN: u64 = 10;
const FAILURES_SHOWN: u64 = 5;

/// The accounts waiting for approval (with their buttons), the newest accounts, how many
/// accounts are in each state, and how mail delivery goes.
#[utoipa::path(
    tag = "admin",
    params(("notice" = Option<String>, Query,
        description = "Set by an action's redirect: what was done, shown once")),
    responses(
        (status = 200, description = "The overview (or its page)",
            content((Overview = "application/json"), (String = "text/html"))),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: not an admin, or an app password",
            body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/admin?<notice>")]
pub async fn overview(
    app: &State<Doorstep>,
    _admin: Admin,
    notice: Option<&str>,
) -> Result<Reply, Failed> {
    let db = &app.accounts.db;
    let waiting = AccountFilter {
        state: Some(AccountState::PendingApproval),
        ..Default::default()
    };
    let pending = admin::list(db, &waiting, None, PENDING_SHOWN).await?;
    let recent = admin::newest(db, RECENT_SHOWN).await?;
    let counts = admin::count_by_state(db).await?;
    let health = outbox::health(db, FAILURES_SHOWN)
        .await
        .map_err(crate::error::Error::from)?;
    Ok(Reply::show(Overview::new(
        pending,
        recent,
        counts,
        health,
        Notice::named(notice),
    )))
}
