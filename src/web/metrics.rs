//! `GET /metrics`: the counters of `crate::metrics`, the HTTP table, and the gauges read when
//! scraped (the outbox from the database, the hashing pool's queue).

use std::sync::Arc;

use rocket::http::ContentType;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{State, get};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq as _;

use super::Doorstep;
use super::negotiate::refuse;
use super::observe::Traffic;
use crate::error::Error;
use crate::mail::outbox;
use crate::metrics::{self, Exposition};
use crate::random::digest;

/// A scrape that may read the metrics: 404 while `doorstep.metrics` is off, and 401 with
/// `WWW-Authenticate: Bearer` without the configured token.
pub struct Scraper;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Scraper {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let Some(app) = req.rocket().state::<Doorstep>() else {
            return refuse(req, Error::Internal);
        };
        let settings = &app.settings().metrics;
        if !settings.enabled {
            return refuse(req, Error::NotFound);
        }
        let Some(token) = &settings.token else {
            return Outcome::Success(Scraper);
        };
        let sent = req
            .headers()
            .get_one("Authorization")
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
            .map(|(_, sent)| sent.trim());
        // Compared as digests, in constant time: neither the time taken nor an early length
        // check tells a guesser how close they came.
        let matches = sent.is_some_and(|sent| {
            let expected = digest(token.expose_secret());
            bool::from(digest(sent).as_bytes().ct_eq(expected.as_bytes()))
        });
        if matches {
            Outcome::Success(Scraper)
        } else {
            refuse(req, Error::BearerRequired)
        }
    }
}

/// The Prometheus text exposition.
#[utoipa::path(
    tag = "service",
    responses(
        (status = 200, description = "Prometheus text format 0.0.4",
            content((String = "text/plain; version=0.0.4"))),
        (status = 401, description = "`unauthenticated`: `doorstep.metrics.token` is set and the \
            request's `Authorization: Bearer` does not carry it", body = super::views::ErrorBody),
        (status = 404, description = "`not_found`: `doorstep.metrics` is off",
            body = super::views::ErrorBody),
    ),
    security((), ("metrics_token" = []))
)]
#[get("/metrics")]
pub async fn scrape(
    app: &State<Doorstep>,
    traffic: &State<Arc<Traffic>>,
    _scraper: Scraper,
) -> (ContentType, String) {
    let mut out = Exposition::default();
    if let Some(table) = traffic.table() {
        table.render(&mut out);
    }
    metrics::render_domain(&mut out);
    outbox_gauges(app, &mut out).await;
    out.family(
        "doorstep_hash_queue_depth",
        "Password hashes running or waiting for a hashing thread.",
        "gauge",
    );
    out.sample(
        "doorstep_hash_queue_depth",
        &[],
        app.accounts.hasher.queue_depth(),
    );
    let content_type = ContentType::new("text", "plain").with_params(("version", "0.0.4"));
    (content_type, out.into_text())
}

/// The outbox's backlog. A database that cannot answer leaves these two out and the rest of
/// the scrape intact: the metrics matter most when something is wrong.
async fn outbox_gauges(app: &Doorstep, out: &mut Exposition) {
    let backlog = match outbox::backlog(&app.accounts.db).await {
        Ok(backlog) => backlog,
        Err(err) => {
            log::warn!("metrics: reading the outbox: {err}");
            return;
        }
    };
    out.family(
        "doorstep_outbox_depth",
        "Letters waiting for delivery.",
        "gauge",
    );
    out.sample("doorstep_outbox_depth", &[], backlog.depth);
    let age = backlog.oldest.map_or(0.0, |oldest| {
        (app.clock.now() - oldest).num_milliseconds().max(0) as f64 / 1000.0
    });
    out.family(
        "doorstep_outbox_oldest_seconds",
        "Age of the oldest letter waiting for delivery (0 when none waits).",
        "gauge",
    );
    out.sample("doorstep_outbox_oldest_seconds", &[], age);
    match crate::webhooks::deliver::backlog(&app.accounts.db).await {
        Ok(depth) => {
            let name = "doorstep_webhook_depth";
            out.family(name, "Webhook events waiting for delivery.", "gauge");
            out.sample(name, &[], depth);
        }
        Err(err) => log::warn!("metrics: reading the webhook backlog: {err}"),
    }
}
