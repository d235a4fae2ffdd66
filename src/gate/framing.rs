//! Where a connection is in its HTTP/1.1 exchange, from the bytes passing through, and so how
//! long it may stay silent: the gate's deadlines without a full HTTP parser.
//!
//! Only what the deadlines need is read: the end of each request head, its size, and the
//! body's framing (`Content-Length` or chunked). Anything malformed is passed on for hyper to
//! refuse; only sizes hyper would answer without our error shape are refused here.

use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;

/// The longest request line (method, target, version) passed on; longer is 414.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The largest request head passed on; larger is 431.
pub const MAX_HEAD: usize = 32 * 1024;
/// The most header lines passed on (hyper's own limit); more is 431.
pub const MAX_HEADERS: usize = 100;

/// How long each kind of silence may last.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From the first byte of a request (or the connection's start) to the end of its head.
    pub head: Duration,
    /// Between two pieces of a request body.
    pub body_stall: Duration,
    /// After a response, before the next request starts; zero when keep-alive is off.
    pub keep_alive: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Reading a request head.
    Head,
    /// Reading a request body.
    Body,
    /// The request is in; the server is working on its answer.
    Answering,
    /// The answer has gone out; waiting for the next request.
    Idle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Length(u64),
    /// Reading a chunk-size line.
    ChunkSize {
        size: u64,
        digits: bool,
        extension: bool,
    },
    /// Chunk data, then its CRLF.
    ChunkData(u64),
    ChunkEnd,
    /// Trailer lines after the last chunk; `blank` while the current line is still empty.
    Trailer {
        blank: bool,
    },
}

/// The state of one connection's requests, fed with the bytes going each way.
#[derive(Debug)]
pub struct Framing {
    timeouts: Timeouts,
    phase: Phase,
    body: Body,
    head: Vec<u8>,
    /// Complete lines of the current head so far.
    lines: usize,
    deadline: Option<Instant>,
}

impl Framing {
    /// A new connection: its first request head must be complete within `timeouts.head`.
    pub fn new(timeouts: Timeouts, now: Instant) -> Framing {
        Framing {
            timeouts,
            phase: Phase::Head,
            body: Body::Length(0),
            head: Vec::new(),
            lines: 0,
            deadline: Some(now + timeouts.head),
        }
    }

    /// When the connection is to be closed unless something happens first.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The client sent `bytes`. An error is a head too large to pass on.
    pub fn client_sent(&mut self, mut bytes: &[u8], now: Instant) -> Result<(), Error> {
        while !bytes.is_empty() {
            match self.phase {
                Phase::Answering | Phase::Idle => self.start_head(now),
                Phase::Head => bytes = self.read_head(bytes, now)?,
                Phase::Body => {
                    self.deadline = Some(now + self.timeouts.body_stall);
                    bytes = self.read_body(bytes);
                    if self.body == Body::Length(0) {
                        self.answering();
                    }
                }
            }
        }
        Ok(())
    }

    /// The server's bytes reached the client: an answer that has gone out starts the
    /// keep-alive wait, counted from its last byte.
    pub fn client_got(&mut self, now: Instant) {
        if matches!(self.phase, Phase::Answering | Phase::Idle) {
            self.phase = Phase::Idle;
            // Without keep-alive the server closes the connection itself once it has answered.
            let wait = match self.timeouts.keep_alive {
                Duration::ZERO => self.timeouts.head,
                wait => wait,
            };
            self.deadline = Some(now + wait);
        }
    }

    fn start_head(&mut self, now: Instant) {
        self.phase = Phase::Head;
        self.head.clear();
        self.lines = 0;
        self.deadline = Some(now + self.timeouts.head);
    }

    fn answering(&mut self) {
        self.phase = Phase::Answering;
        self.deadline = None;
    }

