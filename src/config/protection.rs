//! Settings that keep bots out: captchas, rate limits, and which proxies to believe.

use std::net::IpAddr;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::ConfigError;
use super::properties::{Source, Value};
use super::values::each_item;

/// A remote captcha service speaking the siteverify protocol (`doorstep.auth.recaptcha.*`).
#[derive(Debug, Clone)]
pub struct RemoteCaptcha {
    pub provider: Provider,
    /// The site key, shown in the page's widget.
    pub public_key: String,
    /// The secret; sent only in the body of the verify request, never logged (its `Debug` is
    /// redacted).
    pub private_key: SecretString,
    pub verify_url: Url,
    /// reCAPTCHA v3: answers scoring below this are refused.
    pub min_score: f64,
}

/// Which service renders the widget; all three verify the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Recaptcha,
    Hcaptcha,
    Turnstile,
}

impl Provider {
    /// The name `doorstep.auth.recaptcha.provider` takes, which pages and JSON show too.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Recaptcha => "recaptcha",
            Provider::Hcaptcha => "hcaptcha",
            Provider::Turnstile => "turnstile",
        }
    }

    /// Where the provider verifies answers.
    pub fn default_verify_url(self) -> &'static str {
        match self {
            Provider::Recaptcha => "https://www.google.com/recaptcha/api/siteverify",
            Provider::Hcaptcha => "https://api.hcaptcha.com/siteverify",
            Provider::Turnstile => "https://challenges.cloudflare.com/turnstile/v0/siteverify",
        }
    }
}

impl Provider {
    /// Where the widget loads its script, frames and styles from, for the pages' CSP.
    pub fn widget_sources(self) -> &'static [&'static str] {
        match self {
            Provider::Recaptcha => &[
                "https://www.google.com/recaptcha/",
                "https://www.gstatic.com/recaptcha/",
                "https://recaptcha.google.com/recaptcha/",
            ],
            Provider::Hcaptcha => &["https://hcaptcha.com", "https://*.hcaptcha.com"],
            Provider::Turnstile => &["https://challenges.cloudflare.com"],
        }
    }
}

/// How many requests of one kind are allowed per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub period: Duration,
}

impl Rate {
    /// Parses `20/10m`, `3/h`, `1000/1h`, `5/30s`.
    pub fn parse(text: &str) -> Result<Rate, String> {
        let invalid = || format!("{text:?} is not a rate (use e.g. 20/10m, 3/h or 1000/h)");
        let (count, period) = text.trim().split_once('/').ok_or_else(invalid)?;
        let count: u32 = count.trim().parse().map_err(|_| invalid())?;
        let period = period.trim();
        let split = period
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(invalid)?;
        let (amount, unit) = period.split_at(split);
        let amount: u64 = if amount.is_empty() {
            1
        } else {
            amount.parse().map_err(|_| invalid())?
        };
        let unit: u64 = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(invalid()),
        };
        if count == 0 || amount == 0 || amount.checked_mul(unit).is_none_or(|s| s > 7 * 86_400) {
            return Err(format!(
                "{text:?}: the count must be at least 1 and the period 1s to 7d"
            ));
        }
        Ok(Rate {
            count,
            period: Duration::from_secs(amount * unit),
        })
    }
}

/// The limits of DESIGN.md section 2 (`doorstep.ratelimit.*`).
#[derive(Debug, Clone)]
pub struct RateLimits {
    /// Mail-sending and sign-in posts per client address (IPv6 by /64).
    pub ip: Rate,
    /// Mails to one address, sign-up and reset together.
    pub email: Rate,
    /// All mail the server sends.
    pub mail: Rate,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            ip: Rate {
                count: 20,
                period: Duration::from_secs(600),
            },
            email: Rate {
                count: 3,
                period: Duration::from_secs(3600),
            },
            mail: Rate {
                count: 1000,
                period: Duration::from_secs(3600),
            },
        }
    }
}

