//! The background worker that empties the outbox.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, watch};

use super::Transport;
use super::outbox::{BATCH, deliver_due};
use crate::clock::Clock;

/// How often the outbox is looked at without being woken (letters queued by other instances,
/// retries coming due, letters whose sender died).
const POLL: Duration = Duration::from_secs(1);

/// Everything the worker needs, owned, so it can run as its own task.
pub struct Worker {
    pub db: DatabaseConnection,
    pub transport: Transport,
    pub from: Option<Mailbox>,
    pub clock: Arc<dyn Clock>,
    pub wake: Arc<Notify>,
}

impl Worker {
    /// Runs until `stop` turns true (or its sender goes). A letter in hand when it does is
    /// finished and recorded; no other is started, so a shutdown neither cuts a delivery off
    /// halfway nor waits for a whole batch.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let stopping = || *stop.borrow();
            match deliver_due(
                &self.db,
                &self.transport,
                self.from.as_ref(),
                self.clock.as_ref(),
                &stopping,
            )
            .await
            {
                // A full batch may mean more are waiting: go again at once.
                Ok(round) if (round.sent + round.failed) as u64 >= BATCH => continue,
                Ok(_) => {}
                Err(err) => log::error!(target: "doorstep::mail", "outbox: {err}"),
            }
            tokio::select! {
                changed = stop.changed() => if changed.is_err() { return },
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }
}