    /// Takes head bytes up to the blank line that ends the head; returns the rest.
    fn read_head<'b>(&mut self, bytes: &'b [u8], now: Instant) -> Result<&'b [u8], Error> {
        for (at, &byte) in bytes.iter().enumerate() {
            // Blank lines before a request line are allowed (RFC 9112, 2.2).
            if self.head.is_empty() && (byte == b'\r' || byte == b'\n') {
                continue;
            }
            self.head.push(byte);
            if self.lines == 0 && byte != b'\n' && self.head.len() > MAX_REQUEST_LINE {
                return Err(Error::UriTooLong);
            }
            if self.head.len() > MAX_HEAD {
                return Err(Error::HeadersTooLarge);
            }
            if byte == b'\n' {
                if self.head.ends_with(b"\n\r\n") || self.head.ends_with(b"\n\n") {
                    self.head_complete(now);
                    return Ok(&bytes[at + 1..]);
                }
                self.lines += 1;
                // Lines after the request line are headers.
                if self.lines - 1 > MAX_HEADERS {
                    return Err(Error::HeadersTooLarge);
                }
            }
        }
        Ok(&[])
    }

    fn head_complete(&mut self, now: Instant) {
        self.body = body_framing(&self.head);
        self.head.clear();
        self.lines = 0;
        if self.body == Body::Length(0) {
            self.answering();
        } else {
            self.phase = Phase::Body;
            self.deadline = Some(now + self.timeouts.body_stall);
        }
    }

    /// Takes body bytes; returns what belongs to the next request.
    fn read_body<'b>(&mut self, bytes: &'b [u8]) -> &'b [u8] {
        let mut rest = bytes;
        while let Some((&byte, after)) = rest.split_first() {
            self.body = match self.body {
                Body::Length(0) => return rest,
                Body::Length(left) => {
                    let taken = rest.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    rest = &rest[taken..];
                    self.body = Body::Length(left - taken as u64);
                    continue;
                }
                Body::ChunkData(left) if left > 0 => {
                    let taken = rest.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    rest = &rest[taken..];
                    self.body = Body::ChunkData(left - taken as u64);
                    continue;
                }
                Body::ChunkData(_) if byte == b'\n' => chunk_size(),
                Body::ChunkData(_) => Body::ChunkEnd,
                Body::ChunkEnd if byte == b'\n' => chunk_size(),
                Body::ChunkEnd => Body::ChunkEnd,
                Body::ChunkSize {
                    size,
                    digits,
                    extension,
                } => match byte {
                    b'\n' if size == 0 && digits => Body::Trailer { blank: true },
                    b'\n' => Body::ChunkData(size),
                    _ if extension => Body::ChunkSize {
                        size,
                        digits,
                        extension,
                    },
                    b';' | b'\r' | b' ' | b'\t' => Body::ChunkSize {
                        size,
                        digits,
                        extension: true,
                    },
                    _ => match (byte as char).to_digit(16) {
                        Some(digit) => Body::ChunkSize {
                            size: size.saturating_mul(16).saturating_add(u64::from(digit)),
                            digits: true,
                            extension,
                        },
                        // Not chunked after all: hyper refuses it; stop counting.
                        None => Body::Length(0),
                    },
                },
                Body::Trailer { blank } => match byte {
                    b'\n' if blank => Body::Length(0),
                    b'\n' => Body::Trailer { blank: true },
                    b'\r' => Body::Trailer { blank },
                    _ => Body::Trailer { blank: false },
                },
            };
            rest = after;
        }
        rest
    }
}

fn chunk_size() -> Body {
    Body::ChunkSize {
        size: 0,
        digits: false,
        extension: false,
    }
}

