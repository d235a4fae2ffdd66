//! The background task that posts queued events.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use super::deliver::{BATCH, Sender, deliver_due};
use crate::clock::Clock;

/// How often the outbox is looked at for events: a change's event is posted within about
/// this long, and retries come due on it.
const POLL: Duration = Duration::from_secs(1);

/// Everything the worker needs, owned, so it can run as its own task.
pub struct Worker {
    pub db: DatabaseConnection,
    pub sender: Arc<Sender>,
    pub clock: Arc<dyn Clock>,
}

impl Worker {
    /// Runs until `stop` turns true (or its sender goes); the event in hand is finished first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let stopping = || *stop.borrow();
            match deliver_due(&self.db, &self.sender, self.clock.as_ref(), &stopping).await {
                // A full batch may mean more are waiting: go again at once.
                Ok(round) if (round.delivered + round.failed) as u64 >= BATCH => continue,
                Ok(_) => {}
                Err(err) => log::error!(target: "doorstep::webhooks", "outbox: {err}"),
            }
            tokio::select! {
                changed = stop.changed() => if changed.is_err() { return },
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }
}
