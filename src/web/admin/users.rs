//! `/admin/users`: finding accounts, an account's page, and what admins do to accounts.

use rocket::{State, get, post};
use serde::Deserialize;

use crate::accounts::admin::{self, AccountFilter, Cursor, parse_role, parse_state};
use crate::accounts::audit::Actor;
use crate::entities::account;
use crate::error::Error;
use crate::limits::ClientAddress;
use crate::web::Doorstep;
use crate::web::guards::Admin;
use crate::web::negotiate::{Failed, Input, Reply};
use crate::web::views::{AccountList, AccountPage, AdminAccount, ErrorBody, ListQuery, Notice};

/// Accounts on a page unless `limit` says otherwise.
const PAGE: u64 = 50;

/// A page of accounts: all of them in id order, or those whose address, username, first or
/// last name starts with `q` (case-insensitive) in the order of what matched; filtered by
/// `state` and `role`. Pages are keyset pages: the next one is asked for with the `page`
/// value this one gives as `next`, so every page costs the same, however deep.
#[utoipa::path(
    tag = "admin",
    params(
        ("q" = Option<String>, Query, description = "A prefix of the address, username, first \
            or last name"),
        ("state" = Option<String>, Query, description = "`active`, `pending_approval` or \
            `disabled`"),
        ("role" = Option<String>, Query, description = "`member`, `inviter` or `admin`"),
        ("page" = Option<String>, Query, description = "The previous page's `next`"),
        ("limit" = Option<u64>, Query, description = "Accounts per page, 1 to 500 (50)"),
        ("notice" = Option<String>, Query, description = "Set by an action's redirect"),
    ),
    responses(
        (status = 200, description = "A page of accounts (or its page)",
            content((AccountList = "application/json"), (String = "text/html"))),
        (status = 400, description = "`invalid_request` (`fields.state`, `fields.role`, \
            `fields.page`: `invalid`)", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/admin/users?<q>&<state>&<role>&<page>&<limit>&<notice>")]
#[allow(clippy::too_many_arguments)]
pub async fn list(
    app: &State<Doorstep>,
    _admin: Admin,
    q: Option<String>,
    state: Option<String>,
    role: Option<String>,
    page: Option<String>,
    limit: Option<u64>,
    notice: Option<&str>,
) -> Result<Reply, Failed> {
    let query = ListQuery {
        q: q.unwrap_or_default(),
        state: state.unwrap_or_default(),
        role: role.unwrap_or_default(),
    };
    let filter = AccountFilter {
        state: named(&query.state, "state", parse_state)?,
        role: named(&query.role, "role", parse_role)?,
        search: Some(query.q.clone()),
    };
    let after: Option<Cursor> = page
        .filter(|page| !page.is_empty())
        .map(|page| page.parse())
        .transpose()?;
    let first = after.is_none();
    let limit = limit.unwrap_or(PAGE);
    let listing = admin::list(&app.accounts.db, &filter, after.as_ref(), limit).await?;
    Ok(Reply::show(AccountList::new(
        listing,
        query,
        first,
        Notice::named(notice),
    )))
}

/// An empty parameter is none; a name not on the list is `invalid`.
fn named<T>(
    value: &str,
    field: &'static str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, Error> {
    match value {
        "" => Ok(None),
        name => parse(name)
            .map(Some)
            .ok_or_else(|| Error::invalid(field, "invalid")),
    }
}

/// An account: its details, how many sessions and app passwords it holds, its latest events.
#[utoipa::path(
    tag = "admin",
    params(
        ("id" = i64, Path, description = "The account's id"),
        ("notice" = Option<String>, Query, description = "Set by an action's redirect"),
    ),
    responses(
        (status = 200, description = "The account (or its page)",
            content((AccountPage = "application/json"), (String = "text/html"))),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/admin/users/<id>?<notice>")]
pub async fn show(
    app: &State<Doorstep>,
    _admin: Admin,
    id: i64,
    notice: Option<&str>,
) -> Result<Reply, Failed> {
    let details = admin::show(&app.accounts.db, id, app.clock.now()).await?;
    Ok(Reply::show(AccountPage::new(
        details,
        Notice::named(notice),
    )))
}

/// What an admin does to an account, by the last segment of its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Approve,
    Reject,
    Disable,
    Enable,
    Delete,
}

impl Action {
    /// An action by its name; another name is a path that does not exist.
    fn named(name: &str) -> Result<Action, Error> {
        match name {
            "approve" => Ok(Action::Approve),
            "reject" => Ok(Action::Reject),
            "disable" => Ok(Action::Disable),
            "enable" => Ok(Action::Enable),
            "delete" => Ok(Action::Delete),
            _ => Err(Error::NotFound),
        }
    }
}

/// An action's form: its CSRF token (checked by `Input`), and where the browser goes back to.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionForm {
    /// `overview` to return to `/admin`; otherwise the account's page (or, once the account
    /// is gone, the list).
    #[serde(default)]
    back: String,
}

/// Approves, rejects, disables, enables or deletes an account, as `doorstep users` does: the
/// owner is mailed on approval and rejection, disabling ends its sessions at once, and the
/// last active admin cannot be disabled or deleted. Programs get the account (as it was, once
/// deleted or rejected); browsers go back with a notice.
#[utoipa::path(
    tag = "admin",
    params(
        ("id" = i64, Path, description = "The account's id"),
        ("action" = String, Path, description = "`approve`, `reject`, `disable`, `enable` or \
            `delete`"),
    ),
    request_body(description = "Forms send `csrf_token` with the `doorstep_csrf` cookie; \
        programs send `{}`.",
        content((ActionForm = "application/json"),
            (ActionForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Done: the account", body = AdminAccount),
        (status = 303, description = "Browsers: back to the account's page (or the overview, \
            or the list) with a notice"),
        (status = 400, description = "`invalid_request`: `fields.account` is `last_admin` (the \
            last active admin), `not_pending` (approve, reject) or `not_disabled` (enable a \
            waiting account)", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`, `csrf_invalid`, `origin_not_allowed`",
            body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/admin/users/<id>/<action>", data = "<input>", rank = 2)]
pub async fn act(
    app: &State<Doorstep>,
    admin: Admin,
    client: ClientAddress,
    id: i64,
    action: &str,
    input: Input<ActionForm>,
) -> Result<Reply, Failed> {
    let action = Action::named(action)?;
    let (ctx, now) = (&app.accounts, app.clock.now());
    let actor = Actor::web(Some(admin.0.id), &client);
    let (account, notice) = match action {
        Action::Approve => (
            admin::approve(ctx, &actor, id, now).await?,
            Notice::Approved,
        ),
        Action::Reject => (admin::reject(ctx, &actor, id, now).await?, Notice::Rejected),
        Action::Disable => (
            admin::disable(ctx, &actor, id, now).await?,
            Notice::Disabled,
        ),
        Action::Enable => (admin::enable(ctx, &actor, id, now).await?, Notice::Enabled),
        Action::Delete => (admin::delete(ctx, &actor, id, now).await?, Notice::Deleted),
    };
    Ok(done(app, &account, notice, &input.0.back))
}

/// The role form.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RoleForm {
    /// `member`, `inviter` or `admin`.
    role: String,
    #[serde(default)]
    back: String,
}

/// Gives an account another role, from its next request on; the last active admin cannot be
/// demoted.
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "The account's id")),
    request_body(description = "Forms send `csrf_token` with the `doorstep_csrf` cookie.",
        content((RoleForm = "application/json"),
            (RoleForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Done: the account", body = AdminAccount),
        (status = 303, description = "Browsers: back to the account's page with a notice"),
        (status = 400, description = "`invalid_request`: `fields.role` is `invalid`, or \
            `fields.account` is `last_admin`", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`, `csrf_invalid`, `origin_not_allowed`",
            body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/admin/users/<id>/role", data = "<input>", rank = 1)]
pub async fn set_role(
    app: &State<Doorstep>,
    admin: Admin,
    client: ClientAddress,
    id: i64,
    input: Input<RoleForm>,
) -> Result<Reply, Failed> {
    let form = input.0;
    let role = parse_role(&form.role).ok_or_else(|| Error::invalid("role", "invalid"))?;
    let actor = Actor::web(Some(admin.0.id), &client);
    let account = admin::set_role(&app.accounts, &actor, id, role, app.clock.now()).await?;
    Ok(done(app, &account, Notice::RoleChanged, &form.back))
}

/// Programs get the account; browsers go back where they acted, with a notice: the overview
/// when they came from it, else the account's page, or the list once the account is gone.
fn done(app: &Doorstep, account: &account::Model, notice: Notice, back: &str) -> Reply {
    let gone = matches!(notice, Notice::Deleted | Notice::Rejected);
    let page = match (back, gone) {
        ("overview", _) => String::new(),
        (_, true) => "/users".to_owned(),
        (_, false) => format!("/users/{}", account.id),
    };
    let url = format!(
        "{}?notice={}",
        app.links().admin_page(&page),
        notice.as_str()
    );
    Reply::show_or_send_browsers(AdminAccount::new(account), url)
}
