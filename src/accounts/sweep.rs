//! Housekeeping: forget what can no longer be used.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait, QueryFilter};

use crate::entities::{
    captcha_challenge, one_time_token, outbox, password_reset, pending_signup, session,
};

/// How long spent records are kept, so a late second click still shows its outcome.
const GRACE: Duration = Duration::days(7);

/// Deletes sign-ups, reset requests, tokens and sent mail a week after they expired or went,
/// expired sessions, and captcha challenges as soon as they are spent or expired (nothing is
/// shown about them afterwards).
pub async fn sweep(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let cutoff = now - GRACE;
    let tokens = one_time_token::Entity::delete_many()
        .filter(one_time_token::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?;
    let pending = pending_signup::Entity::delete_many()
        .filter(pending_signup::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?;
    let challenges = captcha_challenge::Entity::delete_many()
        .filter(
            captcha_challenge::Column::ExpiresAt
                .lte(now)
                .or(captcha_challenge::Column::UsedAt.is_not_null()),
        )
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
    // Delivered or abandoned letters are kept a week for the record, their bodies already blank.
    let letters = outbox::Entity::delete_many()
        .filter(
            outbox::Column::SentAt
                .lt(cutoff)
                .or(outbox::Column::GaveUpAt.lt(cutoff)),
        )
        .exec(db)
        .await?;
    Ok([tokens, pending, challenges, sessions, resets, letters]
        .iter()
        .map(|deleted| deleted.rows_affected)
        .sum())
}
