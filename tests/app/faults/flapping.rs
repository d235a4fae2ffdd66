//! An SMTP relay that flaps: it refuses connections, then hangs up on messages before
//! accepting them, then works, twice over. Every letter gets through, once.

use std::time::Duration;

use doorstep::entities::outbox;
use sea_orm::{Database, EntityTrait};

use super::audit::{Ledger, addresses, audit, flood, settle};
use super::server::{Server, Site};
use super::{Relay, wait_until};

const BOUTS: usize = 2;
const SIGN_UPS: usize = 8;
const REFUSALS: usize = 3;
const HANG_UPS: usize = 3;

#[test]
#[ignore = "a fault test: cargo test --test app faults -- --ignored"]
fn a_relay_that_refuses_and_drops_connections_gets_every_letter_exactly_once() {
    let relay = Relay::start();
    let dir = tempfile::tempdir().unwrap();
    let site = Site::new(dir.path(), None);
    site.configure(relay.port, "signup@doorstep.test");
    let server = Server::start(&site);
    let ledger = Ledger::default();

    for bout in 1..=BOUTS {
        relay.refuse_next(REFUSALS);
        relay.hang_up_on_next(HANG_UPS);
        let addresses = addresses(&format!("flapping{bout}"), SIGN_UPS);
        flood(&ledger, site.port, &addresses, 2);
        // Mail is never on the request's path: the sign-ups are answered whatever the relay.
        assert_eq!(
            ledger.ok().len(),
            bout * SIGN_UPS,
            "{:?}",
            ledger.outcomes()
        );
        wait_until(
            "the relay's trouble dealt out",
            Duration::from_secs(60),
            || relay.failures() == bout * (REFUSALS + HANG_UPS),
        );
    }
    settle(&relay, &ledger, &site.database_url, Duration::from_secs(60));

    // Each hang-up came after the message's data, which the relay then never accepted.
    let unaccepted = relay.received().len() - relay.accepted().len();
    assert_eq!(unaccepted, BOUTS * HANG_UPS);
    // And each refusal or hang-up was one failed attempt of one letter, tried again later.
    let failed_attempts = relay.block_on(failed_attempts(&site.database_url));
    assert_eq!(failed_attempts, relay.failures() as i64, "{}", server.log());
    audit(&relay, &ledger, &site.database_url, site.port);
}

/// Failed attempts recorded on all letters.
async fn failed_attempts(database_url: &str) -> i64 {
    let db = Database::connect(database_url).await.unwrap();
    let letters = outbox::Entity::find().all(&db).await.unwrap();
    db.close().await.unwrap();
    letters
        .iter()
        .map(|letter| i64::from(letter.attempts))
        .sum()
}
