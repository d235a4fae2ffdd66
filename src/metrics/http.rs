//! The HTTP series: requests and their durations by route pattern, method and status.
//!
//! The table is built once the server lifts off, when every mounted route (pattern × method)
//! is known, plus an `unmatched` row per method. A row's statuses are slots claimed on first
//! use with a compare-and-swap, so a request finds its cell with a binary search over the
//! immutable rows and a short scan of its row's slots, then counts with atomics: no lock.

use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::time::Duration;

use super::Exposition;

/// Upper bounds of the duration buckets, in seconds: a form takes about a millisecond, a
/// sign-up tens (one password hash), a slow database or relay seconds.
pub const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The route label of requests that no route matched (never the path: it may hold a token).
pub const UNMATCHED: &str = "unmatched";

/// Every method Rocket routes.
const METHODS: [&str; 9] = [
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "TRACE", "CONNECT", "PATCH",
];

/// Distinct statuses one route and method can count on their own; more than this (no route
/// of ours answers with that many) are counted together as `status="other"`.
const STATUS_SLOTS: usize = 16;

const REQUESTS: &str = "doorstep_http_requests_total";
const DURATION: &str = "doorstep_http_request_duration_seconds";

/// Requests and their durations, per route pattern, method and status.
pub struct HttpTable {
    /// Sorted by (path, method) for the binary search.
    routes: Vec<Row>,
    /// One per entry of `METHODS`.
    unmatched: Vec<Row>,
}

/// One route pattern and method.
struct Row {
    method: &'static str,
    /// The mounted path as Rocket knows the route: what a request is looked up by.
    path: String,
    /// What the exposition shows: the pattern relative to `base-path`, or `unmatched`.
    label: String,
    slots: [Slot; STATUS_SLOTS],
    other: Histogram,
}

/// One status of a row; `status` 0 while the slot is free.
struct Slot {
    status: AtomicU16,
    histogram: Histogram,
}

/// Counts per duration bucket (the last one above every bound) and their sum.
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

/// A route of the running server: its method, its mounted path and its label.
pub struct Route {
    pub method: &'static str,
    pub path: String,
    pub label: String,
}

impl HttpTable {
    pub fn new(routes: impl IntoIterator<Item = Route>) -> HttpTable {
        let mut routes: Vec<Row> = routes
            .into_iter()
            .map(|route| Row::new(route.method, route.path, route.label))
            .collect();
        routes.sort_by(|a, b| (a.path.as_str(), a.method).cmp(&(b.path.as_str(), b.method)));
        // Routes told apart only by rank, format or query share their pattern's row.
        routes.dedup_by(|a, b| a.path == b.path && a.method == b.method);
        let unmatched = METHODS
            .iter()
            .map(|method| Row::new(method, String::new(), UNMATCHED.to_owned()))
            .collect();
        HttpTable { routes, unmatched }
    }

    /// Counts one answered request: `path` is the mounted path of the route that handled it,
    /// `None` when no route matched.
    pub fn observe(&self, method: &str, path: Option<&str>, status: u16, elapsed: Duration) {
        let row = path
            .and_then(|path| {
                self.routes
                    .binary_search_by(|row| (row.path.as_str(), row.method).cmp(&(path, method)))
                    .ok()
                    .map(|at| &self.routes[at])
            })
            .or_else(|| self.unmatched.iter().find(|row| row.method == method));
        if let Some(row) = row {
            row.histogram(status).observe(elapsed);
        }
    }

    /// Writes both HTTP families, from one reading of every cell so that they agree.
    pub fn render(&self, out: &mut Exposition) {
        let mut readings: Vec<Reading> = self
            .routes
            .iter()
            .chain(&self.unmatched)
            .flat_map(Row::readings)
            .collect();
        readings
            .sort_by(|a, b| (a.route, a.method, &a.status).cmp(&(b.route, b.method, &b.status)));
        out.family(
            REQUESTS,
            "HTTP requests answered, by route pattern, method and status.",
            "counter",
        );
        for reading in &readings {
            out.sample(REQUESTS, &reading.labels(), reading.count());
        }
        out.family(
            DURATION,
            "Time from a request's arrival to its response, by route pattern, method and status.",
            "histogram",
        );
        let bucket = format!("{DURATION}_bucket");
        let (sum, count) = (format!("{DURATION}_sum"), format!("{DURATION}_count"));
        for reading in &readings {
            let labels = reading.labels();
            let mut cumulative = 0;
            for (n, in_bucket) in reading.buckets.iter().enumerate() {
                cumulative += in_bucket;
                let le = BUCKETS
                    .get(n)
                    .map_or_else(|| "+Inf".to_owned(), f64::to_string);
                let mut with_le = labels.to_vec();
                with_le.push(("le", &le));
                out.sample(&bucket, &with_le, cumulative);
            }
            out.sample(&sum, &labels, reading.sum_micros as f64 / 1e6);
            out.sample(&count, &labels, cumulative);
        }
    }
}

impl Row {
    fn new(method: &'static str, path: String, label: String) -> Row {
        Row {
            method,
            path,
            label,
            slots: std::array::from_fn(|_| Slot {
                status: AtomicU16::new(0),
                histogram: Histogram::new(),
            }),
            other: Histogram::new(),
        }
    }

