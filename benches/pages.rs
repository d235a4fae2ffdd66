//! What speaking four languages costs a page: form GET throughput of the sign-up page in
//! English and German beside the same page with its English words written into the templates
//! (no lookups: "languages off"), and beside the page as it was before its words became Fluent
//! lookups (`benches/pages_before/`, older markup, for the record).
//!
//! `cargo bench --bench pages` starts the release binary three times on loopback (shipped
//! templates; the shipped templates with the words written in, generated from `templates/`
//! and `en.ftl` at start; the pre-translation templates, both through
//! `doorstep.templates.dir`), checks that the words-written-in page is byte for byte the
//! shipped English page, and drives `GET /auth/signup` from `CLIENTS` keep-alive connections in
//! alternating rounds, so that a noisy neighbour hurts each alike, then prints requests per
//! second and the ratios. About two minutes; figures, not pass/fail.
#![allow(clippy::unwrap_used)]

#[path = "support/inline.rs"]
mod inline;
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
    let (inline_dir, inline_templates) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let before_templates = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/pages_before");
    let calls = inline::write_inlined(inline_templates.path(), &inline::SIGNUP_PAGE);
    let shipped = Server::start(shipped_dir.path(), "").await;
    let inlined = Server::start(
        inline_dir.path(),
        &format!(
            "doorstep.templates.dir={}\n",
            inline_templates.path().display()
        ),
    )
    .await;
    assert_eq!(
        page(&shipped, "en").await,
        page(&inlined, "en").await,
        "the page with its words written in is the shipped English page"
    );
    let before = Server::start(
        before_dir.path(),
        &format!("doorstep.templates.dir={before_templates}\n"),
    )
    .await;
    let cases = [
        Case {
            name: "words inline (en)",
            server: &inlined,
            language: "en",
        },
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
        "GET /auth/signup, {CLIENTS} clients, {ROUNDS} rounds of {} s per case, alternating; \
         {calls} t() calls written in for the words-inline page",
        ROUND.as_secs()
    );
    for case in &cases {
        throughput(&clients, case, WARM_UP).await;
    }
    let mut served = [0.0; 4];
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
    // The aim: languages on at ≥ 90 % of the same page without them (words inline).
    println!(
        "English / inline:    {:.1} %  (aim ≥ 90 %)",
        100.0 * rates[2] / rates[0]
    );
    println!(
        "German / inline:     {:.1} %  (aim ≥ 90 %)",
        100.0 * rates[3] / rates[0]
    );
    println!("German / English:    {:.1} %", 100.0 * rates[3] / rates[2]);
    println!("English / before:    {:.1} %", 100.0 * rates[2] / rates[1]);
    println!("German / before:     {:.1} %", 100.0 * rates[3] / rates[1]);
    println!(
        "RSS: shipped {:.1} MB, words inline {:.1} MB, before Fluent {:.1} MB",
        shipped.rss_mb("VmRSS"),
        inlined.rss_mb("VmRSS"),
        before.rss_mb("VmRSS")
    );
}

/// The sign-up page in `language`, its CSRF token blanked (each request gets its own).
async fn page(server: &Server, language: &str) -> String {
    let body = reqwest::Client::new()
        .get(format!("{}/auth/signup", server.url))
        .header("Accept", "text/html")
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = r#"name="csrf_token" value=""#;
    match body.split_once(marker) {
        Some((head, tail)) => {
            let rest = &tail[tail.find('"').unwrap()..];
            format!("{head}{marker}{rest}")
        }
        None => body,
    }
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
