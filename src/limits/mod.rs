//! Rate limits: fixed-window counters in the database, so every instance sees the same count.
//!
//! One atomic upsert per hit counts it and returns the new total, on SQLite and PostgreSQL
//! alike. A fixed window may let up to twice the rate through around its edge; for limits
//! meant to stop floods, not to meter, that is the simpler trade.

pub mod client;

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

pub use client::ClientAddress;

use crate::config::{Rate, RateLimits};
use crate::error::Error;
use crate::metrics::{self, Limit};

/// Registration status reads one client may make: polling is cheap, a scan of handles is not.
pub const STATUS_POLLS: Rate = Rate {
    count: 60,
    period: Duration::from_secs(60),
};

/// Username availability checks one client may make: one a keystroke pause is plenty, and a
/// list of who is registered should not come cheap.
pub const USERNAME_CHECKS: Rate = Rate {
    count: 60,
    period: Duration::from_secs(60),
};

/// New captcha images one client may ask for: each costs milliseconds of CPU.
pub const CAPTCHA_IMAGES: Rate = Rate {
    count: 30,
    period: Duration::from_secs(60),
};

/// Failed sign-ins for one address from one client before that client is paused on it.
/// Counted per address typed, so it says nothing about which accounts exist, and per client,
/// so that a stranger's failures do not lock the owner out.
pub const SIGN_IN_FAILURES: Rate = Rate {
    count: 10,
    period: Duration::from_secs(15 * 60),
};

/// Failed sign-ins for one address from all clients together: a ceiling for guessing spread
/// over many addresses, high enough that one stranger alone cannot reach it.
pub const SIGN_IN_FAILURES_ALL: Rate = Rate {
    count: 100,
    period: Duration::from_secs(15 * 60),
};

/// Keys longer than this are stored as their SHA-256: whatever a client types, a counter row
/// stays small.
const LONGEST_KEY: usize = 96;

/// Counts one hit on `key`; `rate_limited` (with the wait) once the window's count is spent.
pub async fn hit(
    db: &DatabaseConnection,
    key: &str,
    rate: Rate,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let (window, retry_after) = window(rate, now);
    let key = stored_key(key);
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => upsert("$1", "$2"),
        _ => upsert("?", "?"),
    };
    let hits = window_hits(db, sql, &key, window)
        .await?
        .ok_or_else(|| Error::internal("rate limit", "the upsert returned no row"))?;
    if hits > i64::from(rate.count) {
        Err(Error::RateLimited { retry_after })
    } else {
        Ok(())
    }
}

/// Whether `key` has used up its count in this window, without counting a hit.
pub async fn check(
    db: &DatabaseConnection,
    key: &str,
    rate: Rate,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let (window, retry_after) = window(rate, now);
    let key = stored_key(key);
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "SELECT hits FROM rate_limits WHERE key = $1 AND window_start = $2",
        _ => "SELECT hits FROM rate_limits WHERE key = ? AND window_start = ?",
    };
    let hits = window_hits(db, sql, &key, window).await?.unwrap_or(0);
    if hits >= i64::from(rate.count) {
        Err(Error::RateLimited { retry_after })
    } else {
        Ok(())
    }
}

/// Runs `sql` (binding the key and window) and reads the `hits` it returns, if a row.
async fn window_hits(
    db: &DatabaseConnection,
    sql: impl Into<String>,
    key: &str,
    window: i64,
) -> Result<Option<i64>, Error> {
    let statement =
        Statement::from_sql_and_values(db.get_database_backend(), sql, [key.into(), window.into()]);
    match db.query_one_raw(statement).await? {
        Some(row) => Ok(Some(row.try_get("", "hits")?)),
        None => Ok(None),
    }
}

fn stored_key(key: &str) -> String {
    if key.len() <= LONGEST_KEY {
        key.to_owned()
    } else {
        format!("sha256:{}", crate::random::digest(key))
    }
}

/// Counts a hit and returns the window's total, in one statement (`SET` sees the old row).
fn upsert(key: &str, window: &str) -> String {
    format!(
        "INSERT INTO rate_limits (key, window_start, hits) VALUES ({key}, {window}, 1) \
         ON CONFLICT (key) DO UPDATE SET \
         hits = CASE WHEN rate_limits.window_start = excluded.window_start \
         THEN rate_limits.hits + 1 ELSE 1 END, \
         window_start = excluded.window_start \
         RETURNING hits"
    )
}

/// The start of the window `now` falls in (Unix seconds) and the time left in it.
fn window(rate: Rate, now: DateTime<Utc>) -> (i64, Duration) {
    let period = i64::try_from(rate.period.as_secs().max(1)).unwrap_or(i64::MAX);
    let seconds = now.timestamp();
    let start = seconds - seconds.rem_euclid(period);
    let left = u64::try_from(start + period - seconds).unwrap_or(1).max(1);
    (start, Duration::from_secs(left))
}

