//! A small SMTP server on loopback, so lettre can hold a real SMTP conversation in tests.
//!
//! It can also misbehave on demand: refuse the next connections, hang up on the next messages
//! before accepting them, or hold its answer to each message until released. A message counts
//! as accepted (`accepted`) only once the relay is about to say `250`, as a real relay commits
//! it to its queue then; one whose sender went away before that is dropped, as a real relay
//! drops a message whose transaction never completed.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::net::tcp::OwnedReadHalf;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use doorstep::config::{MailTransport, Smtp, SmtpSecurity};
use doorstep::mail::Transport;

use super::{Mail, decode_quoted_printable};

/// Settings for plain SMTP to the test server on `port` of loopback.
pub fn smtp_settings(port: u16) -> MailTransport {
    MailTransport::Smtp(Smtp {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        credentials: None,
    })
}

/// The real SMTP transport, built from settings as the server builds it, to `port`.
pub fn smtp_transport(port: u16) -> Transport {
    Transport::from_settings(&smtp_settings(port)).unwrap()
}

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// The message as a `Mail` (envelope recipients, raw and decoded text).
    pub fn mail(&self) -> Mail {
        Mail {
            to: self.to.clone(),
            raw: self.data.clone(),
            decoded: decode_quoted_printable(&self.data),
        }
    }
}

/// A message the relay took responsibility for, and when.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub message: Received,
    pub at: Instant,
}

/// What the server has seen and what it is told to do next.
#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    /// Messages received whose answer is being held, by conversation.
    waiting: Mutex<BTreeMap<u64, Received>>,
    accepted: Mutex<Vec<Accepted>>,
    trouble: Mutex<Trouble>,
    conversations: AtomicU64,
}

/// Failures still to come, and how many were dealt out.
#[derive(Default)]
struct Trouble {
    refuse: usize,
    hang_up: usize,
    dealt: usize,
}

/// A listening SMTP server; it stops when dropped.
pub struct SmtpServer {
    pub port: u16,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
    /// Whether the relay answers the end of a message yet (see `hold`).
    released: watch::Sender<bool>,
}

impl SmtpServer {
    /// Listens on a free loopback port.
    pub async fn start() -> SmtpServer {
        Self::start_on(0).await
    }

    /// Listens on `port` (0 for any free one).
    pub async fn start_on(port: u16) -> SmtpServer {
        Self::listen(port, false).await
    }

    /// A relay that refuses every recipient with `550` (a permanent rejection).
    pub async fn start_rejecting() -> SmtpServer {
        Self::listen(0, true).await
    }

    /// A slow relay: it takes each message (`received` shows it) but answers its end only
    /// after `release`, so a delivery stays in flight as long as a test needs.
    pub async fn start_holding() -> SmtpServer {
        let server = Self::listen(0, false).await;
        server.hold();
        server
    }

    /// From now on, holds the answer to each message's end until `release`.
    pub fn hold(&self) {
        self.released.send_replace(false);
    }

    /// Lets a holding relay answer the messages it holds, and every later one at once.
    pub fn release(&self) {
        self.released.send_replace(true);
    }

    /// Greets the next `n` connections with `421` and closes them: a relay that is down.
    pub fn refuse_next(&self, n: usize) {
        self.shared.trouble.lock().unwrap().refuse += n;
    }

    /// Hangs up on the next `n` messages once their data is in, before answering it: a
    /// relay that drops the connection mid-transaction, so the message is not accepted.
    pub fn hang_up_on_next(&self, n: usize) {
        self.shared.trouble.lock().unwrap().hang_up += n;
    }

    /// How many refusals and hang-ups were dealt out so far.
    pub fn failures(&self) -> usize {
        self.shared.trouble.lock().unwrap().dealt
    }

