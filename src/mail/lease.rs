//! Claims on letters (and on webhook events, which share the outbox): which worker is sending
//! one, and for how long the others keep off.
//!
//! A claim is a random token and a short lease (`next_attempt_at`), renewed while the letter
//! is in flight. A worker that dies stops renewing, so its letter is free again within one
//! lease; a live worker keeps its letter however slow the relay, so two live instances never
//! send the same letter (as long as their clocks agree to within a few seconds).

use std::future::Future;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use crate::clock::Clock;
use crate::entities::outbox::{Column, Entity as Outbox};
use crate::random;

/// How long a claim holds a letter without being renewed: the letter of a worker that died is
/// free again at most this long after the worker's last renewal.
pub const LEASE: Duration = Duration::seconds(10);
/// How often a letter in flight has its lease renewed: a third of the lease, so one renewal
/// may fail (a busy database) and the next still comes in time.
pub const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(3);

/// This worker's hold on one letter.
#[derive(Debug)]
pub struct Claim {
    pub id: i64,
    token: String,
}

impl Claim {
    /// Takes the letter if it is due (its lease, if any, has run out) and unsent; `None` when
    /// another worker was first. One atomic update, so of two racing workers one wins.
    pub async fn take(
        db: &DatabaseConnection,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Claim>, DbErr> {
        let token = random::url_token();
        let taken = Outbox::update_many()
            .col_expr(Column::NextAttemptAt, Expr::value(now + LEASE))
            .col_expr(Column::ClaimedBy, Expr::value(token.clone()))
            .filter(Column::Id.eq(id))
            .filter(Column::SentAt.is_null())
            .filter(Column::GaveUpAt.is_null())
            .filter(Column::NextAttemptAt.lte(now))
            .exec(db)
            .await?;
        Ok((taken.rows_affected == 1).then_some(Claim { id, token }))
    }

    /// Extends the lease from `now`; false when the letter is no longer ours (our lease ran
    /// out and another worker took it, or it was recorded as sent).
    pub async fn renew(&self, db: &DatabaseConnection, now: DateTime<Utc>) -> Result<bool, DbErr> {
        let renewed = Outbox::update_many()
            .col_expr(Column::NextAttemptAt, Expr::value(now + LEASE))
            .filter(self.held())
            .filter(Column::SentAt.is_null())
            .exec(db)
            .await?;
        Ok(renewed.rows_affected == 1)
    }

    /// Runs `delivery` while renewing the lease every `RENEW_EVERY`. `None` when the claim was
    /// lost on the way: the delivery is abandoned (dropped) rather than finished twice.
    pub async fn hold_while<T>(
        &self,
        db: &DatabaseConnection,
        clock: &dyn Clock,
        delivery: impl Future<Output = T>,
    ) -> Option<T> {
        tokio::pin!(delivery);
        let first = tokio::time::Instant::now() + RENEW_EVERY;
        let mut renewals = tokio::time::interval_at(first, RENEW_EVERY);
        loop {
            tokio::select! {
                outcome = &mut delivery => return Some(outcome),
                _ = renewals.tick() => match self.renew(db, clock.now()).await {
                    Ok(true) => {}
                    Ok(false) => {
                        log::warn!(
                            target: "doorstep::mail",
                            "outbox row {}: another worker took it over while it was being sent",
                            self.id
                        );
                        return None;
                    }
                    // The lease still runs; the next renewal may well pass.
                    Err(err) => log::warn!(
                        target: "doorstep::mail",
                        "outbox row {}: renewing its lease: {err}",
                        self.id
                    ),
                },
            }
        }
    }

    /// The condition that this claim still holds the letter.
    pub fn held(&self) -> sea_orm::Condition {
        sea_orm::Condition::all()
            .add(Column::Id.eq(self.id))
            .add(Column::ClaimedBy.eq(self.token.as_str()))
    }
}