/// An address range, `10.0.0.0/8` or `fd00::/8` (a bare address is one host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub network: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let invalid =
            || format!("{text:?} is not an address range (use e.g. 10.0.0.0/8 or fd00::/8)");
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text.trim(), None),
        };
        let network: IpAddr = addr.parse().map_err(|_| invalid())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix
                .parse()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(invalid)?,
            None => max,
        };
        Ok(Cidr { network, prefix })
    }

    /// Whether `addr` lies in this range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, addr) {
            (IpAddr::V4(net), IpAddr::V4(addr)) => {
                prefix_eq(&net.octets(), &addr.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(addr)) => {
                prefix_eq(&net.octets(), &addr.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let full = usize::from(prefix / 8);
    let rest = prefix % 8;
    a[..full] == b[..full]
        && (rest == 0 || {
            let mask = 0xffu8 << (8 - rest);
            a[full] & mask == b[full] & mask
        })
}

pub(super) fn remote_captcha(source: &Source) -> Result<Option<RemoteCaptcha>, ConfigError> {
    let switch = source.get("auth.recaptcha");
    if !source
        .parsed("auth.recaptcha", Value::switch)?
        .unwrap_or(false)
    {
        return Ok(None);
    }
    let switch_key = switch.map_or("doorstep.auth.recaptcha".to_owned(), |v| v.key.clone());
    let provider = match source.get("auth.recaptcha.provider") {
        None => Provider::Recaptcha,
        Some(value) => match value.text.to_ascii_lowercase().as_str() {
            "recaptcha" => Provider::Recaptcha,
            "hcaptcha" => Provider::Hcaptcha,
            "turnstile" => Provider::Turnstile,
            _ => {
                return Err(value.error(format!(
                    "{:?} is not a captcha provider (use recaptcha, hcaptcha or turnstile)",
                    value.text
                )));
            }
        },
    };
    let required = |name: &str| {
        source
            .get(name)
            .map(|value| value.text.clone())
            .ok_or_else(|| source.missing(name, format!("required when {switch_key} is on")))
    };
    let verify_url = match source.get("auth.recaptcha.verify-url") {
        Some(value) => Url::parse(&value.text)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .ok_or_else(|| value.error(format!("{:?} is not an http or https URL", value.text)))?,
        None => Url::parse(provider.default_verify_url())
            .map_err(|err| source.missing("auth.recaptcha.verify-url", err.to_string()))?,
    };
    let min_score = match source.get("auth.recaptcha.min-score") {
        Some(value) => value
            .text
            .parse::<f64>()
            .ok()
            .filter(|score| (0.0..=1.0).contains(score))
            .ok_or_else(|| value.error("must be a number from 0.0 to 1.0"))?,
        None => 0.5,
    };
    Ok(Some(RemoteCaptcha {
        provider,
        public_key: required("auth.recaptcha.public-key")?,
        private_key: required("auth.recaptcha.private-key")?.into(),
        verify_url,
        min_score,
    }))
}

/// The most `doorstep.auth.captcha.pow.max-number` may be: about a second of a slow phone's
/// time at the upper end already; more shuts people out, not bots.
const POW_MAX_NUMBER_LIMIT: usize = 10_000_000;

/// `doorstep.auth.captcha.pow` and its cost; `None` while off.
pub(super) fn proof_of_work(source: &Source) -> Result<Option<u64>, ConfigError> {
    let max_number = source.parsed("auth.captcha.pow.max-number", |value| {
        value.number().and_then(|n| {
            if (1_000..=POW_MAX_NUMBER_LIMIT).contains(&n) {
                Ok(n as u64)
            } else {
                Err(value.error(format!("must be from 1000 to {POW_MAX_NUMBER_LIMIT}")))
            }
        })
    })?;
    let on = source
        .parsed("auth.captcha.pow", Value::switch)?
        .unwrap_or(false);
    Ok(on.then_some(max_number.unwrap_or(100_000)))
}

pub(super) fn rate_limits(source: &Source) -> Result<RateLimits, ConfigError> {
    let defaults = RateLimits::default();
    let rate = |name: &str, default: Rate| {
        source
            .parsed(name, |value| {
                Rate::parse(&value.text).map_err(|message| value.error(message))
            })
            .map(|rate| rate.unwrap_or(default))
    };
    Ok(RateLimits {
        ip: rate("ratelimit.ip", defaults.ip)?,
        email: rate("ratelimit.email", defaults.email)?,
        mail: rate("ratelimit.mail", defaults.mail)?,
    })
}

pub(super) fn trusted_proxies(source: &Source) -> Result<Vec<Cidr>, ConfigError> {
    each_item(source.list("trusted-proxies"), Cidr::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(
            Rate::parse("20/10m").unwrap(),
            Rate {
                count: 20,
                period: Duration::from_secs(600)
            }
        );
        assert_eq!(
            Rate::parse("3/h").unwrap().period,
            Duration::from_secs(3600)
        );
        assert_eq!(Rate::parse("1000/1h").unwrap().count, 1000);
        for bad in [
            "20",
            "x/h",
            "0/h",
            "5/0m",
            "5/8d",
            "5/h2",
            "5/",
            "-1/h",
            "1/99999999999999999d",
        ] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges() {
        let net = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(net.contains("10.1.2.3".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!net.contains("11.0.0.1".parse().unwrap()));
        let host = Cidr::parse("192.168.1.7").unwrap();
        assert!(host.contains("192.168.1.7".parse().unwrap()));
        assert!(!host.contains("192.168.1.8".parse().unwrap()));
        let v6 = Cidr::parse("fd00::/12").unwrap();
        assert!(v6.contains("fd0f::1".parse().unwrap()));
        assert!(!v6.contains("fd10::1".parse().unwrap()));
        for bad in ["10.0.0.0/33", "fd00::/129", "nonsense", "10.0.0/8"] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }
}
