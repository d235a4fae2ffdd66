//! What one log record becomes: a plain text line or a JSON object, with secrets scrubbed.

use chrono::{DateTime, SecondsFormat, Utc};
use log::Level;
use log::kv::{self, Key, Source, VisitSource};
use serde_json::Value;

/// Query parameters whose values are secrets.
const SECRET_PARAMS: [&str; 2] = ["confirm=", "token="];

/// Paths whose next segment is a secret (a registration handle, an ALD session id).
const SECRET_PATHS: [&str; 4] = [
    "/auth/signup/status/",
    "/register/status/",
    "/users/register/token/",
    "/users/register/verify/",
];

/// Members of a JSON line that a record's own key-values may not replace.
const RESERVED: [&str; 5] = ["ts", "level", "target", "message", "request_id"];

/// One record, ready to be written in either format.
pub struct Line<'a> {
    pub level: Level,
    /// Rocket's "indented" targets (`rocket::server::_`) without the `::_`.
    pub target: &'a str,
    /// Already scrubbed.
    pub message: &'a str,
    pub request_id: Option<&'a str>,
}

impl Line<'_> {
    /// `INFO  target: message request_id=…`; the key-values are in the message already.
    pub fn text(&self) -> String {
        match self.request_id {
            Some(id) => format!(
                "{:<5} {}: {} request_id={id}",
                self.level, self.target, self.message
            ),
            None => format!("{:<5} {}: {}", self.level, self.target, self.message),
        }
    }

    /// One JSON object: `ts` (RFC 3339, UTC), `level`, `target`, `message`, `request_id` when
    /// the line belongs to a request, then the record's key-values (numbers stay numbers).
    pub fn json(&self, ts: DateTime<Utc>, fields: &dyn Source) -> String {
        let mut members = vec![
            (
                "ts".to_owned(),
                Value::from(ts.to_rfc3339_opts(SecondsFormat::Millis, true)),
            ),
            (
                "level".to_owned(),
                Value::from(self.level.as_str().to_ascii_lowercase()),
            ),
            ("target".to_owned(), Value::from(self.target)),
            ("message".to_owned(), Value::from(strip_ansi(self.message))),
        ];
        if let Some(id) = self.request_id {
            members.push(("request_id".to_owned(), Value::from(id)));
        }
        let _ = fields.visit(&mut Members(&mut members));
        let body: Vec<String> = members
            .into_iter()
            .map(|(key, value)| format!("{}:{value}", Value::from(key)))
            .collect();
        format!("{{{}}}", body.join(","))
    }
}

/// Adds a record's key-values to a JSON line.
struct Members<'m>(&'m mut Vec<(String, Value)>);

impl<'kvs> VisitSource<'kvs> for Members<'_> {
    fn visit_pair(&mut self, key: Key<'kvs>, value: kv::Value<'kvs>) -> Result<(), kv::Error> {
        let key = key.as_str();
        if RESERVED.contains(&key) {
            return Ok(());
        }
        let value = if let Some(n) = value.to_u64() {
            Value::from(n)
        } else if let Some(n) = value.to_i64() {
            Value::from(n)
        } else if let Some(x) = value.to_f64().filter(|x| x.is_finite()) {
            Value::from(x)
        } else if let Some(b) = value.to_bool() {
            Value::from(b)
        } else {
            Value::from(redact(&value.to_string()))
        };
        self.0.push((key.to_owned(), value));
        Ok(())
    }
}

/// Replaces the value of every secret query parameter, and every secret path segment, with
/// `[redacted]`.
pub fn redact(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    let markers = SECRET_PARAMS.iter().chain(SECRET_PATHS.iter());
    while let Some((at, marker)) = markers
        .clone()
        .filter_map(|marker| rest.find(marker).map(|at| (at, *marker)))
        .min()
    {
        let value_start = at + marker.len();
        out.push_str(&rest[..value_start]);
        // A path segment ends at the next `/` or the query too.
        let in_path = marker.ends_with('/');
        let value_len = rest[value_start..]
            .find(|c: char| {
                c == '&' || c == '#' || c.is_whitespace() || (in_path && (c == '/' || c == '?'))
            })
            .unwrap_or(rest.len() - value_start);
        // A route pattern (`/register/status/<token>`, as access lines name routes) is no secret.
        let pattern = in_path && rest[value_start..].starts_with('<');
        if pattern {
            out.push_str(&rest[value_start..value_start + value_len]);
        } else if value_len > 0 {
            out.push_str("[redacted]");
        }
        rest = &rest[value_start + value_len..];
    }
    out.push_str(rest);
    out
}

