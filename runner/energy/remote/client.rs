//! The client side of the remote meter: reads a `wattbench meter serve` at
//! the window's edges and sums the GPUs a suite names.

use std::io::Write;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::http::{read_body, read_head};
use super::{Snapshot, PROTOCOL, ROUTE};
use crate::energy::meter::{EnergyMeter, EnergyMethod, MeterError, PartReading, ReadDetail, RemoteRead};

/// Connecting and each read or write give up after this.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The counters of a remote serving node, summed over the GPUs a suite names.
pub struct RemoteMeter {
    addr: SocketAddr,
    host: String,
    token: String,
    devices: Vec<String>,
    method: EnergyMethod,
    scopes: Vec<String>,
    /// Each device's cumulative joules at the opening read.
    base: Vec<f64>,
    last: ReadDetail,
}

fn remote(msg: impl Into<String>) -> MeterError {
    MeterError::Remote(msg.into())
}

impl RemoteMeter {
    /// Connects to `url` (`http://host:port`), checks that it serves every
    /// device of `devices` with one method, and takes the opening reading.
    pub fn open(url: &str, token: &str, devices: &[String]) -> Result<RemoteMeter, MeterError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| remote(format!("meter_url `{url}`: {e}")))?;
        if parsed.scheme() != "http" {
            return Err(remote(format!("meter_url `{url}`: only http:// is spoken by `wattbench meter serve`")));
        }
        let host = parsed.host_str().ok_or_else(|| remote(format!("meter_url `{url}` has no host")))?.to_string();
        let port = parsed.port().unwrap_or(80);
        let addr = (host.as_str(), port)
            .to_socket_addrs()
            .map_err(|e| remote(format!("meter at {host}:{port}: cannot resolve: {e}")))?
            .next()
            .ok_or_else(|| remote(format!("meter at {host}:{port}: the name resolves to no address")))?;
        if devices.is_empty() {
            return Err(remote("name at least one device of the serving node to meter"));
        }
        let mut m = RemoteMeter {
            addr,
            host: format!("{host}:{port}"),
            token: token.to_string(),
            devices: devices.to_vec(),
            method: EnergyMethod::Unmeasured,
            scopes: Vec::new(),
            base: Vec::new(),
            last: ReadDetail::default(),
        };
        let (snapshot, _) = m.fetch()?;
        let mut base = Vec::with_capacity(devices.len());
        for d in devices {
            let r = snapshot.meters.iter().find(|r| &r.device == d).ok_or_else(|| {
                let served: Vec<&str> = snapshot.meters.iter().map(|r| r.device.as_str()).collect();
                remote(format!("the meter at {} does not serve {d} (it serves {})", m.host, served.join(", ")))
            })?;
            if m.scopes.is_empty() {
                m.method = r.method;
            } else if r.method != m.method {
                return Err(remote(format!("{d} measures by {} but {} by {}", r.method, devices[0], m.method)));
            }
            if r.method == EnergyMethod::Unmeasured {
                return Err(remote(format!("{d} at {} has no energy counter", m.host)));
            }
            m.scopes.push(format!("{d} at {}: {}", m.host, r.scope));
            base.push(r.joules);
        }
        m.base = base;
        Ok(m)
    }

    /// One request: the snapshot and the read's timing.
    fn fetch(&self) -> Result<(Snapshot, RemoteRead), MeterError> {
        let at = |what: &str, e: &dyn std::fmt::Display| remote(format!("meter at {}: {what}: {e}", self.host));
        let mut stream = TcpStream::connect_timeout(&self.addr, TIMEOUT).map_err(|e| at("cannot connect", &e))?;
        stream.set_read_timeout(Some(TIMEOUT)).map_err(|e| at("socket", &e))?;
        stream.set_write_timeout(Some(TIMEOUT)).map_err(|e| at("socket", &e))?;
        let _ = stream.set_nodelay(true);
        let request = format!(
            "GET {ROUTE} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            self.host, self.token
        );
        let sent_unix = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
        let sent = Instant::now();
        stream.write_all(request.as_bytes()).map_err(|e| at("sending", &e))?;
        let (head, rest) = read_head(&mut stream).map_err(|e| at("reading the answer", &e))?;
        let body = read_body(&mut stream, &head, rest).map_err(|e| at("reading the answer", &e))?;
        let rtt_s = sent.elapsed().as_secs_f64();
        let status = head.first_line.split(' ').nth(1).unwrap_or("");
        if status != "200" {
            let said = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(String::from))
                .unwrap_or_default();
            return Err(remote(format!("meter at {}: HTTP {status} {said}", self.host).trim_end()));
        }
        let snapshot: Snapshot = serde_json::from_slice(&body).map_err(|e| at("malformed snapshot", &e))?;
        if snapshot.protocol != PROTOCOL {
            return Err(remote(format!(
                "meter at {} speaks `{}`, this client `{PROTOCOL}`",
                self.host, snapshot.protocol
            )));
        }
        if !snapshot.time_unix_s.is_finite() || snapshot.meters.iter().any(|r| !r.joules.is_finite()) {
            return Err(remote(format!("meter at {}: a snapshot figure is not a finite number", self.host)));
        }
        let clock_offset_s = snapshot.time_unix_s - (sent_unix + rtt_s / 2.0);
        Ok((snapshot, RemoteRead { rtt_s, clock_offset_s }))
    }
}

impl EnergyMeter for RemoteMeter {
    fn method(&self) -> EnergyMethod {
        self.method
    }

    fn scope(&self) -> String {
        match self.scopes.as_slice() {
            [one] => one.clone(),
            many => format!("sum of {} remote meters ({})", many.len(), many.join("; ")),
        }
    }

    fn energy_j(&mut self) -> Result<Option<f64>, MeterError> {
        let (snapshot, read) = self.fetch()?;
        let mut total = 0.0;
        let mut parts = Vec::with_capacity(self.devices.len());
        for ((d, base), scope) in self.devices.iter().zip(&self.base).zip(&self.scopes) {
            let r = snapshot
                .meters
                .iter()
                .find(|r| &r.device == d)
                .ok_or_else(|| remote(format!("the meter at {} stopped serving {d}", self.host)))?;
            let j = r.joules - base;
            if j < 0.0 {
                return Err(MeterError::CounterReset(format!(
                    "{d} at {} fell from {base} J to {} J (the meter server restarted?)",
                    self.host, r.joules
                )));
            }
            total += j;
            parts.push(PartReading { scope: scope.clone(), joules: j });
        }
        self.last = ReadDetail { parts, remote: Some(read) };
        Ok(Some(total))
    }

    fn last_read(&self) -> ReadDetail {
        self.last.clone()
    }
}
