//! Requests from a given client address (Rocket's local client otherwise has none).

use std::net::SocketAddr;

use rocket::http::{Accept, ContentType, Header};
use serde_json::Value;

use super::{Reply, TestApp};

/// `"203.0.113.5"` or `"2001:db8::1"` as a peer socket address.
pub fn peer(ip: &str) -> SocketAddr {
    SocketAddr::new(ip.parse().unwrap(), 4000)
}

impl TestApp {
    /// A JSON POST from the peer address `ip`.
    pub async fn post_json_from(&self, ip: &str, path: &str, body: &Value) -> Reply {
        let request = self.client.post(path.to_owned()).remote(peer(ip));
        let request = request.header(ContentType::JSON).header(Accept::JSON);
        self.send(request.body(body.to_string())).await
    }

    /// A JSON POST from the peer address `ip` carrying `X-Forwarded-For: forwarded`.
    pub async fn post_json_via(
        &self,
        ip: &str,
        forwarded: &str,
        path: &str,
        body: &Value,
    ) -> Reply {
        let request = self.client.post(path.to_owned()).remote(peer(ip));
        let request = request
            .header(Header::new("X-Forwarded-For", forwarded.to_owned()))
            .header(ContentType::JSON)
            .header(Accept::JSON);
        self.send(request.body(body.to_string())).await
    }

    /// A JSON GET from the peer address `ip`.
    pub async fn get_json_from(&self, ip: &str, path: &str) -> Reply {
        let request = self.client.get(path.to_owned()).remote(peer(ip));
        self.send(request.header(Accept::JSON)).await
    }
}

impl Reply {
    /// Asserts a 429 `rate_limited` whose `Retry-After` asks for 1 to `max` seconds.
    #[track_caller]
    pub fn assert_rate_limited(&self, max: u64) {
        self.assert_error(rocket::http::Status::TooManyRequests, "rate_limited");
        let wait: u64 = self
            .retry_after
            .as_deref()
            .expect("a Retry-After header")
            .parse()
            .expect("Retry-After in seconds");
        assert!((1..=max).contains(&wait), "Retry-After: {wait}");
    }
}
