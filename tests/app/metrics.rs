//! `GET /metrics`: what it counts, what it never shows, and who may read it.
//!
//! The HTTP table and the outbox gauges belong to one server, so they are checked exactly. The
//! domain counters are the process's, shared with the tests running beside these, so they are
//! checked to have moved at least as far as this test moved them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use doorstep::accounts::password::PasswordHasher;
use doorstep::config::{Provider, RemoteCaptcha};
use rocket::http::{Accept, Header, Status};
use serde_json::json;

use crate::support::{Reply, TestApp, database_url, signup_body};

const TOKEN: &str = "scrape-token-0123456789";

async fn scrape(app: &TestApp) -> String {
    let reply = app.get("/metrics", "text/plain").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("text/plain; version=0.0.4")
    );
    reply.body
}

/// The value of `series` (its name and labels exactly as exposed), if shown.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[track_caller]
fn read(text: &str, series: &str) -> f64 {
    value(text, series).unwrap_or_else(|| panic!("{series} not in:\n{text}"))
}

fn requests(route: &str, method: &str, status: u16) -> String {
    format!(
        "doorstep_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}}"
    )
}

#[rocket::async_test]
async fn a_sign_up_and_its_confirmation_are_counted() {
    let app = TestApp::start().await;
    let before = scrape(&app).await;
    for family in [
        "doorstep_http_requests_total counter",
        "doorstep_http_request_duration_seconds histogram",
        "doorstep_signups_total counter",
        "doorstep_confirmations_total counter",
        "doorstep_resets_total counter",
        "doorstep_signins_total counter",
        "doorstep_outbox_depth gauge",
        "doorstep_outbox_oldest_seconds gauge",
        "doorstep_mail_deliveries_total counter",
        "doorstep_hash_queue_depth gauge",
        "doorstep_busy_refusals_total counter",
        "doorstep_captcha_checks_total counter",
        "doorstep_rate_limited_total counter",
    ] {
        assert!(before.contains(&format!("# TYPE {family}\n")), "{family}");
        let name = family.split(' ').next().unwrap();
        assert!(before.contains(&format!("# HELP {name} ")), "{name}");
    }
    assert_eq!(read(&before, "doorstep_outbox_depth"), 0.0);
    assert_eq!(read(&before, "doorstep_hash_queue_depth"), 0.0);
    let signups = read(&before, "doorstep_signups_total");
    let confirmations = read(&before, "doorstep_confirmations_total");
    let sent = "doorstep_mail_deliveries_total{outcome=\"sent\"}";
    let delivered = read(&before, sent);

    let reply = app
        .post_json("/auth/signup", &signup_body("ada@example.com"))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.clock.advance(Duration::from_secs(90));
    let queued = scrape(&app).await;
    assert!(read(&queued, "doorstep_signups_total") >= signups + 1.0);
    assert_eq!(read(&queued, &requests("/auth/signup", "POST", 200)), 1.0);
    let count = "doorstep_http_request_duration_seconds_count\
                 {route=\"/auth/signup\",method=\"POST\",status=\"200\"}";
    assert_eq!(read(&queued, count), 1.0);
    assert_eq!(read(&queued, "doorstep_outbox_depth"), 1.0);
    assert_eq!(read(&queued, "doorstep_outbox_oldest_seconds"), 90.0);
    assert_eq!(read(&queued, &requests("/metrics", "GET", 200)), 1.0);

    app.deliver().await;
    let token = app.mails().last().unwrap().token().unwrap();
    let confirmed = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
    // A second click shows the same success but creates nothing.
    app.get_json(&format!("/auth/signup?confirm={token}")).await;
    let after = scrape(&app).await;
    assert_eq!(read(&after, "doorstep_outbox_depth"), 0.0);
    assert_eq!(read(&after, "doorstep_outbox_oldest_seconds"), 0.0);
    assert!(read(&after, sent) >= delivered + 1.0);
    assert!(read(&after, "doorstep_confirmations_total") >= confirmations + 1.0);
    assert_eq!(read(&after, &requests("/auth/signup", "GET", 200)), 2.0);
    assert_eq!(read(&after, &requests("/metrics", "GET", 200)), 2.0);
}

