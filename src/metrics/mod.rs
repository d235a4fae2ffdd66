//! What doorstep counts, for `GET /metrics` (Prometheus text format 0.0.4).
//!
//! Every series here is a fixed set known at compile time (or, for HTTP, at liftoff), so each
//! cell is a plain atomic: counting is one relaxed `fetch_add` on the request path, with no
//! lock, no map lookup and no allocation. The `prometheus` and `prometheus-client` crates keep
//! labelled series in maps behind a lock, and `metrics` adds a global recorder and an exporter;
//! for a few dozen fixed series, a hundred lines of our own are simpler and cheaper.
//!
//! A leaf: the domain modules (`accounts`, `mail`, `captcha`, `limits`) count their events
//! here where they happen, and the web layer renders it all.

pub mod exposition;
pub mod http;

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

pub use exposition::Exposition;

/// A label's values as an enum, each variant indexing a counter. At most `MAX_VALUES`.
macro_rules! label_values {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl Label for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];

            fn text(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        const _: () = assert!(<$name as Label>::ALL.len() <= MAX_VALUES);
    };
}

/// The most values one label may take.
const MAX_VALUES: usize = 8;

/// The values of one label, in the order they are shown.
pub trait Label: Copy + Eq + 'static {
    const ALL: &'static [Self];
    /// The label value as it appears in the exposition.
    fn text(self) -> &'static str;

    fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|value| *value == self)
            .unwrap_or(0)
    }
}

label_values! {
    /// How a sign-in attempt ended.
    SignIn {
        Ok = "ok",
        /// Wrong password or unknown address: one outcome, so the metrics cannot tell which
        /// addresses have accounts.
        InvalidCredentials = "invalid_credentials",
        /// The right password into an account that waits for approval or is disabled.
        Refused = "refused",
        RateLimited = "rate_limited",
        Busy = "busy",
        /// Missing fields or a redirect target that is not permitted.
        InvalidRequest = "invalid_request",
        /// The database or the hashing pool failed.
        Error = "error",
    }
}

label_values! {
    /// What became of one delivery attempt of a letter or a webhook event.
    Delivery {
        Sent = "sent",
        /// Failed for now; tried again later.
        Retry = "retry",
        /// Refused for good by the relay, or undelivered for too long.
        GaveUp = "gave_up",
    }
}

label_values! {
    /// Which captcha was checked.
    CaptchaKind {
        Image = "image",
        /// The proof-of-work challenge.
        Pow = "pow",
        Recaptcha = "recaptcha",
        Hcaptcha = "hcaptcha",
        Turnstile = "turnstile",
    }
}

label_values! {
    /// How a captcha check ended.
    CaptchaOutcome {
        Passed = "passed",
        /// A wrong, spent or expired answer, or one the provider refused.
        Failed = "failed",
        /// No answer was sent.
        Missing = "missing",
        /// The provider or the database could not answer.
        Error = "error",
    }
}

label_values! {
    /// Which rate limit refused a request.
    Limit {
        /// `doorstep.ratelimit.ip`.
        Ip = "ip",
        /// `doorstep.ratelimit.email`.
        Email = "email",
        /// `doorstep.ratelimit.mail`.
        Mail = "mail",
        /// Failed sign-ins for one address from one client.
        SignInFailures = "signin_failures",
        /// Failed sign-ins for one address from all clients.
        SignInFailuresAll = "signin_failures_all",
        /// New captcha pictures per client.
        CaptchaImages = "captcha_images",
        /// Registration status reads per client.
        StatusPolls = "status_polls",
        /// Username availability checks per client.
        UsernameChecks = "username_checks",
    }
}

label_values! {
    /// What became of a one-time code typed in.
    CodeOutcome {
        /// It finished its flow (a confirmation or a new password).
        Accepted = "accepted",
        /// Wrong, used up, expired, over the address's daily failures, or for an address with
        /// nothing pending: one outcome, as the reply is one.
        Refused = "refused",
    }
}

/// A number that only goes up.
pub struct Counter(AtomicU64);

impl Counter {
    pub const fn new() -> Counter {
        Counter(AtomicU64::new(0))
    }

    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Default for Counter {
    fn default() -> Self {
        Counter::new()
    }
}

/// One counter per value of a label.
pub struct ByLabel<L> {
    counts: [Counter; MAX_VALUES],
    label: PhantomData<L>,
}

impl<L: Label> ByLabel<L> {
    pub const fn new() -> ByLabel<L> {
        ByLabel {
            counts: [const { Counter::new() }; MAX_VALUES],
            label: PhantomData,
        }
    }

    pub fn inc(&self, value: L) {
        self.counts[value.index()].inc();
    }