/// How the body after `head` is framed: chunked wins over a length (RFC 9112, 6.3).
fn body_framing(head: &[u8]) -> Body {
    let text = String::from_utf8_lossy(head);
    let mut length = None;
    for line in text.lines().skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("transfer-encoding") {
            let last = value.rsplit(',').next().unwrap_or_default().trim();
            if last.eq_ignore_ascii_case("chunked") {
                return chunk_size();
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().ok();
        }
    }
    // A missing or malformed length: no body as far as deadlines go (hyper refuses the latter).
    Body::Length(length.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn timeouts() -> Timeouts {
        Timeouts {
            head: 30 * SECOND,
            body_stall: 20 * SECOND,
            keep_alive: 5 * SECOND,
        }
    }

    #[test]
    fn a_head_must_end_within_the_head_timeout_however_it_trickles_in() {
        let start = Instant::now();
        let mut framing = Framing::new(timeouts(), start);
        assert_eq!(framing.deadline(), Some(start + 30 * SECOND));
        framing
            .client_sent(b"GET / HT", start + 10 * SECOND)
            .unwrap();
        framing
            .client_sent(b"TP/1.1\r\nHost: x\r\n", start + 20 * SECOND)
            .unwrap();
        assert_eq!(
            framing.deadline(),
            Some(start + 30 * SECOND),
            "progress does not extend it"
        );
        framing.client_sent(b"\r\n", start + 21 * SECOND).unwrap();
        assert_eq!(framing.deadline(), None, "answering: no deadline");
    }

    #[test]
    fn a_body_may_trickle_but_not_stall() {
        let start = Instant::now();
        let mut framing = Framing::new(timeouts(), start);
        let head = b"POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
        framing.client_sent(head, start).unwrap();
        framing.client_sent(b"12345", start + 15 * SECOND).unwrap();
        assert_eq!(framing.deadline(), Some(start + 35 * SECOND));
        framing.client_sent(b"6789", start + 30 * SECOND).unwrap();
        assert_eq!(framing.deadline(), Some(start + 50 * SECOND));
        framing.client_sent(b"0", start + 31 * SECOND).unwrap();
        assert_eq!(framing.deadline(), None);
    }

    #[test]
    fn chunked_bodies_end_at_the_last_chunk_and_its_trailers() {
        let start = Instant::now();
        let mut framing = Framing::new(timeouts(), start);
        let head =
            b"POST /a HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\nContent-Length: 3\r\n\r\n";
        framing.client_sent(head, start).unwrap();
        for piece in [
            &b"5;ext=1\r\nhel"[..],
            b"lo\r\n",
            b"A\r\n0123456789\r\n",
            b"0\r\n",
            b"X-T: 1\r\n",
        ] {
            framing.client_sent(piece, start).unwrap();
            assert!(framing.deadline().is_some(), "ended early at {piece:?}");
        }
        framing.client_sent(b"\r\n", start).unwrap();
        assert_eq!(framing.deadline(), None);
    }

    #[test]
    fn after_an_answer_the_next_request_must_start_within_keep_alive() {
        let start = Instant::now();
        let mut framing = Framing::new(timeouts(), start);
        framing
            .client_sent(b"GET / HTTP/1.1\r\n\r\n", start)
            .unwrap();
        framing.client_got(start + SECOND);
        framing.client_got(start + 2 * SECOND);
        assert_eq!(framing.deadline(), Some(start + 7 * SECOND));
        framing.client_sent(b"G", start + 3 * SECOND).unwrap();
        assert_eq!(framing.deadline(), Some(start + 33 * SECOND));
    }

    #[test]
    fn pipelined_requests_are_each_framed() {
        let start = Instant::now();
        let mut framing = Framing::new(timeouts(), start);
        let two = b"POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nokGET /b HTTP/1.1\r\nHost: x\r\n";
        framing.client_sent(two, start).unwrap();
        assert_eq!(framing.phase, Phase::Head);
        assert_eq!(framing.deadline(), Some(start + 30 * SECOND));
    }

    #[test]
    fn oversized_heads_are_refused_as_soon_as_they_are_too_big() {
        let start = Instant::now();
        let mut framing = Framing::new(timeouts(), start);
        let long = format!("GET /{} HTTP/1.1\r\n", "a".repeat(MAX_REQUEST_LINE));
        let refused = framing.client_sent(&long.as_bytes()[..MAX_REQUEST_LINE + 1], start);
        assert_eq!(refused.unwrap_err().code(), "uri_too_long");

        let mut framing = Framing::new(timeouts(), start);
        let big = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n", "b".repeat(MAX_HEAD));
        let refused = framing.client_sent(big.as_bytes(), start);
        assert_eq!(refused.unwrap_err().code(), "headers_too_large");

        let many = |count: usize| {
            let mut head = "GET / HTTP/1.1\r\n".to_owned();
            for n in 0..count {
                head.push_str(&format!("X-{n}: 1\r\n"));
            }
            head + "\r\n"
        };
        let mut framing = Framing::new(timeouts(), start);
        framing
            .client_sent(many(MAX_HEADERS).as_bytes(), start)
            .unwrap();
        let mut framing = Framing::new(timeouts(), start);
        let refused = framing.client_sent(many(MAX_HEADERS + 1).as_bytes(), start);
        assert_eq!(refused.unwrap_err().code(), "headers_too_large");
    }
}