#[rocket::async_test]
async fn resets_sign_ins_and_rate_limits_are_counted() {
    let app = TestApp::with(|settings| settings.reset.enabled = true).await;
    let password = "correct horse battery staple";
    app.confirmed_account("ada@example.com", password).await;
    let before = scrape(&app).await;
    let wrong = "doorstep_signins_total{outcome=\"invalid_credentials\"}";
    let ok = "doorstep_signins_total{outcome=\"ok\"}";
    let (wrong_before, ok_before) = (read(&before, wrong), read(&before, ok));
    let resets = read(&before, "doorstep_resets_total");

    assert!(!app.signs_in("ada@example.com", "not the password").await);
    assert!(!app.signs_in("nobody@example.com", "not the password").await);
    assert!(app.signs_in("ada@example.com", password).await);
    let reply = app
        .post_json("/auth/pwreset", &json!({ "email": "ada@example.com" }))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    let token = app.mails().last().unwrap().token().unwrap();
    let body = json!({ "token": token, "password": "a new and different password" });
    let reply = app.post_json("/auth/pwreset/confirm", &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);

    let after = scrape(&app).await;
    assert!(
        read(&after, wrong) >= wrong_before + 2.0,
        "unknown and wrong alike"
    );
    assert!(read(&after, ok) >= ok_before + 1.0);
    assert!(read(&after, "doorstep_resets_total") >= resets + 1.0);
    assert_eq!(read(&after, &requests("/auth/login", "POST", 401)), 2.0);

    let limited = TestApp::with(|settings| {
        settings.limits.ip = doorstep::config::Rate::parse("1/1h").unwrap();
    })
    .await;
    let ip = "doorstep_rate_limited_total{limit=\"ip\"}";
    let ip_before = read(&scrape(&limited).await, ip);
    limited
        .post_json("/auth/signup", &signup_body("a@example.com"))
        .await;
    let refused = limited
        .post_json("/auth/signup", &signup_body("b@example.com"))
        .await;
    refused.assert_error(Status::TooManyRequests, "rate_limited");
    let after = scrape(&limited).await;
    assert!(read(&after, ip) >= ip_before + 1.0);
    assert_eq!(read(&after, &requests("/auth/signup", "POST", 429)), 1.0);
}

#[rocket::async_test]
async fn captcha_checks_are_counted_by_kind_and_outcome() {
    let app = TestApp::with(|settings| {
        settings.captcha.remote = Some(RemoteCaptcha {
            provider: Provider::Hcaptcha,
            public_key: "site-key".into(),
            private_key: "secret".into(),
            // Nothing listens there: the provider cannot answer.
            verify_url: "http://127.0.0.1:1/siteverify".parse().unwrap(),
            min_score: 0.5,
        });
    })
    .await;
    let series = |outcome| {
        format!("doorstep_captcha_checks_total{{kind=\"hcaptcha\",outcome=\"{outcome}\"}}")
    };
    let before = scrape(&app).await;
    let missing = app
        .post_json("/auth/signup", &signup_body("ada@example.com"))
        .await;
    missing.assert_error(Status::BadRequest, "captcha_required");
    let mut body = signup_body("ada@example.com");
    body["grecaptcharesponse"] = json!("widget-token");
    let unanswered = app.post_json("/auth/signup", &body).await;
    unanswered.assert_error(Status::ServiceUnavailable, "unavailable");
    let after = scrape(&app).await;
    for outcome in ["missing", "error"] {
        let series = series(outcome);
        assert!(
            read(&after, &series) >= read(&before, &series) + 1.0,
            "{series}"
        );
    }
}

