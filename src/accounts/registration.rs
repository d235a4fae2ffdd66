//! Registration handles: a client that started a sign-up polls its handle to learn when the
//! account exists, without holding anything that could open the account.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use serde::Serialize;

use crate::entities::account::{self, State};
use crate::entities::{pending_signup, registration};
use crate::error::Error;
use crate::random::{digest, is_url_token, url_token};

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

/// Opens a handle for a sign-up inside its transaction; returns the handle, which only the
/// client sees. `pending` is None for an address that already has an account: its handle stays
/// `pending_confirmation` until it expires, as a new address's would, so it tells nothing.
pub async fn open(
    conn: &impl ConnectionTrait,
    pending: Option<i64>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let handle = url_token();
    registration::ActiveModel {
        handle_digest: Set(digest(&handle)),
        pending_signup_id: Set(pending),
        created_at: Set(now),
        expires_at: Set(expires_at),
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

/// The status of `handle`; an unknown or malformed one is `not_found`.
pub async fn status_of(
    db: &DatabaseConnection,
    handle: &str,
    now: DateTime<Utc>,
) -> Result<RegistrationStatus, Error> {
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
    Ok(match (pending, account) {
        (Some(pending), _) if pending.rejected_at.is_some() => RegistrationStatus::Rejected,
        (Some(_), Some(account)) if account.state == State::PendingApproval => {
            RegistrationStatus::PendingApproval
        }
        (Some(pending), _) if pending.account_id.is_some() => RegistrationStatus::Finished,
        _ if found.expires_at <= now => RegistrationStatus::Expired,
        _ => RegistrationStatus::PendingConfirmation,
    })
}