    async fn listen(port: u16, reject: bool) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        let (released, held) = watch::channel(true);
        let serving = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let conversation = Conversation {
                    shared: serving.clone(),
                    id: serving.conversations.fetch_add(1, Ordering::Relaxed),
                    reject,
                    released: held.clone(),
                };
                tokio::spawn(conversation.run(socket));
            }
        });
        SmtpServer {
            port,
            shared,
            task,
            released,
        }
    }

    /// A loopback port nobody listens on (yet): connections to it are refused.
    pub fn unused_port() -> u16 {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap().port()
    }

    /// Every message whose data came in, accepted or not.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// The messages the relay took responsibility for (answered, or about to answer, `250`).
    pub fn accepted(&self) -> Vec<Accepted> {
        self.shared.accepted.lock().unwrap().clone()
    }

    /// The messages whose answer is being held right now.
    pub fn waiting(&self) -> Vec<Received> {
        let waiting = self.shared.waiting.lock().unwrap();
        waiting.values().cloned().collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One client's connection.
struct Conversation {
    shared: Arc<Shared>,
    id: u64,
    reject: bool,
    released: watch::Receiver<bool>,
}

impl Conversation {
    async fn run(mut self, socket: tokio::net::TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        if self.deal(|trouble| &mut trouble.refuse) {
            let _ = write
                .write_all(b"421 4.3.2 test.smtp not available\r\n")
                .await;
            return;
        }
        let _ = write.write_all(b"220 test.smtp ESMTP ready\r\n").await;
        let (mut from, mut to) = (String::new(), Vec::new());
        while let Ok(Some(line)) = lines.next_line().await {
            let upper = line.to_ascii_uppercase();
            let answer = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                "250-test.smtp\r\n250 8BITMIME"
            } else if upper.starts_with("MAIL FROM:") {
                from = address(&line);
                "250 OK"
            } else if upper.starts_with("RCPT TO:") && self.reject {
                "550 5.1.1 mailbox unavailable"
            } else if upper.starts_with("RCPT TO:") {
                to.push(address(&line));
                "250 OK"
            } else if upper.starts_with("DATA") {
                let _ = write.write_all(b"354 end with .\r\n").await;
                let mut data = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if line == "." {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                    data.push_str("\r\n");
                }
                let message = Received {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    data,
                };
                self.shared.received.lock().unwrap().push(message.clone());
                if self.deal(|trouble| &mut trouble.hang_up) {
                    return;
                }
                if !self.answer_when_released(message, &mut lines).await {
                    return; // the sender went away first: nothing was accepted
                }
                "250 queued"
            } else if upper.starts_with("RSET") || upper.starts_with("NOOP") {
                "250 OK"
            } else if upper.starts_with("QUIT") {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else {
                "502 not implemented"
            };
            if write
                .write_all(format!("{answer}\r\n").as_bytes())
                .await
                .is_err()
            {
                return;
            }
        }
    }

    /// Takes one failure of the kind `pick` chooses, if one is left.
    fn deal(&self, pick: fn(&mut Trouble) -> &mut usize) -> bool {
        let mut trouble = self.shared.trouble.lock().unwrap();
        let left = pick(&mut trouble);
        if *left == 0 {
            return false;
        }
        *left -= 1;
        trouble.dealt += 1;
        true
    }

    /// Waits until the relay is released, then accepts `message`; false when the client
    /// closed the connection first (it sends nothing while it waits for the answer).
    async fn answer_when_released(
        &mut self,
        message: Received,
        lines: &mut tokio::io::Lines<BufReader<OwnedReadHalf>>,
    ) -> bool {
        self.shared
            .waiting
            .lock()
            .unwrap()
            .insert(self.id, message.clone());
        // A sender already gone wins over a release that comes at the same moment.
        let released = tokio::select! {
            biased;
            _ = lines.next_line() => false,
            _ = self.released.wait_for(|released| *released) => true,
        };
        self.shared.waiting.lock().unwrap().remove(&self.id);
        if released {
            let at = Instant::now();
            self.shared
                .accepted
                .lock()
                .unwrap()
                .push(Accepted { message, at });
        }
        released
    }
}

fn address(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line.rfind('>').unwrap_or(line.len());
    line[start..end].to_owned()
}
