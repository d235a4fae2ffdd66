//! Remote captchas: reCAPTCHA v2/v3, hCaptcha and Turnstile all answer the same siteverify
//! request, so one code path serves them all.

use std::net::IpAddr;
use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::{Provider, RemoteCaptcha};
use crate::error::Error;
use crate::metrics::CaptchaKind;

/// A sign-up waits at most this long for the provider.
const TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// A siteverify answer is a few hundred bytes; more means something is wrong.
const REPLY_LIMIT: usize = 64 * 1024;

/// Asks the provider whether a widget's token is genuine.
pub struct RemoteVerifier {
    settings: RemoteCaptcha,
    client: reqwest::Client,
}

/// The siteverify answer; providers add more members, which are ignored.
#[derive(Deserialize)]
struct Verdict {
    success: bool,
    #[serde(default)]
    score: Option<f64>,
    #[serde(default, rename = "error-codes")]
    error_codes: Vec<String>,
}

impl RemoteVerifier {
    /// A verifier with the production timeouts (5 s in all, 3 s to connect).
    pub fn new(settings: &RemoteCaptcha) -> Result<RemoteVerifier, String> {
        RemoteVerifier::with_timeouts(settings, TIMEOUT, CONNECT_TIMEOUT)
    }

    /// A verifier that gives up after `total`, or `connect` to reach the provider.
    pub fn with_timeouts(
        settings: &RemoteCaptcha,
        total: Duration,
        connect: Duration,
    ) -> Result<RemoteVerifier, String> {
        // reqwest is built without a crypto provider; if another part of the program installed
        // one first, that one serves equally well.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(total)
            .connect_timeout(connect)
            // A 307/308 would resend the body, secret included, wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| format!("the captcha verifier's HTTP client: {err}"))?;
        Ok(RemoteVerifier {
            settings: settings.clone(),
            client,
        })
    }

    /// Verifies a widget's token; fails closed when the provider cannot give an answer.
    pub async fn verify(&self, response: &str, client_ip: Option<IpAddr>) -> Result<(), Error> {
        let response = response.trim();
        if response.is_empty() {
            return Err(Error::CaptchaRequired);
        }
        let remote_ip = client_ip.map(|ip| ip.to_string());
        let mut form = vec![
            // The secret travels only in the body: URLs end up in proxy and server logs.
            ("secret", self.settings.private_key.expose_secret()),
            ("response", response),
        ];
        if let Some(ip) = &remote_ip {
            form.push(("remoteip", ip));
        }
        let verdict = self.ask(&form).await.map_err(|cause| {
            log::warn!(
                "captcha verify at {}: {cause}",
                self.settings.verify_url.origin().ascii_serialization()
            );
            Error::Unavailable
        })?;
        if !verdict.success {
            let codes = verdict.error_codes.join(",");
            if codes.contains("secret") {
                log::error!("captcha provider refused our secret key: {codes}");
            } else {
                log::info!("captcha refused by the provider: {codes}");
            }
            return Err(Error::CaptchaInvalid);
        }
        match verdict.score {
            Some(score) if score < self.settings.min_score => {
                log::info!("captcha score {score} below {}", self.settings.min_score);
                Err(Error::CaptchaInvalid)
            }
            _ => Ok(()),
        }
    }

    /// One siteverify round trip; the error is for the log and never names the secret.
    async fn ask(&self, form: &[(&str, &str)]) -> Result<Verdict, String> {
        let mut reply = self
            .client
            .post(self.settings.verify_url.clone())
            .form(form)
            .send()
            .await
            .map_err(describe)?;
        if !reply.status().is_success() {
            return Err(format!("status {}", reply.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = reply.chunk().await.map_err(describe)? {
            if body.len() + chunk.len() > REPLY_LIMIT {
                return Err("reply too large".into());
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|err| format!("unreadable reply: {err}"))
    }

    /// Which provider this is, for the metrics.
    pub fn kind(&self) -> CaptchaKind {
        match self.settings.provider {
            Provider::Recaptcha => CaptchaKind::Recaptcha,
            Provider::Hcaptcha => CaptchaKind::Hcaptcha,
            Provider::Turnstile => CaptchaKind::Turnstile,
        }
    }

    /// The widget's script, element class and site key, for pages.
    pub fn widget(&self) -> Value {
        let (script, class) = match self.settings.provider {
            Provider::Recaptcha => ("https://www.google.com/recaptcha/api.js", "g-recaptcha"),
            Provider::Hcaptcha => ("https://js.hcaptcha.com/1/api.js", "h-captcha"),
            Provider::Turnstile => (
                "https://challenges.cloudflare.com/turnstile/v0/api.js",
                "cf-turnstile",
            ),
        };
        json!({
            "provider": self.settings.provider.name(),
            "script": script,
            "class": class,
            "site_key": self.settings.public_key,
        })
    }
}

/// reqwest's error with its causes ("timed out", "connection refused"), without the URL.
fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::thread::JoinHandle;
    use std::time::Instant;

    use super::*;

    /// A siteverify stand-in that answers one request and hands back what it received.
    fn provider(status: u16, body: &'static str) -> (url::Url, JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/siteverify", listener.local_addr().unwrap());
        let served = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !complete(&request) {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0, "the client hung up early");
                request.extend_from_slice(&buf[..n]);
            }
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(reply.as_bytes()).unwrap();
            String::from_utf8(request).unwrap()
        });
        (url.parse().unwrap(), served)
    }

