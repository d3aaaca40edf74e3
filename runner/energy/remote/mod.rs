//! Energy counters read over the network: `wattbench meter serve` on the
//! node that serves a model exposes its GPUs' counters (read-only, behind a
//! token), and the client that drives the endpoint reads them at the
//! window's edges, recording each read's round-trip time and clock offset.
//!
//! The protocol is one route, `GET /v1/energy` with `Authorization: Bearer
//! TOKEN`, answered with a [`Snapshot`] as JSON. Plain HTTP/1.1, one request
//! per connection: the counters are not secret, the token keeps strangers
//! from loading the serving node; run it on a trusted network or behind TLS.

mod client;
mod http;
mod server;

use serde::{Deserialize, Serialize};

pub use client::RemoteMeter;
pub use server::{MeterServer, ServedMeter};

/// The protocol's name and version, sent in every snapshot.
pub const PROTOCOL: &str = "wattbench-meter/1";
/// The one route.
pub const ROUTE: &str = "/v1/energy";
/// The shortest token accepted, bytes.
pub const MIN_TOKEN_LEN: usize = 16;

/// One counter of the serving node, as served.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServedReading {
    /// The device as a suite names it, e.g. `cuda:1`.
    pub device: String,
    /// How it measures (`nvml-counter`; `scripted` in tests).
    pub method: super::EnergyMethod,
    /// What it measures.
    pub scope: String,
    /// Cumulative joules since the server opened the counter.
    pub joules: f64,
}

/// What the server answers: every counter it exposes, read at one instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// [`PROTOCOL`].
    pub protocol: String,
    /// The serving node's clock when the counters were read, seconds since the Unix epoch.
    pub time_unix_s: f64,
    /// The counters.
    pub meters: Vec<ServedReading>,
}

/// Whether `a` equals `b`, in time that does not depend on where they differ.
fn same_token(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