/// Drops terminal colour sequences (`ESC [ … letter`), which Rocket adds on a terminal: they
/// mean nothing to a log collector.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn line<'a>(message: &'a str, request_id: Option<&'a str>) -> Line<'a> {
        Line {
            level: Level::Info,
            target: "doorstep::access",
            message,
            request_id,
        }
    }

    #[test]
    fn scrubs_token_values_only() {
        assert_eq!(
            redact("GET /auth/signup?confirm=abc_DEF-123&x=1 text/html:"),
            "GET /auth/signup?confirm=[redacted]&x=1 text/html:"
        );
        assert_eq!(redact("POST token=secret"), "POST token=[redacted]");
        assert_eq!(redact("no secrets here"), "no secrets here");
        assert_eq!(redact("confirm=&token=a"), "confirm=&token=[redacted]");
        assert_eq!(
            redact("GET /apps/registration/api/1.0/register/status/aB-1_x?lang=de 403"),
            "GET /apps/registration/api/1.0/register/status/[redacted]?lang=de 403"
        );
        assert_eq!(
            redact("GET /auth/signup/status/aB-1/x application/json:"),
            "GET /auth/signup/status/[redacted]/x application/json:"
        );
        assert_eq!(
            redact("POST /store/users/register/verify/aB-1_x 201"),
            "POST /store/users/register/verify/[redacted] 201"
        );
        assert_eq!(
            redact("GET /users/register/token/aB-1_x?lang=de"),
            "GET /users/register/token/[redacted]?lang=de"
        );
        assert_eq!(
            redact("GET /register/status/<token> 200"),
            "GET /register/status/<token> 200"
        );
    }

    #[test]
    fn text_lines_end_with_the_request_id() {
        assert_eq!(
            line("GET /auth/signup 200", Some("r-1")).text(),
            "INFO  doorstep::access: GET /auth/signup 200 request_id=r-1"
        );
        assert_eq!(
            line("started", None).text(),
            "INFO  doorstep::access: started"
        );
    }

    #[test]
    fn json_lines_are_one_object_each() {
        let ts = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let fields: [(&str, kv::Value); 6] = [
            ("status", kv::Value::from(404u16)),
            ("duration_ms", kv::Value::from(1.25f64)),
            ("route", kv::Value::from("/auth/signup")),
            ("query", kv::Value::from("confirm=secret-token")),
            ("level", kv::Value::from("forged")),
            ("delta", kv::Value::from(-3i64)),
        ];
        let message = "quote \" backslash \\ newline \n tab \t \u{1b}[1;34mblue\u{1b}[0m";
        let text = line(message, Some("r-1")).json(ts, &fields);
        assert!(!text.contains('\n'), "{text}");
        let json: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["ts"], "2026-11-22T12:00:00.000Z");
        assert_eq!(json["level"], "info");
        assert_eq!(json["target"], "doorstep::access");
        assert_eq!(
            json["message"],
            "quote \" backslash \\ newline \n tab \t blue"
        );
        assert_eq!(json["request_id"], "r-1");
        assert_eq!(json["status"], 404);
        assert_eq!(json["duration_ms"], 1.25);
        assert_eq!(json["delta"], -3);
        assert_eq!(json["route"], "/auth/signup");
        assert_eq!(json["query"], "confirm=[redacted]");
        assert!(text.starts_with("{\"ts\":"), "{text}");

        let none: [(&str, kv::Value); 0] = [];
        let json: Value = serde_json::from_str(&line("x", None).json(ts, &none)).unwrap();
        assert!(json.get("request_id").is_none(), "{json}");
    }
}
