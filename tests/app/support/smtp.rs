//! A small SMTP server on loopback, so lettre can hold a real SMTP conversation in tests.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
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

/// A listening SMTP server; it stops when dropped.
pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    task: JoinHandle<()>,
    /// Set by `start_holding`: whether the relay answers the end of a message yet.
    release: Option<watch::Sender<bool>>,
}

impl SmtpServer {
    /// Listens on a free loopback port.
    pub async fn start() -> SmtpServer {
        Self::start_on(0).await
    }

    /// Listens on `port` (0 for any free one).
    pub async fn start_on(port: u16) -> SmtpServer {
        Self::listen(port, false, None).await
    }

    /// A relay that refuses every recipient with `550` (a permanent rejection).
    pub async fn start_rejecting() -> SmtpServer {
        Self::listen(0, true, None).await
    }

    /// A slow relay: it takes each message (`received` shows it) but answers its end only
    /// after `release`, so a delivery stays in flight as long as a test needs.
    pub async fn start_holding() -> SmtpServer {
        let (release, held) = watch::channel(false);
        let mut server = Self::listen(0, false, Some(held)).await;
        server.release = Some(release);
        server
    }

    /// Lets a holding relay answer the messages it holds, and every later one at once.
    pub fn release(&self) {
        if let Some(release) = &self.release {
            release.send_replace(true);
        }
    }

    async fn listen(port: u16, reject: bool, hold: Option<watch::Receiver<bool>>) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(converse(socket, store.clone(), reject, hold.clone()));
            }
        });
        SmtpServer {
            port,
            received,
            task,
            release: None,
        }
    }

    /// A loopback port nobody listens on (yet): connections to it are refused.
    pub fn unused_port() -> u16 {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap().port()
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn converse(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<Received>>>,
    reject: bool,
    hold: Option<watch::Receiver<bool>>,
) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 test.smtp ESMTP ready\r\n").await;
    let (mut from, mut to) = (String::new(), Vec::new());
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let answer = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            "250-test.smtp\r\n250 8BITMIME"
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&line);
            "250 OK"
        } else if upper.starts_with("RCPT TO:") && reject {
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
            store.lock().unwrap().push(Received {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
            });
            if let Some(mut hold) = hold.clone() {
                let _ = hold.wait_for(|released| *released).await;
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

fn address(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line.rfind('>').unwrap_or(line.len());
    line[start..end].to_owned()
}
