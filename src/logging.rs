//! The process's logger: plain lines on stderr, with one-time tokens scrubbed from every
//! request line, because access logs outlive the links they would otherwise leak.

use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use log::{Level, LevelFilter, Log, Metadata, Record};

/// Query parameters whose values are secrets.
const SECRET_PARAMS: [&str; 2] = ["confirm=", "token="];

struct Logger {
    level: LevelFilter,
    captured: Option<Arc<Mutex<Vec<String>>>>,
}

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        let target = metadata.target();
        let chatty = ["hyper", "rustls", "sqlx", "h2", "tokio_util", "tera"]
            .iter()
            .any(|noisy| target.starts_with(noisy));
        metadata.level() <= self.level && (!chatty || metadata.level() <= Level::Warn)
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let message = record.args().to_string();
        // The development transports print confirmation links on purpose; nothing else may.
        let message = if record.target() == "doorstep::mail" {
            message
        } else {
            redact(&message)
        };
        let line = format!("{:<5} {}: {}", record.level(), record.target(), message);
        match &self.captured {
            Some(lines) => {
                if let Ok(mut lines) = lines.lock() {
                    lines.push(line);
                }
            }
            None => {
                let _ = writeln!(std::io::stderr(), "{line}");
            }
        }
    }

    fn flush(&self) {}
}

/// Replaces the value of every secret query parameter with `[redacted]`.
pub fn redact(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some((at, param)) = SECRET_PARAMS
        .iter()
        .filter_map(|param| rest.find(param).map(|at| (at, *param)))
        .min()
    {
        let value_start = at + param.len();
        out.push_str(&rest[..value_start]);
        let value_len = rest[value_start..]
            .find(|c: char| c == '&' || c == '#' || c.is_whitespace())
            .unwrap_or(rest.len() - value_start);
        if value_len > 0 {
            out.push_str("[redacted]");
        }
        rest = &rest[value_start + value_len..];
    }
    out.push_str(rest);
    out
}

/// Installs the logger for the process; `DOORSTEP_LOG` sets the level (default `info`).
/// Must run before Rocket starts, so that Rocket's request lines pass through `redact`.
pub fn init() {
    let level = std::env::var("DOORSTEP_LOG")
        .ok()
        .and_then(|level| level.parse().ok())
        .unwrap_or(LevelFilter::Info);
    install(Logger {
        level,
        captured: None,
    });
}

/// Installs a logger that keeps every line in memory instead (tests read them back).
pub fn capture() -> Arc<Mutex<Vec<String>>> {
    static LINES: OnceLock<Arc<Mutex<Vec<String>>>> = OnceLock::new();
    LINES
        .get_or_init(|| {
            let lines = Arc::new(Mutex::new(Vec::new()));
            install(Logger {
                level: LevelFilter::Info,
                captured: Some(lines.clone()),
            });
            lines
        })
        .clone()
}

fn install(logger: Logger) {
    let level = logger.level;
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        log::set_max_level(level);
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn scrubs_token_values_only() {
        assert_eq!(
            redact("GET /auth/signup?confirm=abc_DEF-123&x=1 text/html:"),
            "GET /auth/signup?confirm=[redacted]&x=1 text/html:"
        );
        assert_eq!(redact("POST token=secret"), "POST token=[redacted]");
        assert_eq!(redact("no secrets here"), "no secrets here");
        assert_eq!(redact("confirm=&token=a"), "confirm=&token=[redacted]");
    }
}
