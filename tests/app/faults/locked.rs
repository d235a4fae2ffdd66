//! A SQLite file whose write lock another process holds for longer than doorstep waits (5 s):
//! requests get 503 `unavailable`, never 500, and store nothing; the letter that was in flight
//! when the lock came is recorded once the lock goes, not sent twice.

use std::collections::BTreeSet;
use std::time::Duration;

use doorstep::entities::{outbox, pending_signup};
use sea_orm::{
    Database, DatabaseConnection, DatabaseTransaction, EntityTrait, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use super::audit::{Ledger, addresses, audit, flood, settle};
use super::http::{self, Answer, Outcome};
use super::server::{Server, Site};
use super::{Relay, wait_until};

const WHILE_LOCKED: usize = 3;

#[test]
#[ignore = "a fault test: cargo test --test app faults -- --ignored"]
fn a_locked_sqlite_file_answers_unavailable_and_keeps_nothing_half_stored() {
    let relay = Relay::start();
    let _context = relay.enter();
    let dir = tempfile::tempdir().unwrap();
    let site = Site::new(dir.path(), None);
    site.configure(relay.port, "signup@doorstep.test");
    let server = Server::start(&site);
    let ledger = Ledger::default();

    // A letter in flight: the relay has it and holds its answer.
    relay.hold();
    let first = "locked-first@example.com";
    ledger.record(first, http::sign_up(site.port, first));
    assert!(ledger.ok().contains(&first.to_owned()));
    wait_until(
        "the first letter in flight",
        Duration::from_secs(30),
        || !relay.waiting().is_empty(),
    );

    // Another process takes the write lock; then the relay accepts the letter, which doorstep
    // cannot record as sent until the lock goes.
    let (holder, lock) = relay.block_on(lock(&site.database_url));
    relay.release();

    let health = http::get(site.port, "/healthz").expect("an answer");
    assert_unavailable(&health);
    let refused = Ledger::default();
    let during = addresses("locked", WHILE_LOCKED);
    flood(&refused, site.port, &during, WHILE_LOCKED);
    for (email, outcome) in refused.outcomes() {
        let Outcome::Answered(answer) = outcome else {
            panic!("{email}: no answer:\n{}", server.log());
        };
        assert_unavailable(&answer);
    }

    relay.block_on(lock.rollback()).unwrap();
    relay.block_on(holder.close()).unwrap();
    let (pending, letters) = relay.block_on(stored(&site.database_url));
    let only_first = BTreeSet::from([first.to_owned()]);
    assert_eq!(pending, only_first, "half-stored sign-ups");
    assert_eq!(letters, only_first, "letters queued by refused sign-ups");
    let health = http::get(site.port, "/healthz").expect("an answer");
    assert_eq!(health.status, 200, "{}", health.body);

    // The refused clients try again, as Retry-After told them.
    for email in &during {
        let outcome = http::sign_up(site.port, email);
        assert!(outcome.is_ok(), "{email}: {outcome:?}");
        ledger.record(email, outcome);
    }
    settle(&relay, &ledger, &site.database_url, Duration::from_secs(60));
    audit(&relay, &ledger, &site.database_url, site.port);
}

#[track_caller]
fn assert_unavailable(answer: &Answer) {
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.code().as_deref(), Some("unavailable"), "{answer:?}");
    assert!(answer.retry_after.is_some(), "{answer:?}");
}

/// `BEGIN EXCLUSIVE` on a connection of the test's own: the write lock until rolled back.
async fn lock(database_url: &str) -> (DatabaseConnection, DatabaseTransaction) {
    let db = Database::connect(database_url).await.unwrap();
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Exclusive),
        ..Default::default()
    };
    let lock = db.begin_with_options(options).await.unwrap();
    (db, lock)
}

/// The addresses with a pending sign-up, and those with a letter.
async fn stored(database_url: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let db = Database::connect(database_url).await.unwrap();
    let pending = pending_signup::Entity::find().all(&db).await.unwrap();
    let letters = outbox::Entity::find().all(&db).await.unwrap();
    db.close().await.unwrap();
    (
        pending.into_iter().map(|p| p.email).collect(),
        letters.into_iter().map(|l| address(&l.recipient)).collect(),
    )
}

/// `Ada Lovelace <ada@example.com>` → `ada@example.com`.
fn address(recipient: &str) -> String {
    let start = recipient.rfind('<').map_or(0, |i| i + 1);
    recipient[start..].trim_end_matches('>').to_owned()
}