    pub fn get(&self, value: L) -> u64 {
        self.counts[value.index()].get()
    }
}

impl<L: Label> Default for ByLabel<L> {
    fn default() -> Self {
        ByLabel::new()
    }
}

/// Sign-ups accepted (the same reply, and the same count, whether or not the address already
/// has an account).
pub static SIGNUPS: Counter = Counter::new();
/// Accounts created by a confirmation link or code (a second click on the same link is not
/// counted).
pub static CONFIRMATIONS: Counter = Counter::new();
/// Passwords changed through a reset link.
pub static RESETS: Counter = Counter::new();
pub static SIGNINS: ByLabel<SignIn> = ByLabel::new();
pub static MAIL_DELIVERIES: ByLabel<Delivery> = ByLabel::new();
/// Webhook posts by outcome (`sent`: a 2xx).
pub static WEBHOOK_DELIVERIES: ByLabel<Delivery> = ByLabel::new();
/// Requests told `busy` because the password hashing pool was full.
pub static BUSY_REFUSALS: Counter = Counter::new();
/// Captcha checks, one row of outcomes per kind.
pub static CAPTCHA_CHECKS: [ByLabel<CaptchaOutcome>; MAX_VALUES] =
    [const { ByLabel::new() }; MAX_VALUES];
pub static RATE_LIMITED: ByLabel<Limit> = ByLabel::new();
pub static CODES: ByLabel<CodeOutcome> = ByLabel::new();

/// Counts one captcha check.
pub fn captcha_checked(kind: CaptchaKind, outcome: CaptchaOutcome) {
    CAPTCHA_CHECKS[kind.index()].inc(outcome);
}

/// Writes the domain counters (everything but HTTP and the gauges read at scrape time).
pub fn render_domain(out: &mut Exposition) {
    let plain = [
        (
            "doorstep_signups_total",
            "Sign-ups accepted (whether or not the address already had an account).",
            &SIGNUPS,
        ),
        (
            "doorstep_confirmations_total",
            "Accounts created by a confirmation link or code.",
            &CONFIRMATIONS,
        ),
        (
            "doorstep_resets_total",
            "Passwords changed through a reset link.",
            &RESETS,
        ),
    ];
    for (name, help, counter) in plain {
        out.family(name, help, "counter");
        out.sample(name, &[], counter.get());
    }
    by_label(
        out,
        "doorstep_signins_total",
        "Sign-in attempts by outcome.",
        "outcome",
        &SIGNINS,
    );
    by_label(
        out,
        "doorstep_mail_deliveries_total",
        "Mail delivery attempts by outcome.",
        "outcome",
        &MAIL_DELIVERIES,
    );
    by_label(
        out,
        "doorstep_webhook_deliveries_total",
        "Webhook delivery attempts by outcome (sent: the endpoint answered 2xx).",
        "outcome",
        &WEBHOOK_DELIVERIES,
    );
    out.family(
        "doorstep_busy_refusals_total",
        "Requests refused with 503 busy because the password hashing pool was full.",
        "counter",
    );
    out.sample("doorstep_busy_refusals_total", &[], BUSY_REFUSALS.get());
    let name = "doorstep_captcha_checks_total";
    out.family(name, "Captcha checks by kind and outcome.", "counter");
    for &kind in CaptchaKind::ALL {
        for &outcome in CaptchaOutcome::ALL {
            let count = CAPTCHA_CHECKS[kind.index()].get(outcome);
            let labels = [("kind", kind.text()), ("outcome", outcome.text())];
            out.sample(name, &labels, count);
        }
    }
    by_label(
        out,
        "doorstep_rate_limited_total",
        "Requests refused by a rate limit, by limit.",
        "limit",
        &RATE_LIMITED,
    );
    by_label(
        out,
        "doorstep_codes_total",
        "One-time codes typed in, by outcome.",
        "outcome",
        &CODES,
    );
}

fn by_label<L: Label>(
    out: &mut Exposition,
    name: &str,
    help: &str,
    label: &str,
    counts: &ByLabel<L>,
) {
    out.family(name, help, "counter");
    for &value in L::ALL {
        out.sample(name, &[(label, value.text())], counts.get(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_value_has_its_own_counter() {
        let counts: ByLabel<Limit> = ByLabel::new();
        counts.inc(Limit::Mail);
        counts.inc(Limit::Mail);
        counts.inc(Limit::CaptchaImages);
        assert_eq!(counts.get(Limit::Mail), 2);
        assert_eq!(counts.get(Limit::CaptchaImages), 1);
        assert_eq!(counts.get(Limit::Ip), 0);
        let indexes: Vec<usize> = Limit::ALL.iter().map(|limit| limit.index()).collect();
        assert_eq!(indexes, (0..Limit::ALL.len()).collect::<Vec<_>>());
    }

    #[test]
    fn the_domain_families_are_described_and_complete() {
        let mut out = Exposition::default();
        render_domain(&mut out);
        let text = out.into_text();
        for name in [
            "doorstep_signups_total",
            "doorstep_confirmations_total",
            "doorstep_resets_total",
            "doorstep_signins_total",
            "doorstep_mail_deliveries_total",
            "doorstep_busy_refusals_total",
            "doorstep_captcha_checks_total",
            "doorstep_rate_limited_total",
            "doorstep_codes_total",
        ] {
            assert!(text.contains(&format!("# HELP {name} ")), "{name}");
            assert!(text.contains(&format!("# TYPE {name} counter\n")), "{name}");
        }
        assert!(text.contains("doorstep_signins_total{outcome=\"invalid_credentials\"} "));
        assert!(
            text.contains("doorstep_captcha_checks_total{kind=\"turnstile\",outcome=\"error\"} ")
        );
        assert!(text.contains("doorstep_rate_limited_total{limit=\"signin_failures_all\"} "));
    }
}
