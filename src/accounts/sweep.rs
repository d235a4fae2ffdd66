//! Forgetting what can no longer be used: sign-ups, links, codes, sessions and reset requests.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use crate::entities::{
    invitation, one_time_token, password_reset, pending_signup, registration, registration_token,
    session,
};

/// How long spent records are kept, so a late second click still shows its outcome.
pub const GRACE: Duration = Duration::days(7);

/// Deletes sign-ups, reset requests and tokens a week after they expired, and expired sessions
/// and codes.
pub async fn forget_expired(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let cutoff = now - GRACE;
    let tokens = one_time_token::Entity::delete_many()
        .filter(one_time_token::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?;
    let pending = pending_signup::Entity::delete_many()
        .filter(pending_signup::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?;
    // Kept as long as their sign-ups, so a late poll still learns the outcome.
    let registrations = registration::Entity::delete_many()
        .filter(registration::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?;
    let sessions = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    // With their staged two-step passwords, and the records of requests for unknown addresses.
    let resets = password_reset::Entity::delete_many()
        .filter(password_reset::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?;
    // Invitations and registration tokens stay listed a week past their expiry, then go.
    let invitations = invitation::Entity::delete_many()
        .filter(invitation::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?;
    let registration_tokens = registration_token::Entity::delete_many()
        .filter(registration_token::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?;
    // Codes live minutes and nothing is shown about them later: gone once expired.
    let codes = super::code::sweep(db, now).await?;
    Ok([
        tokens,
        pending,
        registrations,
        sessions,
        resets,
        invitations,
        registration_tokens,
    ]
    .iter()
    .map(|deleted| deleted.rows_affected)
    .sum::<u64>()
        + codes)
}
