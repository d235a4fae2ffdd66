//! The outbox: letters are stored with the state change that caused them, then delivered
//! with retries, so an SMTP outage delays mail but never loses it.

use chrono::{DateTime, Duration, Utc};
use lettre::Message;
use lettre::message::{Mailbox, Mailboxes, MultiPart};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::Letter;
use super::lease::Claim;
use super::transport::{DeliveryError, Transport};
use crate::clock::Clock;
use crate::entities::outbox::{self, Column, Entity as Outbox};
use crate::metrics::{self, Delivery};

/// After this long undelivered, a letter is given up: its link has long expired.
const GIVE_UP_AFTER: Duration = Duration::days(3);
/// Letters taken in one round.
pub const BATCH: u64 = 20;
/// How soon recording a sent letter is tried again after the database refused it.
const RECORD_AGAIN: std::time::Duration = std::time::Duration::from_secs(1);

/// Queues a letter inside the caller's transaction.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    letter: &Letter,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let bcc =
        (!letter.bcc.is_empty()).then(|| Mailboxes::from_iter(letter.bcc.clone()).to_string());
    outbox::ActiveModel {
        kind: Set(letter.kind.to_owned()),
        recipient: Set(letter.to.to_string()),
        bcc: Set(bcc),
        subject: Set(letter.subject.clone()),
        text_body: Set(letter.text.clone()),
        html_body: Set(letter.html.clone()),
        action_url: Set(letter.action_url.clone()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        gave_up_at: Set(None),
        claimed_by: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// What one delivery round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
}

/// Delivers the letters that are due; safe to run on several instances at once.
///
/// Each letter is claimed (see `lease`) just before it is sent and its lease renewed while it
/// is in flight. The clock is read again for each letter: a slow relay must not make a later
/// letter's lease start in the past, where another instance would take and send it too.
/// `stopping` is asked before each letter: once it says yes, the letter in hand is finished
/// and no other is started.
pub async fn deliver_due(
    db: &DatabaseConnection,
    transport: &Transport,
    from: Option<&Mailbox>,
    clock: &dyn Clock,
    stopping: &(dyn Fn() -> bool + Sync),
) -> Result<Round, DbErr> {
    let now = clock.now();
    let due = Outbox::find()
        .filter(Column::Kind.ne(outbox::WEBHOOK))
        .filter(Column::SentAt.is_null())
        .filter(Column::GaveUpAt.is_null())
        .filter(Column::NextAttemptAt.lte(now))
        .order_by_asc(Column::NextAttemptAt)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut round = Round::default();
    for letter in due {
        if stopping() {
            break;
        }
        let Some(claim) = Claim::take(db, letter.id, clock.now()).await? else {
            continue; // another instance has it
        };
        let delivery = send(transport, &letter, from, clock.now());
        match claim.hold_while(db, clock, delivery).await {
            Some(Ok(())) => {
                metrics::MAIL_DELIVERIES.inc(Delivery::Sent);
                record_sent(db, letter.id, clock, stopping).await?;
                round.sent += 1;
            }
            Some(Err(err)) => {
                mark_failed(db, &claim, letter, err, clock.now()).await?;
                round.failed += 1;
            }
            None => {} // taken over: the new holder decides what becomes of it
        }
    }
    Ok(round)
}

async fn send(
    transport: &Transport,
    letter: &outbox::Model,
    from: Option<&Mailbox>,
    now: DateTime<Utc>,
) -> Result<(), DeliveryError> {
    let message = build_message(letter, from).map_err(|message| DeliveryError {
        message,
        permanent: true,
    })?;
    let name = format!("{}-{}", now.format("%Y%m%dT%H%M%S"), letter.id);
    transport
        .deliver(message, letter.action_url.as_deref(), &name)
        .await
}

/// Records a letter the relay took, trying again while the database is locked or away: given
/// up on, the record would be missing once the lease ran out, and the letter sent again. Only
/// a stopping worker gives up (the restart then sends it again: the one duplicate the README
/// owns up to).
async fn record_sent(
    db: &DatabaseConnection,
    id: i64,
    clock: &dyn Clock,
    stopping: &(dyn Fn() -> bool + Sync),
) -> Result<(), DbErr> {
    loop {
        match mark_sent(db, id, clock.now()).await {
            Ok(()) => return Ok(()),
            Err(err) if stopping() => return Err(err),
            Err(err) => log::warn!(
                target: "doorstep::mail",
                "mail {id} was sent but could not be recorded yet, trying again: {err}"
            ),
        }
        tokio::time::sleep(RECORD_AGAIN).await;
    }
}

/// Records delivery and blanks the bodies: they hold one-time links that are no longer needed.
/// Recorded whoever holds the claim now: the letter has gone.
async fn mark_sent(db: &DatabaseConnection, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    Outbox::update_many()
        .col_expr(Column::SentAt, Expr::value(now))
        .col_expr(Column::TextBody, Expr::value(""))
        .col_expr(Column::HtmlBody, Expr::value(""))
        .col_expr(Column::ActionUrl, Expr::value(Option::<String>::None))
        .col_expr(Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(Column::ClaimedBy, Expr::value(Option::<String>::None))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Schedules the next attempt, or gives the letter up; only while `claim` still holds it, so a
/// worker that lost its letter cannot undo the new holder's lease.
async fn mark_failed(
    db: &DatabaseConnection,
    claim: &Claim,
    letter: outbox::Model,
    err: DeliveryError,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let attempts = letter.attempts + 1;
    let give_up = err.permanent || now - letter.created_at > GIVE_UP_AFTER;
    metrics::MAIL_DELIVERIES.inc(if give_up {
        Delivery::GaveUp
    } else {
        Delivery::Retry
    });
    if give_up {
        log::error!(
            target: "doorstep::mail",
            "giving up on {} mail {} to {} after {attempts} attempts: {}",
            letter.kind, letter.id, letter.recipient, err.message
        );
    } else {
        log::warn!(
            target: "doorstep::mail",
            "{} mail {} to {} not delivered (attempt {attempts}), will retry: {}",
            letter.kind, letter.id, letter.recipient, err.message
        );
    }
    let mut update = Outbox::update_many()
        .col_expr(Column::Attempts, Expr::value(attempts))
        .col_expr(Column::LastError, Expr::value(Some(err.message)))
        .col_expr(Column::NextAttemptAt, Expr::value(now + backoff(attempts)))
        .col_expr(Column::ClaimedBy, Expr::value(Option::<String>::None));
    if give_up {
        // Its link would stay valid for a day; nobody will send it now.
        update = update
            .col_expr(Column::GaveUpAt, Expr::value(Some(now)))
            .col_expr(Column::TextBody, Expr::value(""))
            .col_expr(Column::HtmlBody, Expr::value(""))
            .col_expr(Column::ActionUrl, Expr::value(Option::<String>::None));
    }
    update.filter(claim.held()).exec(db).await?;
    Ok(())
}

/// The letters waiting for delivery (not sent, not given up).
#[derive(Debug, PartialEq, Eq)]
pub struct Backlog {
    pub depth: u64,
    /// When the oldest of them was queued.
    pub oldest: Option<DateTime<Utc>>,
}

/// How many letters wait, and since when: for the metrics, read when scraped.
pub async fn backlog(db: &DatabaseConnection) -> Result<Backlog, DbErr> {
    let waiting = || {
        Outbox::find()
            .filter(Column::Kind.ne(outbox::WEBHOOK))
            .filter(Column::SentAt.is_null())
            .filter(Column::GaveUpAt.is_null())
    };
    let depth = waiting().count(db).await?;
    let oldest = waiting()
        .select_only()
        .column(Column::CreatedAt)
        .order_by_asc(Column::CreatedAt)
        .into_tuple()
        .one(db)
        .await?;
    Ok(Backlog { depth, oldest })
}

/// How delivery goes, for the admin overview: the backlog, the letters that failed at least
/// once and still wait, the letters given up (kept until the sweep forgets them), and the
/// latest failures.
#[derive(Debug)]
pub struct Health {
    pub backlog: Backlog,
    pub failing: u64,
    pub given_up: u64,
    pub failures: Vec<Failure>,
}

/// A letter whose last attempt failed.
#[derive(Debug)]
pub struct Failure {
    pub kind: String,
    pub attempts: i32,
    /// The relay's or the transport's words.
    pub error: String,
    pub queued_at: DateTime<Utc>,
    pub gave_up_at: Option<DateTime<Utc>>,
}

/// The outbox's health; the table holds recent letters only (the sweep forgets the rest).
pub async fn health(db: &DatabaseConnection, latest: u64) -> Result<Health, DbErr> {
    let backlog = backlog(db).await?;
    let failing = Outbox::find()
        .filter(Column::SentAt.is_null())
        .filter(Column::GaveUpAt.is_null())
        .filter(Column::Attempts.gt(0))
        .count(db)
        .await?;
    let given_up = Outbox::find()
        .filter(Column::GaveUpAt.is_not_null())
        .count(db)
        .await?;
    let failures = Outbox::find()
        .filter(Column::LastError.is_not_null())
        .order_by_desc(Column::Id)
        .limit(latest)
        .all(db)
        .await?
        .into_iter()
        .map(|letter| Failure {
            kind: letter.kind,
            attempts: letter.attempts,
            error: letter.last_error.unwrap_or_default(),
            queued_at: letter.created_at,
            gave_up_at: letter.gave_up_at,
        })
        .collect();
    Ok(Health {
        backlog,
        failing,
        given_up,
        failures,
    })
}

/// Forgets delivered or abandoned letters and webhook deliveries `kept` after they went
/// (their bodies are already blank); they stay that long for the record.
pub async fn sweep(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    kept: Duration,
) -> Result<u64, DbErr> {
    use sea_orm::ExprTrait as _;
    let cutoff = now - kept;
    let deleted = Outbox::delete_many()
        .filter(Column::SentAt.lt(cutoff).or(Column::GaveUpAt.lt(cutoff)))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// 2 s, 4 s, 8 s … up to 10 minutes: the first retries come within seconds, so a relay that
/// blinks costs little delay, and a long outage is not hammered.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 10) as u32;
    Duration::seconds((1i64 << exponent).min(600))
}

fn build_message(letter: &outbox::Model, from: Option<&Mailbox>) -> Result<Message, String> {
    let from = from.ok_or("doorstep.auth.email.from is not set")?;
    let to: Mailbox = letter
        .recipient
        .parse()
        .map_err(|err| format!("recipient {}: {err}", letter.recipient))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&letter.subject);
    if let Some(bcc) = &letter.bcc {
        let bcc: Mailboxes = bcc.parse().map_err(|err| format!("bcc {bcc}: {err}"))?;
        for mailbox in bcc {
            builder = builder.bcc(mailbox);
        }
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            letter.text_body.clone(),
            letter.html_body.clone(),
        ))
        .map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_in_seconds_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(2));
        assert_eq!(backoff(2), Duration::seconds(4));
        assert_eq!(backoff(5), Duration::seconds(32));
        assert_eq!(backoff(30), Duration::seconds(600));
    }
}
