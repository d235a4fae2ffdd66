//! Faults against the real binary: the process killed with SIGKILL in a sign-up flood, an SMTP
//! relay that refuses and drops connections, a SQLite file locked by another process, and two
//! instances on one PostgreSQL database with one of them killed. Each proves a promise of the
//! README's Guarantees: every sign-up answered 200 becomes exactly one mail whose link makes
//! an account, and nothing refused is half-stored.
//!
//! They take tens of seconds each, so they are ignored by a plain `cargo test`; run them with
//! `cargo test --test app faults -- --ignored` (`.ci/run` does, after the other tests).
//!
//! The relay runs in this process (`support::smtp`); a kill lands while the relay holds its
//! answer to a letter, so that letter was not accepted and must come again from another
//! process, and every earlier letter was recorded as sent. So exactly once is exact here: no
//! duplicate is allowed.

mod audit;
mod flapping;
mod http;
mod instances;
mod killed;
mod locked;
mod server;

use std::future::Future;
use std::ops::Deref;
use std::time::{Duration, Instant};

use crate::support::smtp::SmtpServer;

/// The in-process SMTP relay, with the runtime it runs on: the tests themselves block.
pub struct Relay {
    server: SmtpServer,
    runtime: tokio::runtime::Runtime,
}

impl Relay {
    pub fn start() -> Relay {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(SmtpServer::start());
        Relay { server, runtime }
    }

    /// Makes the relay's runtime this thread's, so that database handles held by the test
    /// can be dropped here, even while a failed test unwinds.
    pub fn enter(&self) -> tokio::runtime::EnterGuard<'_> {
        self.runtime.enter()
    }

    /// Runs `future` (a database query, say) on the relay's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

impl Deref for Relay {
    type Target = SmtpServer;

    fn deref(&self) -> &SmtpServer {
        &self.server
    }
}

/// Polls `check` every 20 ms until it holds; fails with `what` after `limit`.
#[track_caller]
pub fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "not within {limit:?}: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
