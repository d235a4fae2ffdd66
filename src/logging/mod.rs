//! The process's logger: text or JSON lines on stderr, at the level the environment chooses,
//! each line written while serving a request carrying that request's id, and one-time tokens
//! scrubbed from every line, because logs outlive the links they would otherwise leak.

mod line;

use std::future::Future;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use log::{Level, LevelFilter, Log, Metadata, Record};

use line::Line;
pub use line::redact;

/// How lines are written (`DOORSTEP_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `LEVEL target: message request_id=…`, for people.
    Text,
    /// One JSON object per line, for collectors.
    Json,
}

/// The level and format of the process's log, from its environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogSettings {
    pub level: LevelFilter,
    pub format: Format,
}

impl LogSettings {
    /// `DOORSTEP_LOG` (`off`, `error`, `warn`, `info`, `debug`, `trace`), else Rocket's own
    /// `ROCKET_LOG_LEVEL` (`off`, `critical`, `normal`, `debug`), else `info`; and
    /// `DOORSTEP_LOG_FORMAT` (`text`, `json`). A value that is set but unknown is an error
    /// naming the variable: a typo must not quietly log something else.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<LogSettings, String> {
        let set = |name| env(name).filter(|value| !value.trim().is_empty());
        let level = match (set("DOORSTEP_LOG"), set("ROCKET_LOG_LEVEL")) {
            (Some(level), _) => doorstep_level(&level)?,
            (None, Some(level)) => rocket_level(&level)?,
            (None, None) => LevelFilter::Info,
        };
        let format = match set("DOORSTEP_LOG_FORMAT") {
            None => Format::Text,
            Some(format) => match format.trim().to_ascii_lowercase().as_str() {
                "text" => Format::Text,
                "json" => Format::Json,
                _ => {
                    return Err(format!(
                        "DOORSTEP_LOG_FORMAT: {format:?} is not a log format (use text or json)"
                    ));
                }
            },
        };
        Ok(LogSettings { level, format })
    }
}

fn doorstep_level(text: &str) -> Result<LevelFilter, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "DOORSTEP_LOG: {text:?} is not a log level (use off, error, warn, info, debug or trace)"
        )
    })
}

/// Rocket's names, read as Rocket reads them.
fn rocket_level(text: &str) -> Result<LevelFilter, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "off" => Ok(LevelFilter::Off),
        "critical" => Ok(LevelFilter::Warn),
        "normal" => Ok(LevelFilter::Info),
        "debug" => Ok(LevelFilter::Debug),
        _ => Err(format!(
            "ROCKET_LOG_LEVEL: {text:?} is not a log level (use off, critical, normal or debug; \
             or set DOORSTEP_LOG)"
        )),
    }
}

tokio::task_local! {
    /// The id of the request whose handler is running on this task.
    static REQUEST_ID: Arc<str>;
}

/// Runs a request's handler with its id, so that every line it logs carries the id.
///
/// A task-local rather than a lookup by task: nothing is shared between requests, so no
/// lock is taken on the request path. Work the handler sends elsewhere (the hashing threads,
/// the mail worker) logs without it.
pub async fn in_request<F: Future>(id: Arc<str>, handler: F) -> F::Output {
    REQUEST_ID.scope(id, handler).await
}

/// As `in_request`, for a few lines written outside the handler (the access line).
pub fn with_request_id<R>(id: Arc<str>, write: impl FnOnce() -> R) -> R {
    REQUEST_ID.sync_scope(id, write)
}

/// The id of the request being served on this task, if any.
pub fn request_id() -> Option<Arc<str>> {
    REQUEST_ID.try_with(Arc::clone).ok()
}

struct Logger {
    level: LevelFilter,
    format: Format,
    captured: Option<Arc<Mutex<Vec<String>>>>,
}

impl Logger {
    fn shows(&self, level: Level, target: &str) -> bool {
        let chatty = ["hyper", "rustls", "sqlx", "h2", "tokio_util", "tera"]
            .iter()
            .any(|noisy| target.starts_with(noisy));
        level <= self.level && (!chatty || level <= Level::Warn)
    }
}

/// The level a record is shown at: Rocket's own lines about each request ("GET /x:",
/// "Matched", "Outcome", "No matching routes", "Responding with … catcher") are debug detail
/// beside doorstep's one access line per request, which says the same with the request id.
fn shown_level(record: &Record) -> Level {
    let per_request = record.target().starts_with("rocket::server")
        && (record.level() >= Level::Info || {
            let message = record.args().to_string();
            message.starts_with("No matching routes for")
                || message.starts_with("Responding with registered")
        });
    if per_request {
        Level::Debug
    } else {
        record.level()
    }
}

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        self.shows(metadata.level(), metadata.target())
    }

    fn log(&self, record: &Record) {
        let level = shown_level(record);
        if !self.shows(level, record.target()) {
            return;
        }
        let message = record.args().to_string();
        // The development transports print confirmation links on purpose; nothing else may.
        let message = if record.target() == "doorstep::mail" {
            message
        } else {
            redact(&message)
        };
        let request_id = request_id();
        let line = Line {
            // Rocket sends "launched" as a warning only so that it shows at every level; it
            // is news, not a problem, and a collector should not count it as one.
            level: if record.target().starts_with("rocket::launch") {
                level.max(Level::Info)
            } else {
                level
            },
            target: record.target().trim_end_matches("::_"),
            message: &message,
            request_id: request_id.as_deref(),
        };
        let text = match self.format {
            Format::Text => line.text(),
            Format::Json => line.json(chrono::Utc::now(), record.key_values()),
        };
        match &self.captured {
            Some(lines) => {
                if let Ok(mut lines) = lines.lock() {
                    lines.push(text);
                }
            }
            None => {
                let _ = writeln!(std::io::stderr().lock(), "{text}");
            }
        }
    }

    fn flush(&self) {}
}

