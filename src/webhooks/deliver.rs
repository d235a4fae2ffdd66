//! Posting queued events: claimed like letters (`mail::lease`), signed per attempt, retried
//! with backoff until a 2xx or until they are too old to matter.

use std::time::Duration as Timeout;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use secrecy::{ExposeSecret, SecretSlice};

use super::sign::sign;
use crate::clock::Clock;
use crate::config::Webhooks;
use crate::entities::outbox::{self, Column, Entity as Outbox, WEBHOOK};
use crate::mail::lease::Claim;
use crate::metrics::{self, Delivery};

/// After this long undelivered, an event is given up (about Standard Webhooks' schedule of
/// retries over three days): the receiver has been away too long for it to matter.
pub const GIVE_UP_AFTER: Duration = Duration::days(3);
/// The longest wait between two attempts.
const LONGEST_WAIT: i64 = 3600;
/// Events taken in one round.
pub const BATCH: u64 = 20;
/// An endpoint that has not answered within this is tried again later; well inside the
/// claim's lease renewals, and short enough that one slow endpoint does not hold the others
/// up for long.
const TIMEOUT: Timeout = Timeout::from_secs(10);
const CONNECT_TIMEOUT: Timeout = Timeout::from_secs(5);

/// What posts events: the HTTP client and the signing key.
pub struct Sender {
    client: reqwest::Client,
    key: Option<SecretSlice<u8>>,
}

impl Sender {
    pub fn new(settings: &Webhooks) -> Result<Sender, String> {
        // reqwest is built without a crypto provider; one installed first serves equally well.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            // A redirect is an answer other than 2xx: the operator configures the final URL.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| format!("the webhooks' HTTP client: {err}"))?;
        Ok(Sender {
            client,
            key: settings.signing_key(),
        })
    }

    /// Posts one event, signed with this attempt's time.
    async fn post(&self, event: &outbox::Model, now: DateTime<Utc>) -> Result<(), Failure> {
        let key = self.key.as_ref().ok_or(Failure {
            message: "doorstep.webhook.secret is no longer set".to_owned(),
            permanent: true,
        })?;
        let id = event.webhook_id.as_deref().unwrap_or_default();
        let timestamp = now.timestamp();
        let signature = sign(key.expose_secret(), id, timestamp, &event.text_body);
        let response = self
            .client
            .post(&event.recipient)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(event.text_body.clone())
            .send()
            .await
            // The URL is in the row; it may carry a token of the receiver's, kept out of logs.
            .map_err(|err| Failure::retry(causes(&err.without_url())))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(Failure::retry(format!("answered {status}")))
        }
    }
}

/// The error and its causes on one line ("error sending request" alone says little).
fn causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Why an attempt failed, and whether another could succeed.
struct Failure {
    message: String,
    permanent: bool,
}

impl Failure {
    fn retry(message: String) -> Failure {
        Failure {
            message,
            permanent: false,
        }
    }
}

/// What one delivery round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub failed: usize,
}

/// Posts the events that are due; safe on several instances at once, since each is claimed
/// first (`mail::lease`). `stopping` is asked before each event.
pub async fn deliver_due(
    db: &DatabaseConnection,
    sender: &Sender,
    clock: &dyn Clock,
    stopping: &(dyn Fn() -> bool + Sync),
) -> Result<Round, DbErr> {
    let due = waiting()
        .filter(Column::NextAttemptAt.lte(clock.now()))
        .order_by_asc(Column::NextAttemptAt)
        // Events of one moment go in the order they happened.
        .order_by_asc(Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut round = Round::default();
    for event in due {
        if stopping() {
            break;
        }
        let Some(claim) = Claim::take(db, event.id, clock.now()).await? else {
            continue; // another instance has it
        };
        match claim
            .hold_while(db, clock, sender.post(&event, clock.now()))
            .await
        {
            Some(Ok(())) => {
                metrics::WEBHOOK_DELIVERIES.inc(Delivery::Sent);
                // Not recorded (the database away): the lease runs out and it is posted again
                // with the same webhook-id, which receivers take as the same event.
                mark_delivered(db, event.id, clock.now()).await?;
                round.delivered += 1;
            }
            Some(Err(failure)) => {
                mark_failed(db, &claim, event, failure, clock.now()).await?;
                round.failed += 1;
            }
            None => {} // taken over: the new holder decides
        }
    }
    Ok(round)
}

/// Webhook events neither delivered nor given up.
fn waiting() -> sea_orm::Select<Outbox> {
    Outbox::find()
        .filter(Column::Kind.eq(WEBHOOK))
        .filter(Column::SentAt.is_null())
        .filter(Column::GaveUpAt.is_null())
}

/// How many events wait for delivery: for the metrics, read when scraped.
pub async fn backlog(db: &DatabaseConnection) -> Result<u64, DbErr> {
    waiting().count(db).await
}

/// Records the delivery and blanks the body: it holds the person's details.
async fn mark_delivered(db: &DatabaseConnection, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    Outbox::update_many()
        .col_expr(Column::SentAt, Expr::value(now))
        .col_expr(Column::TextBody, Expr::value(""))
        .col_expr(Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(Column::ClaimedBy, Expr::value(Option::<String>::None))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Schedules the next attempt, or gives the event up; only while `claim` still holds it.
async fn mark_failed(
    db: &DatabaseConnection,
    claim: &Claim,
    event: outbox::Model,
    failure: Failure,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let attempts = event.attempts + 1;
    let give_up = failure.permanent || now - event.created_at > GIVE_UP_AFTER;
    metrics::WEBHOOK_DELIVERIES.inc(if give_up {
        Delivery::GaveUp
    } else {
        Delivery::Retry
    });
    let host = url::Url::parse(&event.recipient)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_default();
    if give_up {
        log::error!(
            target: "doorstep::webhooks",
            "giving up on {} event {} to {host} after {attempts} attempts: {}",
            event.subject, event.id, failure.message
        );
    } else {
        log::warn!(
            target: "doorstep::webhooks",
            "{} event {} to {host} not delivered (attempt {attempts}), will retry: {}",
            event.subject, event.id, failure.message
        );
    }
    let mut update = Outbox::update_many()
        .col_expr(Column::Attempts, Expr::value(attempts))
        .col_expr(Column::LastError, Expr::value(Some(failure.message)))
        .col_expr(Column::NextAttemptAt, Expr::value(now + backoff(attempts)))
        .col_expr(Column::ClaimedBy, Expr::value(Option::<String>::None));
    if give_up {
        update = update
            .col_expr(Column::GaveUpAt, Expr::value(Some(now)))
            .col_expr(Column::TextBody, Expr::value(""));
    }
    update.filter(claim.held()).exec(db).await?;
    Ok(())
}

/// 5 s, 10 s, 20 s … doubling up to an hour: a receiver that blinks gets the event within
/// seconds, one that is down for long is asked hourly until `GIVE_UP_AFTER`.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = (attempts.clamp(1, 12) - 1) as u32;
    Duration::seconds((5i64 << exponent).min(LONGEST_WAIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_five_seconds_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(5));
        assert_eq!(backoff(2), Duration::seconds(10));
        assert_eq!(backoff(5), Duration::seconds(80));
        assert_eq!(backoff(10), Duration::seconds(2560));
        assert_eq!(backoff(11), Duration::seconds(3600));
        assert_eq!(backoff(1000), Duration::seconds(3600));
    }
}
