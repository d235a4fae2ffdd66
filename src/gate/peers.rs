//! The client behind each of the gate's connections to Rocket, so that Rocket sees the real
//! peer (rate limits, trusted proxies) rather than the gate's loopback address.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Data, Request};

/// Client addresses by the gate's own end of each connection to Rocket.
#[derive(Clone, Default)]
pub struct Peers(Arc<Mutex<HashMap<SocketAddr, SocketAddr>>>);

impl Peers {
    /// Remembers that the connection from `gate_end` carries `client`, until the returned
    /// guard is dropped.
    pub fn relay(&self, gate_end: SocketAddr, client: SocketAddr) -> Relayed {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(gate_end, client);
        Relayed {
            peers: self.clone(),
            gate_end,
        }
    }

    fn client_of(&self, gate_end: SocketAddr) -> Option<SocketAddr> {
        let peers = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        peers.get(&gate_end).copied()
    }
}

/// A connection the gate is relaying; forgotten when dropped.
pub struct Relayed {
    peers: Peers,
    gate_end: SocketAddr,
}

impl Drop for Relayed {
    fn drop(&mut self) {
        let mut peers = self.peers.0.lock().unwrap_or_else(PoisonError::into_inner);
        peers.remove(&self.gate_end);
    }
}

#[rocket::async_trait]
impl Fairing for Peers {
    fn info(&self) -> Info {
        Info {
            name: "client address behind the gate",
            kind: Kind::Request,
        }
    }

    /// Runs before any guard reads `remote()`; a connection that did not come through the gate
    /// (tests' local client) keeps its own address.
    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        if let Some(client) = req.remote().and_then(|gate_end| self.client_of(gate_end)) {
            req.set_remote(client);
        }
    }
}