    /// The histogram of `status`, claiming a free slot the first time it is seen.
    fn histogram(&self, status: u16) -> &Histogram {
        for slot in &self.slots {
            let seen = slot.status.load(Ordering::Acquire);
            if seen == status {
                return &slot.histogram;
            }
            if seen == 0 {
                match slot
                    .status
                    .compare_exchange(0, status, Ordering::AcqRel, Ordering::Acquire)
                {
                    Ok(_) => return &slot.histogram,
                    // Another request claimed it a moment ago, perhaps for this status.
                    Err(claimed) if claimed == status => return &slot.histogram,
                    Err(_) => {}
                }
            }
        }
        &self.other
    }

    fn readings(&self) -> impl Iterator<Item = Reading<'_>> {
        let slots =
            self.slots
                .iter()
                .filter_map(|slot| match slot.status.load(Ordering::Acquire) {
                    0 => None,
                    status => Some((status.to_string(), &slot.histogram)),
                });
        let other = Some(("other".to_owned(), &self.other));
        slots
            .chain(other)
            .map(|(status, histogram)| Reading {
                route: &self.label,
                method: self.method,
                status,
                buckets: histogram.buckets(),
                sum_micros: histogram.sum_micros.load(Ordering::Relaxed),
            })
            .filter(|reading| reading.count() > 0)
    }
}

impl Histogram {
    fn new() -> Histogram {
        Histogram {
            buckets: [const { AtomicU64::new(0) }; BUCKETS.len() + 1],
            sum_micros: AtomicU64::new(0),
        }
    }

    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    fn buckets(&self) -> [u64; BUCKETS.len() + 1] {
        std::array::from_fn(|n| self.buckets[n].load(Ordering::Relaxed))
    }
}

/// One series as read for a scrape.
struct Reading<'a> {
    route: &'a str,
    method: &'a str,
    status: String,
    buckets: [u64; BUCKETS.len() + 1],
    sum_micros: u64,
}

impl Reading<'_> {
    fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }

    fn labels(&self) -> [(&str, &str); 3] {
        [
            ("route", self.route),
            ("method", self.method),
            ("status", &self.status),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> HttpTable {
        let route = |method, path: &str, label: &str| Route {
            method,
            path: path.into(),
            label: label.into(),
        };
        HttpTable::new([
            route("GET", "/store/auth/signup", "/auth/signup"),
            route("POST", "/store/auth/signup", "/auth/signup"),
            route("GET", "/store/static/<path..>", "/static/<path..>"),
            route("GET", "/store/auth/signup", "/auth/signup"),
        ])
    }

    fn text(table: &HttpTable) -> String {
        let mut out = Exposition::default();
        table.render(&mut out);
        out.into_text()
    }

    #[test]
    fn requests_are_counted_by_pattern_method_and_status() {
        let table = table();
        let ms = Duration::from_millis;
        table.observe("GET", Some("/store/auth/signup"), 200, ms(2));
        table.observe("GET", Some("/store/auth/signup"), 200, ms(30));
        table.observe("POST", Some("/store/auth/signup"), 400, ms(1));
        table.observe("GET", Some("/store/nowhere"), 404, ms(1));
        table.observe("DELETE", None, 404, ms(1));
        let text = text(&table);
        for line in [
            "doorstep_http_requests_total{route=\"/auth/signup\",method=\"GET\",status=\"200\"} 2\n",
            "doorstep_http_requests_total{route=\"/auth/signup\",method=\"POST\",status=\"400\"} 1\n",
            "doorstep_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n",
            "doorstep_http_requests_total{route=\"unmatched\",method=\"DELETE\",status=\"404\"} 1\n",
            "doorstep_http_request_duration_seconds_bucket{route=\"/auth/signup\",method=\"GET\",status=\"200\",le=\"0.001\"} 0\n",
            "doorstep_http_request_duration_seconds_bucket{route=\"/auth/signup\",method=\"GET\",status=\"200\",le=\"0.0025\"} 1\n",
            "doorstep_http_request_duration_seconds_bucket{route=\"/auth/signup\",method=\"GET\",status=\"200\",le=\"0.05\"} 2\n",
            "doorstep_http_request_duration_seconds_bucket{route=\"/auth/signup\",method=\"GET\",status=\"200\",le=\"+Inf\"} 2\n",
            "doorstep_http_request_duration_seconds_sum{route=\"/auth/signup\",method=\"GET\",status=\"200\"} 0.032\n",
            "doorstep_http_request_duration_seconds_count{route=\"/auth/signup\",method=\"GET\",status=\"200\"} 2\n",
        ] {
            assert!(text.contains(line), "{line} not in:\n{text}");
        }
        assert!(!text.contains("/static/<path..>"), "unused rows stay out");
        assert_eq!(text.matches("# TYPE ").count(), 2);
    }

    #[test]
    fn statuses_beyond_the_slots_are_counted_as_other() {
        let table = table();
        for status in 200..200 + STATUS_SLOTS as u16 + 2 {
            table.observe("GET", Some("/store/auth/signup"), status, Duration::ZERO);
        }
        let text = text(&table);
        assert!(text.contains("status=\"215\"} 1\n"), "{text}");
        assert!(text.contains("status=\"other\"} 2\n"), "{text}");
    }

    #[test]
    fn concurrent_requests_are_all_counted() {
        let table = std::sync::Arc::new(table());
        let threads: Vec<_> = (0..4)
            .map(|n| {
                let table = table.clone();
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        let status = [200, 303, 400, 503][n];
                        table.observe("POST", Some("/store/auth/signup"), status, Duration::ZERO);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let text = text(&table);
        for status in [200, 303, 400, 503] {
            let line = format!(
                "doorstep_http_requests_total{{route=\"/auth/signup\",method=\"POST\",status=\"{status}\"}} 1000\n"
            );
            assert!(text.contains(&line), "{line} not in:\n{text}");
        }
    }
}
