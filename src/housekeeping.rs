//! Housekeeping: the periodic sweep that forgets what can no longer be used, each table by the
//! module that owns it, on a schedule of its own (not the mail worker's).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};

use crate::clock::Clock;
use crate::{accounts, captcha, limits, mail};

/// How often the sweep runs; the first run is at start-up.
const EVERY: Duration = Duration::from_secs(3600);

/// Deletes sign-ups, reset requests, tokens and sent mail a week after they expired or went,
/// expired sessions and one-time codes, spent or expired captcha challenges and old rate-limit counters. Returns
/// how many rows went.
pub async fn sweep(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(accounts::sweep::forget_expired(db, now).await?
        + accounts::self_service::email_change::sweep(db, now).await?
        + captcha::image::sweep(db, now).await?
        + mail::outbox::sweep(db, now, accounts::sweep::GRACE).await?
        + limits::sweep(db, now).await?)
}

/// Sweeps now and then every hour until `stop` resolves; a failed round is logged and retried
/// at the next.
pub async fn run(
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    let mut every = tokio::time::interval(EVERY);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = every.tick() => {}
        }
        if let Err(err) = sweep(&db, clock.now()).await {
            log::error!("sweeping expired records: {err}");
        }
    }
}