    /// Whether the headers and as much body as `Content-Length` says have arrived.
    fn complete(request: &[u8]) -> bool {
        let text = String::from_utf8_lossy(request);
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            return false;
        };
        let length = head
            .lines()
            .find_map(|line| {
                line.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().to_owned())
            })
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        body.len() >= length
    }

    fn verifier(url: url::Url, min_score: f64) -> RemoteVerifier {
        let settings = RemoteCaptcha {
            provider: Provider::Recaptcha,
            public_key: "site-key".into(),
            private_key: "s3cret-key".into(),
            verify_url: url,
            min_score,
        };
        RemoteVerifier::with_timeouts(
            &settings,
            Duration::from_millis(700),
            Duration::from_millis(300),
        )
        .unwrap()
    }

    async fn outcome(status: u16, body: &'static str, min_score: f64) -> Result<(), &'static str> {
        let (url, served) = provider(status, body);
        let ip = Some("203.0.113.9".parse().unwrap());
        let result = verifier(url, min_score).verify("tok", ip).await;
        served.join().unwrap();
        result.map_err(|err| err.code())
    }

    #[tokio::test]
    async fn verdicts() {
        assert_eq!(outcome(200, r#"{"success": true}"#, 0.5).await, Ok(()));
        let refused = r#"{"success": false, "error-codes": ["invalid-input-response"]}"#;
        assert_eq!(outcome(200, refused, 0.5).await, Err("captcha_invalid"));
        let low = r#"{"success": true, "score": 0.3}"#;
        assert_eq!(outcome(200, low, 0.5).await, Err("captcha_invalid"));
        let high = r#"{"success": true, "score": 0.9, "action": "signup"}"#;
        assert_eq!(outcome(200, high, 0.5).await, Ok(()));
    }

    #[tokio::test]
    async fn a_provider_that_cannot_answer_fails_closed() {
        assert_eq!(
            outcome(500, r#"{"success": true}"#, 0.5).await,
            Err("unavailable")
        );
        assert_eq!(
            outcome(200, "<html>oops</html>", 0.5).await,
            Err("unavailable")
        );
        assert_eq!(outcome(302, "", 0.5).await, Err("unavailable"));
        // Accepted by the kernel, never answered.
        let silent = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", silent.local_addr().unwrap());
        let started = Instant::now();
        let result = verifier(url.parse().unwrap(), 0.5)
            .verify("tok", None)
            .await;
        assert_eq!(result.unwrap_err().code(), "unavailable");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn the_secret_goes_in_the_body_only() {
        let (url, served) = provider(200, r#"{"success": true}"#);
        let ip = Some("203.0.113.9".parse().unwrap());
        verifier(url, 0.5).verify("tok", ip).await.unwrap();
        let request = served.join().unwrap();
        let (head, body) = request.split_once("\r\n\r\n").unwrap();
        let request_line = head.lines().next().unwrap();
        assert!(
            request_line.starts_with("POST /siteverify "),
            "{request_line}"
        );
        assert!(!head.contains("s3cret-key"), "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("application/x-www-form-urlencoded")
        );
        let fields: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap();
        let field = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(field("secret"), Some("s3cret-key"));
        assert_eq!(field("response"), Some("tok"));
        assert_eq!(field("remoteip"), Some("203.0.113.9"));
    }

    #[tokio::test]
    async fn an_empty_response_is_required_without_asking() {
        // Nothing listens here: a request would fail as unavailable, not as required.
        let url = "http://127.0.0.1:9/".parse().unwrap();
        let result = verifier(url, 0.5).verify("  ", None).await;
        assert_eq!(result.unwrap_err().code(), "captcha_required");
    }

    #[test]
    fn widgets_name_their_provider() {
        let mut v = verifier("http://127.0.0.1:9/".parse().unwrap(), 0.5);
        assert_eq!(v.widget()["class"], "g-recaptcha");
        assert_eq!(v.widget()["site_key"], "site-key");
        v.settings.provider = Provider::Turnstile;
        assert_eq!(
            v.widget()["script"],
            "https://challenges.cloudflare.com/turnstile/v0/api.js"
        );
        v.settings.provider = Provider::Hcaptcha;
        assert_eq!(v.widget()["class"], "h-captcha");
    }
}
