//! The accounts of a fault test: what each sign-up was answered, and whether the mail and the
//! accounts that came of them keep the promises.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use doorstep::entities::{account, outbox};
use sea_orm::{ColumnTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};

use super::http::{self, Outcome};
use super::{Relay, wait_until};

/// Every sign-up's last outcome, by address.
#[derive(Default)]
pub struct Ledger(Mutex<BTreeMap<String, Outcome>>);

impl Ledger {
    pub fn record(&self, email: &str, outcome: Outcome) {
        self.0.lock().unwrap().insert(email.to_owned(), outcome);
    }

    pub fn outcomes(&self) -> BTreeMap<String, Outcome> {
        self.0.lock().unwrap().clone()
    }

    /// The addresses answered 200.
    pub fn ok(&self) -> Vec<String> {
        let outcomes = self.0.lock().unwrap();
        let ok = outcomes.iter().filter(|(_, outcome)| outcome.is_ok());
        ok.map(|(email, _)| email.clone()).collect()
    }
}

/// `count` addresses `<prefix>-<n>@example.com`.
pub fn addresses(prefix: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|n| format!("{prefix}-{n:02}@example.com"))
        .collect()
}

/// Signs `addresses` up on `port` from `threads` threads, each taking the next address, until
/// none is left; every outcome goes into `ledger`.
pub fn flood(ledger: &Ledger, port: u16, addresses: &[String], threads: usize) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(email) = addresses.get(next.fetch_add(1, Ordering::Relaxed)) {
                    ledger.record(email, http::sign_up(port, email));
                }
            });
        }
    });
}

/// Waits until every address answered 200 has a mail the relay accepted and the outbox has
/// no letter left to send; fails after `limit`. Returns when that was.
pub fn settle(relay: &Relay, ledger: &Ledger, database_url: &str, limit: Duration) -> Instant {
    let delivered = || {
        let mailed = recipients(relay);
        ledger.ok().iter().all(|email| mailed.contains_key(email))
            && relay.block_on(unsent(database_url)) == 0
    };
    wait_until("every letter delivered", limit, delivered);
    Instant::now()
}

/// The promises, once settled: an address answered 200 got exactly one mail, one whose
/// request went unanswered at most one, one refused or never sent none; no letter was given
/// up; each mail's link confirms its account through doorstep on `port`; and the accounts are
/// exactly the addresses confirmed, so nothing refused made one.
pub fn audit(relay: &Relay, ledger: &Ledger, database_url: &str, port: u16) {
    let mailed = recipients(relay);
    let outcomes = ledger.outcomes();
    for (email, outcome) in &outcomes {
        let mails = mailed.get(email).map_or(0, Vec::len);
        let expected = match outcome {
            _ if outcome.is_ok() => 1..=1,
            Outcome::Lost => 0..=1,
            Outcome::Answered(_) | Outcome::Unsent => 0..=0,
        };
        assert!(
            expected.contains(&mails),
            "{email}: {mails} mails after {outcome:?}"
        );
    }
    let strangers: Vec<_> = mailed
        .keys()
        .filter(|to| !outcomes.contains_key(*to))
        .collect();
    assert!(strangers.is_empty(), "mail to {strangers:?}");
    let mut confirmed = BTreeSet::new();
    for (email, mails) in &mailed {
        let token = mails[0].mail().token().expect("a confirmation link");
        let answer = http::get(port, &format!("/auth/signup?confirm={token}"));
        let answer = answer.expect("an answer to the link");
        assert_eq!(answer.status, 200, "{email}: {}", answer.body);
        assert!(answer.body.contains("confirmed"), "{}", answer.body);
        confirmed.insert(email.clone());
    }
    let (accounts, given_up) = relay.block_on(accounts_and_given_up(database_url));
    assert_eq!(given_up, 0, "letters given up");
    assert_eq!(
        accounts, confirmed,
        "the accounts are the confirmed sign-ups"
    );
}

/// The messages the relay accepted, by recipient.
fn recipients(relay: &Relay) -> BTreeMap<String, Vec<crate::support::smtp::Received>> {
    let mut by_recipient: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for accepted in relay.accepted() {
        for to in &accepted.message.to {
            by_recipient
                .entry(to.clone())
                .or_default()
                .push(accepted.message.clone());
        }
    }
    by_recipient
}

/// Letters neither sent nor given up.
async fn unsent(database_url: &str) -> u64 {
    let db = Database::connect(database_url).await.unwrap();
    let waiting = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::GaveUpAt.is_null())
        .count(&db)
        .await
        .unwrap();
    db.close().await.unwrap();
    waiting
}

async fn accounts_and_given_up(database_url: &str) -> (BTreeSet<String>, u64) {
    let db = Database::connect(database_url).await.unwrap();
    let accounts = account::Entity::find().all(&db).await.unwrap();
    let given_up = outbox::Entity::find()
        .filter(outbox::Column::GaveUpAt.is_not_null())
        .count(&db)
        .await
        .unwrap();
    db.close().await.unwrap();
    (accounts.into_iter().map(|a| a.email).collect(), given_up)
}
