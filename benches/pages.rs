//! What speaking four languages costs a page: form GET throughput of the sign-up page in
//! German beside English, and beside the same page as it was before its words became Fluent
//! lookups (`benches/pages_before/`, served through `doorstep.templates.dir`).
//!
//! `cargo bench --bench pages` starts the release binary twice on loopback (shipped templates;
//! the pre-translation templates) and drives `GET /auth/signup` from `CLIENTS` keep-alive
//! connections in alternating rounds, so that a noisy neighbour hurts each alike, then prints
//! requests per second and the ratios. Under two minutes; figures, not pass/fail.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::Server;

/// Concurrent clients, each with its own connection.
const CLIENTS: usize = 16;
const WARM_UP: Duration = Duration::from_secs(2);
const ROUND: Duration = Duration::from_secs(5);
/// Rounds per case, alternating.
const ROUNDS: usize = 4;

/// A server and the `Accept-Language` its requests carry.
struct Case<'a> {
    name: &'static str,
    server: &'a Server,
    language: &'static str,
}

fn main() {
    // reqwest is built without a bundled crypto provider (see Cargo.toml).
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Runtime::new().unwrap().block_on(run());
}

async fn run() {
    let (shipped_dir, before_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let before_templates = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/pages_before");
    let shipped = Server::start(shipped_dir.path(), "").await;
    let before = Server::start(
        before_dir.path(),
        &format!("doorstep.templates.dir={before_templates}\n"),
    )
    .await;
    let cases = [
        Case {
            name: "before Fluent (en)",
            server: &before,
            language: "en",
        },
        Case {
            name: "English",
            server: &shipped,
            language: "en",
        },
        Case {
            name: "German",
            server: &shipped,
            language: "de",
        },
    ];
    let clients: Arc<Vec<reqwest::Client>> = Arc::new(
        (0..CLIENTS)
            .map(|_| reqwest::Client::builder().build().unwrap())
            .collect(),
    );
    println!(
        "GET /auth/signup, {CLIENTS} clients, {ROUNDS} rounds of {} s per case, alternating",
        ROUND.as_secs()
    );
    for case in &cases {
        throughput(&clients, case, WARM_UP).await;
    }
    let mut served = [0.0; 3];
    for round in 1..=ROUNDS {
        let mut line = format!("round {round}:");
        for (n, case) in cases.iter().enumerate() {
            let rate = throughput(&clients, case, ROUND).await;
            served[n] += rate;
            line.push_str(&format!(" {} {rate:.0}/s;", case.name));
        }
        println!("{line}");
    }
    let rates = served.map(|total| total / ROUNDS as f64);
    for (case, rate) in cases.iter().zip(rates) {
        println!("{:<20} {rate:.0} requests/s", case.name);
    }
    println!("English / before:    {:.1} %", 100.0 * rates[1] / rates[0]);
    println!("German / before:     {:.1} %", 100.0 * rates[2] / rates[0]);
    println!("German / English:    {:.1} %", 100.0 * rates[2] / rates[1]);
    println!(
        "RSS: shipped {:.1} MB, before Fluent {:.1} MB",
        shipped.rss_mb("VmRSS"),
        before.rss_mb("VmRSS")
    );
}

/// Form GETs per second from every client at once, for `length`.
async fn throughput(clients: &Arc<Vec<reqwest::Client>>, case: &Case<'_>, length: Duration) -> f64 {
    let served = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients.len())
        .map(|n| {
            let (clients, served, stop) = (clients.clone(), served.clone(), stop.clone());
            let url = format!("{}/auth/signup", case.server.url);
            let language = case.language;
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let response = clients[n]
                        .get(&url)
                        .header("Accept", "text/html")
                        .header("Accept-Language", language)
                        .send()
                        .await
                        .unwrap();
                    assert!(response.status().is_success());
                    response.bytes().await.unwrap();
                    served.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(length).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.unwrap();
    }
    served.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}
