//! Housekeeping: forget what can no longer be used.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait, QueryFilter};

use crate::entities::{captcha_challenge, one_time_token, pending_signup};

/// How long spent records are kept, so a late second click still shows its outcome.
const GRACE: Duration = Duration::days(7);

/// Deletes sign-ups and tokens that expired more than a week ago, and captcha challenges as
/// soon as they are spent or expired (nothing is shown about them afterwards).
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
    Ok(tokens.rows_affected + pending.rows_affected + challenges.rows_affected)
}
