//! The gate: doorstep's listening socket, in front of Rocket, so that slow or idle clients
//! cannot hold the server (DESIGN.md section 12).
//!
//! Rocket 0.5 binds its own listener and offers no hook for a custom one, and its HTTP/1
//! server has no header-read timeout and no idle timeout. So the gate owns the public address:
//! it accepts at most `max-connections` at once (others wait in the kernel's queue), and
//! relays each to Rocket, listening on a loopback port of its own, while `framing` watches the
//! deadlines: a request head complete within 30 s, no body stall over 30 s, and the next
//! request within Rocket's `keep_alive` after an answer. Rocket still sees the client's address
//! (`peers`).

mod framing;
mod peers;
mod relay;

pub use framing::{MAX_HEAD, MAX_HEADERS, MAX_REQUEST_LINE, Timeouts};
pub use peers::Peers;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rocket::fairing::AdHoc;
use rocket::figment::providers::Serialized;
use rocket::{Build, Ignite, Rocket, Shutdown};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};

use crate::config::Settings;
use crate::{Doorstep, links_elsewhere};

/// The limits the gate holds connections to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    /// From a connection's start, or a request's first byte, to the end of the request head.
    pub head: Duration,
    /// Between two pieces of a request body.
    pub body_stall: Duration,
}

/// How long a client may take over a request head, or pause within a body.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);

impl Limits {
    pub fn from_settings(settings: &Settings) -> Limits {
        Limits {
            max_connections: settings.max_connections,
            head: CLIENT_TIMEOUT,
            body_stall: CLIENT_TIMEOUT,
        }
    }
}

/// A bound public address and an ignited Rocket, ready to serve.
pub struct Gate {
    listener: TcpListener,
    rocket: Rocket<Ignite>,
    limits: Limits,
    timeouts: Timeouts,
    peers: Peers,
    inner_port: oneshot::Receiver<u16>,
    /// To warn when mailed links would name another port than the public one.
    base_url: Option<url::Url>,
}

impl Gate {
    /// Binds Rocket's configured address for the gate, moves Rocket to a loopback port, and
    /// ignites it (doorstep's start-up: database, migrations); any failure is the message.
    pub async fn bind(rocket: Rocket<Build>, limits: Limits) -> Result<Gate, String> {
        let public: rocket::Config = rocket
            .figment()
            .extract()
            .map_err(|err| format!("Rocket's configuration: {err}"))?;
        let address = SocketAddr::new(public.address, public.port);
        let listener = TcpListener::bind(address)
            .await
            .map_err(|err| format!("cannot listen on {address}: {err}"))?;
        // Global, so that ROCKET_ADDRESS and ROCKET_PORT, which name the gate's address, do
        // not move Rocket's inner one.
        let inner = rocket
            .figment()
            .clone()
            .merge(Serialized::global("address", Ipv4Addr::LOCALHOST))
            .merge(Serialized::global("port", 0));
        let (port_tx, inner_port) = oneshot::channel();
        let port_tx = Mutex::new(Some(port_tx));
        let rocket = rocket
            .configure(inner)
            .attach(AdHoc::on_liftoff("gate", move |rocket| {
                let port = rocket.config().port;
                Box::pin(async move {
                    if let Some(tx) = port_tx.lock().ok().and_then(|mut tx| tx.take()) {
                        let _ = tx.send(port);
                    }
                })
            }))
            .ignite()
            .await
            .map_err(|err| format!("doorstep did not start: {err}"))?;
        let peers = rocket.state::<Peers>().cloned().unwrap_or_default();
        let base_url = rocket
            .state::<Doorstep>()
            .map(|app| app.settings().base_url.clone());
        let keep_alive = Duration::from_secs(rocket.config().keep_alive.into());
        Ok(Gate {
            listener,
            rocket,
            timeouts: Timeouts {
                head: limits.head,
                body_stall: limits.body_stall,
                keep_alive,
            },
            limits,
            peers,
            inner_port,
            base_url,
        })
    }

    /// The public address, as bound (port 0 becomes the port the system chose).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    /// Stops the gate and Rocket when notified, as a signal would.
    pub fn shutdown(&self) -> Shutdown {
        self.rocket.shutdown()
    }

    /// Serves until shutdown: launches Rocket, then accepts and relays connections; returns
    /// once Rocket has finished (its grace period for requests and the letter in flight).
    pub async fn run(self) -> Result<(), String> {
        let shutdown = self.rocket.shutdown();
        let launched = tokio::spawn(self.rocket.launch());
        let Ok(port) = self.inner_port.await else {
            return finished(launched).await;
        };
        let inner = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        if let Ok(public) = self.listener.local_addr() {
            log::info!(
                "doorstep listens on http://{public} (at most {} connections)",
                self.limits.max_connections
            );
            let warning = self.base_url.as_ref();
            if let Some(warning) = warning.and_then(|url| links_elsewhere(url, public.port())) {
                log::warn!("{warning}");
            }
        }
        let slots = Arc::new(Semaphore::new(self.limits.max_connections));
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                _ = &mut shutdown => break,
                accepted = accept(&self.listener, &slots) => accepted,
            };
            let Some((client, peer, slot)) = accepted else {
                continue;
            };
            let (timeouts, peers) = (self.timeouts, self.peers.clone());
            tokio::spawn(async move {
                relay::relay(client, peer, inner, timeouts, &peers).await;
                drop(slot);
            });
        }
        // New connections are refused from here on; open ones end as Rocket closes them.
        drop(self.listener);
        finished(launched).await
    }
}

/// Waits for a free slot, then for a connection: beyond the limit, clients wait in the
/// listen queue rather than being refused.
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> Option<(
    tokio::net::TcpStream,
    SocketAddr,
    tokio::sync::OwnedSemaphorePermit,
)> {
    let slot = slots.clone().acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((client, peer)) => Some((client, peer, slot)),
        Err(err) => {
            // Out of file descriptors, say: pause rather than spin.
            log::warn!("accepting a connection: {err}");
            tokio::time::sleep(Duration::from_millis(250)).await;
            None
        }
    }
}

async fn finished(
    launched: tokio::task::JoinHandle<Result<Rocket<Ignite>, rocket::Error>>,
) -> Result<(), String> {
    match launched.await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(err)) => Err(err.to_string()),
        Err(err) => Err(format!("the server stopped: {err}")),
    }
}
