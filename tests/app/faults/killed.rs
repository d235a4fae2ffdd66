//! SIGKILL in the middle of a sign-up flood, while a letter is in flight; the process is
//! started again on the same directory and SQLite file.

use std::time::{Duration, Instant};

use super::audit::{Ledger, addresses, audit, flood, settle};
use super::http::Outcome;
use super::server::{Server, Site};
use super::{Relay, wait_until};

const SIGN_UPS: usize = 40;
const THREADS: usize = 4;
/// DESIGN.md's target: a dead process's letter goes out within 15 s of a restart.
const AFTER_RESTART: Duration = Duration::from_secs(15);

#[test]
#[ignore = "a fault test: cargo test --test app faults -- --ignored"]
fn sign_ups_answered_before_a_kill_are_each_mailed_once_after_the_restart() {
    let relay = Relay::start();
    let dir = tempfile::tempdir().unwrap();
    let site = Site::new(dir.path(), None);
    site.configure(relay.port, "signup@doorstep.test");
    let server = Server::start(&site);
    let ledger = Ledger::default();
    let addresses = addresses("killed", SIGN_UPS);

    let (in_flight, killed) = std::thread::scope(|scope| {
        scope.spawn(|| flood(&ledger, site.port, &addresses, THREADS));
        // Part-way through, with mail going out: hold the relay's answer to the next letter,
        // and kill the process while that letter waits for it.
        wait_until(
            "a third of the sign-ups answered",
            Duration::from_secs(60),
            || ledger.ok().len() >= SIGN_UPS / 3,
        );
        relay.hold();
        wait_until("a letter in flight", Duration::from_secs(30), || {
            !relay.waiting().is_empty()
        });
        let in_flight = relay.waiting()[0].to.clone();
        server.kill();
        (in_flight, Instant::now())
    });
    // Released only once the relay has seen its sender go, so the letter was not accepted.
    wait_until(
        "the relay dropped the letter",
        Duration::from_secs(30),
        || relay.waiting().is_empty(),
    );
    relay.release();
    let outcomes = ledger.outcomes();
    let answered_ok = ledger.ok().len();
    let lost = outcomes
        .values()
        .filter(|outcome| matches!(outcome, Outcome::Lost))
        .count();
    assert!(answered_ok < SIGN_UPS, "the kill came after the flood");
    for (email, outcome) in &outcomes {
        // The process answers 200 or dies; a refusal would be a fault of its own.
        if let Outcome::Answered(answer) = outcome {
            assert_eq!(answer.status, 200, "{email}: {answer:?}");
        }
    }

    let server = Server::start(&site);
    let restarted = Instant::now();
    let settled = settle(&relay, &ledger, &site.database_url, AFTER_RESTART);
    let resent = relay
        .accepted()
        .into_iter()
        .find(|accepted| accepted.message.to == in_flight)
        .expect("the letter in flight at the kill was sent after the restart");
    assert!(resent.at > restarted, "sent before the restart");
    eprintln!(
        "killed after {answered_ok} of {SIGN_UPS} sign-ups answered ({lost} cut off); the \
         letter in flight went out {:.1} s after the kill, {:.1} s after the restart; all mail \
         {:.1} s after it",
        (resent.at - killed).as_secs_f64(),
        (resent.at - restarted).as_secs_f64(),
        (settled - restarted).as_secs_f64(),
    );
    audit(&relay, &ledger, &site.database_url, site.port);
    drop(server);
}
