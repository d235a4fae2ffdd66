//! Registration handles: a client that started a sign-up polls its handle to learn when the
//! account exists, without holding anything that could open the account.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;

use super::app_password::{self, SIGN_UP_NAME};
use crate::entities::account::{self, State};
use crate::entities::{pending_signup, registration};
use crate::error::Error;
use crate::random::{digest, is_url_token};

/// How a sign-up stands, as its client may learn it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// The mail's link (or code) has not been used yet.
    PendingConfirmation,
    /// The address is proven; the account waits for an admin's approval.
    PendingApproval,
    /// The account exists and may sign in.
    Finished,
    /// An admin rejected the account: it is gone.
    Rejected,
    /// The link's time ran out before anyone confirmed.
    Expired,
}

/// A status read: how the sign-up stands, and the app password it asked for on the one read
/// that hands it out.
#[derive(Debug)]
pub struct StatusRead {
    pub status: RegistrationStatus,
    pub app_password: Option<String>,
}

/// What a sign-up's client asked for besides the account, kept with its handle. Only the
/// wishes are stored; secrets are made when they are handed out.
#[derive(Debug, Default, Clone, Copy)]
pub struct Wishes {
    /// An app password, handed out by the first status read that says `finished`.
    pub app_password: bool,
    /// A session when it confirms with the handle (Cadmium's `loginOnSuccess`).
    pub login_on_confirm: bool,
}

/// Opens `handle` (a fresh `random::url_token`) for a sign-up inside its transaction; returns
/// it, for the client only (or, for a pictured sign-up, for its mail only). `pending` is None for an address that already has an account: its handle stays
/// `pending_confirmation` until it expires, as a new address's would, so it tells nothing.
/// The handle keeps `email` (as stored) either way, so that confirming by handle and code
/// counts wrong codes against the address exactly as confirming by address and code does.
pub async fn open(
    conn: &impl ConnectionTrait,
    handle: String,
    pending: Option<i64>,
    email: &str,
    wishes: Wishes,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    registration::ActiveModel {
        handle_digest: Set(digest(&handle)),
        pending_signup_id: Set(pending),
        created_at: Set(now),
        expires_at: Set(expires_at),
        app_password: Set(wishes.app_password),
        app_password_issued_at: Set(None),
        email: Set(Some(email.to_owned())),
        login_on_confirm: Set(wishes.login_on_confirm),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(handle)
}

/// Moves the handles of a sign-up whose lifetime was extended (a resent mail).
pub async fn extend(
    conn: &impl ConnectionTrait,
    pending: i64,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    registration::Entity::update_many()
        .col_expr(
            registration::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(expires_at),
        )
        .filter(registration::Column::PendingSignupId.eq(pending))
        .exec(conn)
        .await?;
    Ok(())
}

/// Whether `handle` is the registration handle of the pending sign-up `pending`: what proves
/// that a confirming client is the one that started the sign-up.
pub async fn names(conn: &impl ConnectionTrait, handle: &str, pending: i64) -> Result<bool, DbErr> {
    if !is_url_token(handle) {
        return Ok(false);
    }
    let found = registration::Entity::find()
        .filter(registration::Column::HandleDigest.eq(digest(handle)))
        .one(conn)
        .await?;
    Ok(found.is_some_and(|found| found.pending_signup_id == Some(pending)))
}

/// The sign-up a handle names, as a client that confirms with the handle needs it.
#[derive(Debug)]
pub struct Named {
    /// The address the sign-up was for (it may have had an account already).
    pub email: String,
    /// Whether the client asked, when it signed up, to be signed in on confirmation.
    pub login_on_confirm: bool,
}

/// What `handle` names; None for an unknown or malformed handle, or one made before handles
/// kept their address.
pub async fn named(conn: &impl ConnectionTrait, handle: &str) -> Result<Option<Named>, DbErr> {
    if !is_url_token(handle) {
        return Ok(None);
    }
    let found = registration::Entity::find()
        .filter(registration::Column::HandleDigest.eq(digest(handle)))
        .one(conn)
        .await?;
    Ok(found.and_then(|found| {
        found.email.map(|email| Named {
            email,
            login_on_confirm: found.login_on_confirm,
        })
    }))
}

/// The status of `handle`; an unknown or malformed one is `not_found`. The first read that says
/// `finished` also hands out the app password the sign-up asked for (while
/// `doorstep.auth.app-passwords` is on, which `app_passwords` says).
pub async fn status_of(
    db: &DatabaseConnection,
    handle: &str,
    app_passwords: bool,
    now: DateTime<Utc>,
) -> Result<StatusRead, Error> {
    if !is_url_token(handle) {
        return Err(Error::NotFound);
    }
    let found = registration::Entity::find()
        .filter(registration::Column::HandleDigest.eq(digest(handle)))
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let pending = match found.pending_signup_id {
        Some(id) => pending_signup::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let account = match pending.as_ref().and_then(|pending| pending.account_id) {
        Some(id) => account::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let status = match (&pending, &account) {
        (Some(pending), _) if pending.rejected_at.is_some() => RegistrationStatus::Rejected,
        (Some(_), Some(account)) if account.state == State::PendingApproval => {
            RegistrationStatus::PendingApproval
        }
        (Some(pending), _) if pending.account_id.is_some() => RegistrationStatus::Finished,
        _ if found.expires_at <= now => RegistrationStatus::Expired,
        _ => RegistrationStatus::PendingConfirmation,
    };
    // Handed out only once the account may use it: not while it waits for approval.
    let account_id = account.map(|account| account.id);
    let app_password = match account_id {
        Some(account_id)
            if status == RegistrationStatus::Finished
                && app_passwords
                && found.app_password
                && found.app_password_issued_at.is_none() =>
        {
            hand_out_app_password(db, found.id, account_id, now).await?
        }
        _ => None,
    };
    Ok(StatusRead {
        status,
        app_password,
    })
}

/// Marks the handle's app password handed out and makes it, in one transaction: the
/// conditional update lets exactly one of two racing reads through (the other waits for the
/// row, then finds it marked and gets none).
async fn hand_out_app_password(
    db: &DatabaseConnection,
    registration_id: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<String>, Error> {
    let txn = db.begin().await?;
    let marked = registration::Entity::update_many()
        .col_expr(registration::Column::AppPasswordIssuedAt, Expr::value(now))
        .filter(registration::Column::Id.eq(registration_id))
        .filter(registration::Column::AppPasswordIssuedAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        return Ok(None);
    }
    let issued = app_password::issue(&txn, account_id, SIGN_UP_NAME, now).await?;
    txn.commit().await?;
    Ok(Some(issued.secret))
}