/// Counts a refusal by `limit` in the metrics, and passes the result on.
fn counted(limit: Limit, result: Result<(), Error>) -> Result<(), Error> {
    if let Err(Error::RateLimited { .. }) = result {
        metrics::RATE_LIMITED.inc(limit);
    }
    result
}

/// Counts a request that may send mail against its client's limit.
pub async fn allow_client(
    db: &DatabaseConnection,
    limits: &RateLimits,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let key = format!("ip:{}", client.limit_key());
    counted(Limit::Ip, hit(db, &key, limits.ip, now).await)
}

/// Counts a registration status read against its client's limit.
pub async fn allow_status_poll(
    db: &DatabaseConnection,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let key = format!("status:{}", client.limit_key());
    counted(Limit::StatusPolls, hit(db, &key, STATUS_POLLS, now).await)
}

/// Counts a username availability check against its client's limit.
pub async fn allow_username_check(
    db: &DatabaseConnection,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let key = format!("username:{}", client.limit_key());
    counted(
        Limit::UsernameChecks,
        hit(db, &key, USERNAME_CHECKS, now).await,
    )
}

/// Counts a new captcha picture against its client's limit: each costs milliseconds of CPU
/// and a row.
pub async fn allow_captcha_image(
    db: &DatabaseConnection,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let key = format!("captcha:{}", client.limit_key());
    counted(
        Limit::CaptchaImages,
        hit(db, &key, CAPTCHA_IMAGES, now).await,
    )
}

/// Counts a mail about to be queued: per target address (whether or not it has an account,
/// so a refusal tells nothing) and against the server's mail budget. Called once nothing but
/// the write is left, so a request refused for another reason (say, `busy`) spends none.
pub async fn allow_mail_to(
    db: &DatabaseConnection,
    limits: &RateLimits,
    email_key: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let key = format!("email:{email_key}");
    counted(Limit::Email, hit(db, &key, limits.email, now).await)?;
    counted(Limit::Mail, hit(db, "mail", limits.mail, now).await)
}

/// Counts a sign-in attempt per client, and refuses an address whose failures are spent.
pub async fn allow_sign_in(
    db: &DatabaseConnection,
    limits: &RateLimits,
    client: &ClientAddress,
    email_key: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    allow_client(db, limits, client, now).await?;
    let (mine, all) = sign_in_keys(client, email_key);
    let failures = check(db, &mine, SIGN_IN_FAILURES, now).await;
    counted(Limit::SignInFailures, failures)?;
    let failures = check(db, &all, SIGN_IN_FAILURES_ALL, now).await;
    counted(Limit::SignInFailuresAll, failures)
}

/// Records a failed sign-in for the address typed, from this client.
pub async fn sign_in_failed(
    db: &DatabaseConnection,
    client: &ClientAddress,
    email_key: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let (mine, all) = sign_in_keys(client, email_key);
    for (key, rate) in [(mine, SIGN_IN_FAILURES), (all, SIGN_IN_FAILURES_ALL)] {
        match hit(db, &key, rate, now).await {
            Err(Error::RateLimited { .. }) | Ok(()) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

fn sign_in_keys(client: &ClientAddress, email_key: &str) -> (String, String) {
    (
        format!("signin:{}:{email_key}", client.limit_key()),
        format!("signin:{email_key}"),
    )
}

/// A day, the window of wrong one-time codes per address.
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Whether the address typed may still try a code today: `false` once `daily_failures`
/// wrong codes were counted for it (whether or not anything is pending there).
pub async fn may_try_code(
    db: &DatabaseConnection,
    email_key: &str,
    daily_failures: u32,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let rate = Rate {
        count: daily_failures,
        period: DAY,
    };
    match check(db, &format!("code:{email_key}"), rate, now).await {
        Ok(()) => Ok(true),
        Err(Error::RateLimited { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Records a wrong code for the address typed; no new code mailed resets the count.
pub async fn code_failed(
    db: &DatabaseConnection,
    email_key: &str,
    daily_failures: u32,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let rate = Rate {
        count: daily_failures,
        period: DAY,
    };
    match hit(db, &format!("code:{email_key}"), rate, now).await {
        Err(Error::RateLimited { .. }) | Ok(()) => Ok(()),
        Err(other) => Err(other),
    }
}

/// Deletes counters whose window ended long ago.
pub async fn sweep(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, sea_orm::DbErr> {
    // The longest configurable period is 7 days.
    let before = now.timestamp() - 8 * 86_400;
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "DELETE FROM rate_limits WHERE window_start < $1",
        _ => "DELETE FROM rate_limits WHERE window_start < ?",
    };
    let deleted = db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [before.into()],
        ))
        .await?;
    Ok(deleted.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_are_aligned_and_say_how_long_is_left() {
        let rate = Rate {
            count: 3,
            period: Duration::from_secs(3600),
        };
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 45, 0).unwrap();
        let (start, left) = window(rate, now);
        assert_eq!(
            start,
            Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
                .unwrap()
                .timestamp()
        );
        assert_eq!(left, Duration::from_secs(15 * 60));
    }
}
