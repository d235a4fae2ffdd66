//! What counting costs: form GET throughput with `doorstep.metrics` on beside off.
//!
//! `cargo bench --bench metrics` starts the release binary twice on loopback, identical but
//! for `doorstep.metrics`, and drives `GET /auth/signup` from `CLIENTS` keep-alive connections
//! in alternating rounds (so that a noisy neighbour hurts both alike), then prints each
//! server's requests per second and their ratio. Under a minute; figures, not pass/fail.
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
/// Rounds per server, alternating.
const ROUNDS: usize = 4;

fn main() {
    // reqwest is built without a bundled crypto provider (see Cargo.toml).
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Runtime::new().unwrap().block_on(run());
}

async fn run() {
    let (off_dir, on_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let off = Server::start(off_dir.path(), "doorstep.metrics=off\n").await;
    let on = Server::start(on_dir.path(), "doorstep.metrics=on\n").await;
    let clients: Vec<reqwest::Client> = (0..CLIENTS)
        .map(|_| reqwest::Client::builder().build().unwrap())
        .collect();
    let clients = Arc::new(clients);
    println!(
        "GET /auth/signup, {CLIENTS} clients, {ROUNDS} rounds of {} s per server, alternating",
        ROUND.as_secs()
    );
    for server in [&off, &on] {
        throughput(&clients, &server.url, WARM_UP).await;
    }
    let (mut served_off, mut served_on) = (0.0, 0.0);
    for round in 1..=ROUNDS {
        let rate_off = throughput(&clients, &off.url, ROUND).await;
        let rate_on = throughput(&clients, &on.url, ROUND).await;
        println!("round {round}: metrics off {rate_off:.0}/s, on {rate_on:.0}/s");
        served_off += rate_off;
        served_on += rate_on;
    }
    let (rate_off, rate_on) = (served_off / ROUNDS as f64, served_on / ROUNDS as f64);
    println!("metrics off: {rate_off:.0} requests/s");
    println!("metrics on:  {rate_on:.0} requests/s");
    println!("on / off:    {:.1} %", 100.0 * rate_on / rate_off);
    println!(
        "RSS: off {:.1} MB, on {:.1} MB",
        off.rss_mb("VmRSS"),
        on.rss_mb("VmRSS")
    );
    let scrape = reqwest::get(format!("{}/metrics", on.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let counted = scrape
        .lines()
        .find(|line| {
            line.starts_with(
                "doorstep_http_requests_total{route=\"/auth/signup\",method=\"GET\",status=\"200\"}",
            )
        })
        .unwrap_or("(no series for the form)");
    println!("the on server counted: {counted}");
}

/// Form GETs per second from every client at once, for `length`.
async fn throughput(clients: &Arc<Vec<reqwest::Client>>, url: &str, length: Duration) -> f64 {
    let served = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients.len())
        .map(|n| {
            let (clients, served, stop) = (clients.clone(), served.clone(), stop.clone());
            let url = format!("{url}/auth/signup");
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let response = clients[n]
                        .get(&url)
                        .header("Accept", "text/html")
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
