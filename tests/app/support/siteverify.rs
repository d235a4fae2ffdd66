//! A stand-in for a captcha provider's siteverify endpoint: it answers every POST with the
//! status and JSON body the test chose (after a delay, to play a slow provider) and keeps
//! each request body it received.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

struct Script {
    status: u16,
    body: String,
    delay: Option<Duration>,
    requests: Vec<String>,
}

/// A fake siteverify server on a loopback port of its own; stops when dropped.
pub struct Siteverify {
    pub url: url::Url,
    script: Arc<Mutex<Script>>,
    server: JoinHandle<()>,
}

impl Siteverify {
    /// Starts a server that answers `{"success": true}` until told otherwise.
    pub async fn start() -> Siteverify {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/siteverify", listener.local_addr().unwrap());
        let script = Arc::new(Mutex::new(Script {
            status: 200,
            body: json!({ "success": true }).to_string(),
            delay: None,
            requests: Vec::new(),
        }));
        let shared = script.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, shared.clone()));
            }
        });
        Siteverify {
            url: url.parse().unwrap(),
            script,
            server,
        }
    }

    /// Answers from now on with `status` and `body`, at once.
    pub fn answer(&self, status: u16, body: Value) {
        let mut script = self.script.lock().unwrap();
        script.status = status;
        script.body = body.to_string();
        script.delay = None;
    }

    /// Answers `{"success": true, "score": score}`.
    pub fn score(&self, score: f64) {
        self.answer(200, json!({ "success": true, "score": score }));
    }

    /// Reads requests but takes `delay` before each answer (a provider that hangs).
    pub fn delay(&self, delay: Duration) {
        self.script.lock().unwrap().delay = Some(delay);
    }

    /// The form bodies received so far, each as its fields.
    pub fn requests(&self) -> Vec<Vec<(String, String)>> {
        let script = self.script.lock().unwrap();
        let parse = |body: &String| serde_urlencoded::from_str(body).unwrap();
        script.requests.iter().map(parse).collect()
    }
}

impl Drop for Siteverify {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The value of field `name` in a form body.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// One request per connection: read it, record its body, answer as scripted, close.
async fn serve(mut stream: TcpStream, script: Arc<Mutex<Script>>) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let body = loop {
        if let Some(body) = complete_body(&request) {
            break body;
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    };
    let (status, reply, delay) = {
        let mut script = script.lock().unwrap();
        script.requests.push(body);
        (script.status, script.body.clone(), script.delay)
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let response = format!(
        "HTTP/1.1 {status} Scripted\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The body, once the headers and as many bytes as `Content-Length` says have arrived.
fn complete_body(request: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(request);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let length = head
        .lines()
        .find_map(|line| {
            let line = line.to_ascii_lowercase();
            line.strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>())
        })
        .and_then(Result::ok)
        .unwrap_or(0);
    (body.len() >= length).then(|| body[..length].to_owned())
}