/// Installs the logger for the process. Must run before Rocket starts, so that Rocket's lines
/// pass through it too (Rocket installs its own only when none is set).
pub fn init(settings: LogSettings) {
    install(Logger {
        level: settings.level,
        format: settings.format,
        captured: None,
    });
}

/// Installs a logger that keeps every text line in memory instead (tests read them back), at
/// debug level so that Rocket's request lines are kept too.
pub fn capture() -> Arc<Mutex<Vec<String>>> {
    static LINES: OnceLock<Arc<Mutex<Vec<String>>>> = OnceLock::new();
    LINES
        .get_or_init(|| {
            let lines = Arc::new(Mutex::new(Vec::new()));
            install(Logger {
                level: LevelFilter::Debug,
                format: Format::Text,
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
    use std::collections::HashMap;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<LogSettings, String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        LogSettings::from_env(&|name| vars.get(name).cloned())
    }

    fn level(vars: &[(&str, &str)]) -> LevelFilter {
        settings(vars).unwrap().level
    }

    #[test]
    fn the_level_comes_from_doorstep_log_then_rocket_log_level() {
        assert_eq!(
            settings(&[]).unwrap(),
            LogSettings {
                level: LevelFilter::Info,
                format: Format::Text
            }
        );
        assert_eq!(level(&[("DOORSTEP_LOG", "debug")]), LevelFilter::Debug);
        assert_eq!(level(&[("DOORSTEP_LOG", " WARN ")]), LevelFilter::Warn);
        assert_eq!(
            level(&[("ROCKET_LOG_LEVEL", "critical")]),
            LevelFilter::Warn
        );
        assert_eq!(level(&[("ROCKET_LOG_LEVEL", "off")]), LevelFilter::Off);
        assert_eq!(level(&[("ROCKET_LOG_LEVEL", "Normal")]), LevelFilter::Info);
        let both = [("DOORSTEP_LOG", "error"), ("ROCKET_LOG_LEVEL", "debug")];
        assert_eq!(level(&both), LevelFilter::Error);
        assert_eq!(level(&[("DOORSTEP_LOG", "")]), LevelFilter::Info);
        let json = settings(&[("DOORSTEP_LOG_FORMAT", "json")]).unwrap();
        assert_eq!(json.format, Format::Json);
    }

    #[test]
    fn unknown_values_are_refused_with_the_variable_and_the_choices() {
        for (var, value, choices) in [
            (
                "DOORSTEP_LOG",
                "bogus",
                "use off, error, warn, info, debug or trace",
            ),
            (
                "ROCKET_LOG_LEVEL",
                "loud",
                "use off, critical, normal or debug",
            ),
            ("DOORSTEP_LOG_FORMAT", "xml", "use text or json"),
        ] {
            let message = settings(&[(var, value)]).unwrap_err();
            assert!(
                message.starts_with(&format!("{var}: \"{value}\"")),
                "{message}"
            );
            assert!(message.contains(choices), "{message}");
        }
    }

    #[tokio::test]
    async fn lines_written_while_serving_a_request_know_its_id() {
        assert!(request_id().is_none());
        let inside = in_request("r-1".into(), async {
            tokio::task::yield_now().await;
            request_id()
        })
        .await;
        assert_eq!(inside.as_deref(), Some("r-1"));
        assert_eq!(
            with_request_id("r-2".into(), request_id).as_deref(),
            Some("r-2")
        );
        assert!(request_id().is_none());
    }

    #[test]
    fn rockets_request_chatter_is_debug_detail() {
        let record = |target, level, message: std::fmt::Arguments<'_>| {
            shown_level(
                &Record::builder()
                    .target(target)
                    .level(level)
                    .args(message)
                    .build(),
            )
        };
        let request_line = format_args!("GET /auth/signup text/html:");
        assert_eq!(
            record("rocket::server", Level::Info, request_line),
            Level::Debug
        );
        let no_route = format_args!("No matching routes for GET /x.");
        assert_eq!(
            record("rocket::server::_", Level::Error, no_route),
            Level::Debug
        );
        let panic = format_args!("Handler sign_up panicked.");
        assert_eq!(
            record("rocket::server::_", Level::Error, panic),
            Level::Error
        );
        let launch = format_args!("Rocket has launched");
        assert_eq!(record("rocket::launch", Level::Info, launch), Level::Info);
    }
}
