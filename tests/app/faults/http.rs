//! A blocking HTTP/1.1 client that tells a request never sent from one sent but unanswered:
//! after a kill, the first stored nothing, the second may have stored anything.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::support::signup_body;

/// Long enough for a request that waits out a lock behind others (each up to 5 s).
const PATIENCE: Duration = Duration::from_secs(90);

/// An answer: its status, `Retry-After` and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

impl Answer {
    /// The JSON error code, if the body is a JSON error.
    pub fn code(&self) -> Option<String> {
        let body: Value = serde_json::from_str(&self.body).ok()?;
        body["error"].as_str().map(str::to_owned)
    }
}

/// What became of one sign-up.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Answered; 200 or an error.
    Answered(Answer),
    /// Sent (or partly sent), but the connection ended with no answer: the process died.
    Lost,
    /// Never sent: nobody listened.
    Unsent,
}

impl Outcome {
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Answered(answer) if answer.status == 200)
    }
}

/// Posts a JSON sign-up for `email` (Ada Lovelace, a good password).
pub fn sign_up(port: u16, email: &str) -> Outcome {
    let body = signup_body(email).to_string();
    let request = format!(
        "POST /auth/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(port, &request)
}

/// A JSON GET; `None` when no answer came.
pub fn get(port: u16, path_and_query: &str) -> Option<Answer> {
    let request = format!(
        "GET {path_and_query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\
         Connection: close\r\n\r\n"
    );
    match exchange(port, &request) {
        Outcome::Answered(answer) => Some(answer),
        Outcome::Lost | Outcome::Unsent => None,
    }
}

fn exchange(port: u16, request: &str) -> Outcome {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return Outcome::Unsent;
    };
    let _ = stream.set_read_timeout(Some(PATIENCE));
    let mut reply = Vec::new();
    // Whatever came before an error counts: a whole answer was given, however it ended.
    let _ = stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.read_to_end(&mut reply));
    parse(&reply).map_or(Outcome::Lost, Outcome::Answered)
}

fn parse(reply: &[u8]) -> Option<Answer> {
    let text = String::from_utf8_lossy(reply);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let header = |wanted: &str| {
        head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case(wanted)
                .then(|| value.trim().to_owned())
        })
    };
    let length: usize = header("content-length")?.parse().ok()?;
    if body.len() < length {
        return None;
    }
    let retry_after = header("retry-after");
    Some(Answer {
        status,
        retry_after,
        body: body.to_owned(),
    })
}
