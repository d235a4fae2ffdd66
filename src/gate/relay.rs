//! One client connection relayed to Rocket, closed when the client overstays a deadline.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep_until, timeout};

use super::framing::{Framing, Timeouts};
use super::peers::Peers;
use crate::error::Error;
use crate::web::views::ErrorBody;

/// How long a refused client has to take its answer before the connection closes.
const LINGER: Duration = Duration::from_secs(1);

/// Relays `client` to Rocket at `inner` until either side closes or the client misses a
/// deadline; then both connections close.
pub async fn relay(
    mut client: TcpStream,
    peer: SocketAddr,
    inner: SocketAddr,
    timeouts: Timeouts,
    peers: &Peers,
) {
    let _ = client.set_nodelay(true);
    let mut server = match TcpStream::connect(inner).await {
        Ok(server) => server,
        Err(err) => {
            log::error!("the gate cannot reach the server at {inner}: {err}");
            return;
        }
    };
    let _ = server.set_nodelay(true);
    let Ok(gate_end) = server.local_addr() else {
        return;
    };
    let _relayed = peers.relay(gate_end, peer);
    let mut framing = Framing::new(timeouts, Instant::now());
    // A write that cannot proceed (the other side reads nothing) gets as long as a head.
    let write_wait = timeouts.head;
    let (mut client_in, mut client_out) = client.split();
    let (mut server_in, mut server_out) = server.split();
    let mut from_client = vec![0; 8192];
    let mut from_server = vec![0; 8192];
    let mut client_sends = true;
    loop {
        let deadline = framing.deadline();
        tokio::select! {
            read = client_in.read(&mut from_client), if client_sends => match read {
                Ok(0) | Err(_) => {
                    client_sends = false;
                    let _ = server_out.shutdown().await;
                }
                Ok(n) => {
                    if let Err(error) = framing.client_sent(&from_client[..n], Instant::now()) {
                        refuse(&mut client_out, &error).await;
                        // Take what the client still sends, so that closing does not reset the
                        // connection before it has read the answer.
                        let _ = timeout(LINGER, async {
                            while matches!(client_in.read(&mut from_client).await, Ok(1..)) {}
                        })
                        .await;
                        return;
                    }
                    let sent = timeout(write_wait, server_out.write_all(&from_client[..n])).await;
                    if !matches!(sent, Ok(Ok(()))) {
                        return;
                    }
                }
            },
            read = server_in.read(&mut from_server) => match read {
                Ok(0) | Err(_) => {
                    let _ = client_out.shutdown().await;
                    return;
                }
                Ok(n) => {
                    let sent = timeout(write_wait, client_out.write_all(&from_server[..n])).await;
                    if !matches!(sent, Ok(Ok(()))) {
                        return;
                    }
                    framing.client_got(Instant::now());
                }
            },
            _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                log::debug!("closing the connection of {peer}: it kept a deadline waiting");
                return;
            }
        }
    }
}

/// Answers a head too large to pass on with doorstep's error shape (hyper's own answer has an
/// empty body), and closes.
async fn refuse(client: &mut (impl AsyncWrite + Unpin), error: &Error) {
    let body = serde_json::to_string(&ErrorBody::new(error, None)).unwrap_or_default();
    let reason = match error.status() {
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        _ => "Bad Request",
    };
    let answer = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n\
         {body}",
        error.status(),
        body.len()
    );
    let _ = timeout(LINGER, client.write_all(answer.as_bytes())).await;
    let _ = client.shutdown().await;
}
