//! What the server notes about every request: an id (sent back as `X-Request-Id` and carried
//! by every log line written while serving it), one access line, and the HTTP metrics.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{Header, Status};
use rocket::{Catcher, Data, Orbit, Request, Response, Rocket, Route, catcher, route};

use crate::config::Settings;
use crate::logging;
use crate::metrics::http::{self, HttpTable, UNMATCHED};

/// The longest `X-Request-Id` taken from a client (or a proxy in front); longer, or with other
/// characters than `[A-Za-z0-9._-]`, and the request gets an id of ours instead, so that
/// nothing a client sends can forge or break a log line.
const LONGEST_REQUEST_ID: usize = 64;

/// The HTTP metrics table, built at liftoff and read by `GET /metrics`.
#[derive(Default)]
pub struct Traffic(OnceLock<HttpTable>);

impl Traffic {
    /// `None` before liftoff, or while `doorstep.metrics` is off.
    pub fn table(&self) -> Option<&HttpTable> {
        self.0.get()
    }
}

/// The fairing that gives each request its id, times it, counts it and logs its access line.
pub struct Observer {
    base_path: String,
    /// `None` while `doorstep.metrics` is off: nothing is counted.
    traffic: Option<Arc<Traffic>>,
}

impl Observer {
    pub fn new(settings: &Settings, traffic: Arc<Traffic>) -> Observer {
        Observer {
            base_path: settings.base_path.clone(),
            traffic: settings.metrics.enabled.then_some(traffic),
        }
    }
}

/// This request's id, decided when it arrived.
struct RequestId(Arc<str>);

/// When this request arrived.
struct Arrived(Instant);

#[rocket::async_trait]
impl Fairing for Observer {
    fn info(&self) -> Info {
        Info {
            name: "request ids, access log and HTTP metrics",
            kind: Kind::Liftoff | Kind::Request | Kind::Response,
        }
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        let Some(traffic) = &self.traffic else {
            return;
        };
        let routes = rocket.routes().map(|route| http::Route {
            method: route.method.as_str(),
            path: route.uri.path().to_owned(),
            label: route_label(&self.base_path, route.uri.path()).to_owned(),
        });
        let _ = traffic.0.set(HttpTable::new(routes));
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        req.local_cache(|| Arrived(Instant::now()));
        req.local_cache(|| RequestId(choose_request_id(req.headers().get_one("X-Request-Id"))));
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let elapsed = req.local_cache(|| Arrived(Instant::now())).0.elapsed();
        let id = request_id(req);
        res.set_header(Header::new("X-Request-Id", id.to_string()));
        let route = req.route();
        let method = route.map_or(req.method(), |route| route.method).as_str();
        let label = route.map_or(UNMATCHED, |route| {
            route_label(&self.base_path, route.uri.path())
        });
        let status = res.status().code;
        if let Some(table) = self.traffic.as_ref().and_then(|traffic| traffic.table()) {
            table.observe(method, route.map(|route| route.uri.path()), status, elapsed);
        }
        // Microseconds are all a reader of the log can use.
        let duration_ms = (elapsed.as_secs_f64() * 1e6).round() / 1e3;
        logging::with_request_id(id, || {
            log::info!(
                target: "doorstep::access",
                method = method, route = label, status = status, duration_ms = duration_ms;
                "{method} {label} {status} {duration_ms:.1} ms"
            );
        });
    }
}

/// A route's pattern relative to `base-path`: `/store/auth/signup` → `/auth/signup`.
fn route_label<'a>(base_path: &str, path: &'a str) -> &'a str {
    match path.strip_prefix(base_path) {
        Some("") => "/",
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    }
}

/// The client's id when it is short and plain, else a new one (128 random bits, in hex).
fn choose_request_id(sent: Option<&str>) -> Arc<str> {
    let plain = |id: &&str| {
        (1..=LONGEST_REQUEST_ID).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    };
    match sent.filter(plain) {
        Some(id) => id.into(),
        None => format!("{:032x}", rand::random::<u128>()).into(),
    }
}

fn request_id(req: &Request<'_>) -> Arc<str> {
    req.local_cache(|| RequestId(choose_request_id(None)))
        .0
        .clone()
}

/// Routes whose handlers (guards included) run with their request's id, so that what they
/// log carries it (see `logging::in_request`).
pub fn traced(routes: impl Into<Vec<Route>>) -> Vec<Route> {
    let routes: Vec<Route> = routes.into();
    routes
        .into_iter()
        .map(|mut route| {
            route.handler = Box::new(Traced(route.handler));
            route
        })
        .collect()
}

/// Catchers that run with their request's id, like `traced` routes.
pub fn traced_catchers(catchers: Vec<Catcher>) -> Vec<Catcher> {
    catchers
        .into_iter()
        .map(|mut catcher| {
            catcher.handler = Box::new(TracedCatcher(catcher.handler));
            catcher
        })
        .collect()
}

#[derive(Clone)]
struct Traced(Box<dyn route::Handler>);

#[rocket::async_trait]
impl route::Handler for Traced {
    async fn handle<'r>(&self, req: &'r Request<'_>, data: Data<'r>) -> route::Outcome<'r> {
        logging::in_request(request_id(req), self.0.handle(req, data)).await
    }
}

#[derive(Clone)]
struct TracedCatcher(Box<dyn catcher::Handler>);

#[rocket::async_trait]
impl catcher::Handler for TracedCatcher {
    async fn handle<'r>(&self, status: Status, req: &'r Request<'_>) -> catcher::Result<'r> {
        logging::in_request(request_id(req), self.0.handle(status, req)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_patterns_under_the_base_path() {
        assert_eq!(route_label("/store", "/store/auth/signup"), "/auth/signup");
        assert_eq!(route_label("/store", "/store"), "/");
        assert_eq!(route_label("/store", "/store/"), "/");
        assert_eq!(
            route_label("/store", "/store/static/<path..>"),
            "/static/<path..>"
        );
        assert_eq!(route_label("", "/auth/signup"), "/auth/signup");
        assert_eq!(route_label("/store", "/storefront"), "/storefront");
    }

    #[test]
    fn request_ids_are_taken_only_when_short_and_plain() {
        let kept = ["abc", "A.b_c-9", &"x".repeat(64)];
        for id in kept {
            assert_eq!(&*choose_request_id(Some(id)), id);
        }
        let replaced = ["", "a b", "a\nb", "<script>", "ü", &"x".repeat(65)];
        for id in replaced {
            let chosen = choose_request_id(Some(id));
            assert_ne!(&*chosen, id);
            assert_eq!(chosen.len(), 32);
            assert!(chosen.bytes().all(|b| b.is_ascii_hexdigit()), "{chosen}");
        }
        assert_ne!(choose_request_id(None), choose_request_id(None));
    }
}
