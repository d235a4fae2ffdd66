//! Two instances on one PostgreSQL database, signed up to side by side; one is killed while it
//! sends, and the other delivers the rest, its dead sibling's letter included, once each.
//! Runs only when `DOORSTEP_TEST_DATABASE_URL` names a server (it makes a database there and
//! drops it after).

use std::time::{Duration, Instant};

use super::audit::{Ledger, addresses, audit, flood, settle};
use super::server::{Server, Site};
use super::{Relay, wait_until};
use crate::support::{database_url, start_using, stop_using};

const EACH: usize = 16;
/// DESIGN.md's target: a dead instance's letter goes out within 30 s by another.
const BY_ANOTHER: Duration = Duration::from_secs(30);

/// The test's own PostgreSQL database, dropped when the test ends, passed or failed.
struct Scratch(String);

impl Drop for Scratch {
    fn drop(&mut self) {
        stop_using(&self.0);
    }
}

#[test]
#[ignore = "a fault test: cargo test --test app faults -- --ignored"]
fn two_instances_deliver_every_letter_once_when_one_is_killed_while_sending() {
    if std::env::var("DOORSTEP_TEST_DATABASE_URL")
        .unwrap_or_default()
        .is_empty()
    {
        eprintln!("skipped: DOORSTEP_TEST_DATABASE_URL names no PostgreSQL server");
        return;
    }
    let relay = Relay::start();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = relay.block_on(database_url(dir_a.path()));
    start_using(&url);
    let _scratch = Scratch(url.clone());
    let (a, b) = (
        Site::new(dir_a.path(), Some(&url)),
        Site::new(dir_b.path(), Some(&url)),
    );
    // Each its own sender, so the relay tells whose letter it holds.
    a.configure(relay.port, "a@doorstep.test");
    b.configure(relay.port, "b@doorstep.test");
    let server_a = Server::start(&a);
    let server_b = Server::start(&b);
    let ledger = Ledger::default();
    let (to_a, to_b) = (addresses("pg-a", EACH), addresses("pg-b", EACH));

    let (in_flight, killed) = std::thread::scope(|scope| {
        scope.spawn(|| flood(&ledger, a.port, &to_a, 1));
        scope.spawn(|| flood(&ledger, b.port, &to_b, 1));
        let answered = |prefix: &str| ledger.ok().iter().filter(|e| e.starts_with(prefix)).count();
        wait_until("sign-ups on both", Duration::from_secs(60), || {
            answered("pg-a") >= EACH / 3 && answered("pg-b") >= EACH / 3
        });
        // Kill A while the relay holds its answer to one of A's letters.
        relay.hold();
        wait_until("a letter of A's in flight", Duration::from_secs(30), || {
            relay.waiting().iter().any(|m| m.from == "a@doorstep.test")
        });
        let waiting = relay.waiting();
        let held = waiting.iter().find(|m| m.from == "a@doorstep.test");
        let in_flight = held.unwrap().to.clone();
        server_a.kill();
        (in_flight, Instant::now())
    });
    // Released only once the relay has seen A go, so A's letter was not accepted.
    wait_until(
        "the relay dropped A's letter",
        Duration::from_secs(30),
        || relay.waiting().iter().all(|m| m.from != "a@doorstep.test"),
    );
    relay.release();
    for email in &to_b {
        let outcome = &ledger.outcomes()[email];
        assert!(outcome.is_ok(), "{email} on the live instance: {outcome:?}");
    }

    let limit = BY_ANOTHER.saturating_sub(killed.elapsed());
    let settled = settle(&relay, &ledger, &url, limit);
    let resent = relay.accepted().into_iter().find(|accepted| {
        accepted.message.to == in_flight && accepted.message.from == "b@doorstep.test"
    });
    let resent = resent.expect("the killed instance's letter was sent by the other");
    eprintln!(
        "the letter A had in flight went out from B {:.1} s after the kill; all mail {:.1} s \
         after it",
        (resent.at - killed).as_secs_f64(),
        (settled - killed).as_secs_f64(),
    );
    audit(&relay, &ledger, &url, b.port);
    drop(server_b);
}