#[rocket::async_test]
async fn tokens_never_reach_the_metrics() {
    let app = TestApp::start().await;
    let token = app.sign_up("ada@example.com").await;
    let page = app.get_html(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let confirmed = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
    let captcha = app.get_json(&format!("/auth/captcha/{token}.png")).await;
    assert_eq!(captcha.status, Status::NotFound, "{}", captcha.body);
    let nowhere = app.get_json(&format!("/nowhere/{token}")).await;
    nowhere.assert_error(Status::NotFound, "not_found");

    let text = scrape(&app).await;
    assert!(
        !text.contains(&token),
        "the token is in the metrics:\n{text}"
    );
    assert_eq!(read(&text, &requests("/auth/signup", "GET", 200)), 2.0);
    assert_eq!(
        read(&text, &requests("/auth/captcha/<file>", "GET", 404)),
        1.0
    );
    assert_eq!(read(&text, &requests("unmatched", "GET", 404)), 1.0);
}

#[rocket::async_test]
async fn routes_are_labelled_by_pattern_under_the_base_path() {
    let app = TestApp::with(|settings| settings.base_path = "/store".into()).await;
    let form = app.get_html("/store/auth/signup").await;
    assert_eq!(form.status, Status::Ok, "{}", form.body);
    let css = app.get("/store/static/doorstep.css", "text/css").await;
    let text = app.get("/store/metrics", "text/plain").await.body;
    assert_eq!(read(&text, &requests("/auth/signup", "GET", 200)), 1.0);
    let statics = requests("/static/<path..>", "GET", css.status.code);
    assert_eq!(read(&text, &statics), 1.0, "{text}");
    assert_eq!(
        app.get("/metrics", "text/plain").await.status,
        Status::NotFound
    );
}

/// A scrape with these headers.
async fn scrape_with(app: &TestApp, authorization: Option<&str>) -> Reply {
    let mut request = app.client.get("/metrics").header(Accept::JSON);
    if let Some(value) = authorization {
        request = request.header(Header::new("Authorization", value.to_owned()));
    }
    app.send(request).await
}

#[rocket::async_test]
async fn a_configured_token_guards_the_metrics() {
    let app = TestApp::with(|settings| settings.metrics.token = Some(TOKEN.into())).await;
    for authorization in [
        None,
        Some("Bearer wrong-token-0123456789".to_owned()),
        Some(format!("Bearer {TOKEN}x")),
        Some(format!("Basic {TOKEN}")),
        Some(TOKEN.to_owned()),
    ] {
        let reply = scrape_with(&app, authorization.as_deref()).await;
        reply.assert_error(Status::Unauthorized, "unauthenticated");
        assert_eq!(reply.header("WWW-Authenticate"), Some("Bearer"));
        assert!(!reply.body.contains("doorstep_"), "{}", reply.body);
    }
    for authorization in [format!("Bearer {TOKEN}"), format!("bearer  {TOKEN}")] {
        let reply = scrape_with(&app, Some(&authorization)).await;
        assert_eq!(reply.status, Status::Ok, "{authorization}: {}", reply.body);
        assert_eq!(
            reply.content_type.as_deref(),
            Some("text/plain; version=0.0.4")
        );
        assert!(reply.body.contains("# TYPE doorstep_signups_total counter"));
    }
    let text = scrape_with(&app, Some(&format!("Bearer {TOKEN}")))
        .await
        .body;
    assert_eq!(read(&text, &requests("/metrics", "GET", 401)), 5.0);
    assert!(!text.contains(TOKEN));
}

#[rocket::async_test]
async fn switched_off_the_metrics_are_not_found_and_nothing_is_counted() {
    let app = TestApp::with(|settings| settings.metrics.enabled = false).await;
    let reply = scrape_with(&app, None).await;
    reply.assert_error(Status::NotFound, "not_found");
    let page = app.get_html("/metrics").await;
    assert_eq!(page.status, Status::NotFound);
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    let traffic = app
        .client
        .rocket()
        .state::<std::sync::Arc<doorstep::web::Traffic>>();
    assert!(traffic.unwrap().table().is_none(), "no table is kept");
}

#[rocket::async_test]
async fn a_full_hashing_pool_shows_in_its_queue_and_its_refusals() {
    // One thread, one waiting place, and hashes slow enough to be seen waiting.
    let params = argon2::Params::new(64 * 1024, 4, 1, None).unwrap();
    let hasher = PasswordHasher::with_params(1, 1, params);
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let app = TestApp::on(dir, url, |_| {}, |app| app.hasher(hasher)).await;
    let busy = "doorstep_busy_refusals_total";
    let busy_before = read(&scrape(&app).await, busy);

    let done = AtomicBool::new(false);
    let app = &app;
    let sign_up = |n: usize| {
        let body = signup_body(&format!("rush{n}@example.com"));
        async move { app.post_json("/auth/signup", &body).await.status }
    };
    let rush = async {
        let (a, b, c) = tokio::join!(sign_up(1), sign_up(2), sign_up(3));
        done.store(true, Ordering::Release);
        [a, b, c]
    };
    let watch = async {
        let mut deepest = 0.0f64;
        while !done.load(Ordering::Acquire) {
            let text = scrape(app).await;
            deepest = deepest.max(read(&text, "doorstep_hash_queue_depth"));
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        deepest
    };
    let (statuses, deepest) = tokio::join!(rush, watch);
    let refused = statuses
        .iter()
        .filter(|status| **status == Status::ServiceUnavailable)
        .count();
    assert!(refused >= 1, "{statuses:?}");
    assert!(statuses.contains(&Status::Ok), "{statuses:?}");
    assert!(deepest >= 1.0, "the queue never showed: {deepest}");
    let after = scrape(app).await;
    assert_eq!(read(&after, "doorstep_hash_queue_depth"), 0.0);
    assert!(read(&after, busy) >= busy_before + refused as f64);
}
