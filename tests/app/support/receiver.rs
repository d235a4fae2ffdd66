//! A stand-in webhook endpoint: it answers every POST with the status the test chose and keeps
//! each request (headers and body) it received.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Header names lower-cased, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

struct Script {
    status: u16,
    received: Vec<Received>,
}

/// A webhook receiver on a loopback port of its own; stops when dropped.
pub struct Receiver {
    pub url: String,
    script: Arc<Mutex<Script>>,
    server: JoinHandle<()>,
}

impl Receiver {
    /// Starts a receiver that answers 204 until told otherwise.
    pub async fn start() -> Receiver {
        Self::listen(TcpListener::bind("127.0.0.1:0").await.unwrap())
    }

    /// Starts one on `port` (one that refused connections until now).
    pub async fn start_on(port: u16) -> Receiver {
        Self::listen(TcpListener::bind(("127.0.0.1", port)).await.unwrap())
    }

    /// A URL on a loopback port where nothing listens: connections are refused.
    pub async fn nowhere() -> (String, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        (format!("http://127.0.0.1:{port}/hooks"), port)
    }

    fn listen(listener: TcpListener) -> Receiver {
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let script = Arc::new(Mutex::new(Script {
            status: 204,
            received: Vec::new(),
        }));
        let shared = script.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, shared.clone()));
            }
        });
        Receiver {
            url,
            script,
            server,
        }
    }

    /// Answers with `status` from now on.
    pub fn answer(&self, status: u16) {
        self.script.lock().unwrap().status = status;
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// One request per connection: read it, record it, answer as scripted, close.
async fn serve(mut stream: TcpStream, script: Arc<Mutex<Script>>) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let received = loop {
        if let Some(received) = complete(&request) {
            break received;
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    };
    let status = {
        let mut script = script.lock().unwrap();
        script.received.push(received);
        script.status
    };
    let response =
        format!("HTTP/1.1 {status} Scripted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The request, once the headers and as many bytes as `Content-Length` says have arrived.
fn complete(request: &[u8]) -> Option<Received> {
    let text = String::from_utf8_lossy(request);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    (body.len() >= length).then(|| Received {
        headers,
        body: body[..length].to_owned(),
    })
}
