//! `wattbench meter serve`: the serving node's counters over HTTP, read-only.

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::http::{read_head, write_response};
use super::{same_token, ServedReading, Snapshot, MIN_TOKEN_LEN, PROTOCOL, ROUTE};
use crate::energy::meter::{EnergyMeter, EnergyMethod, MeterError};

/// Connections served at once; more are answered 503 at once.
const MAX_CONNECTIONS: usize = 32;
/// A client that sends no complete request head within this is dropped.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// One exposed counter: the device name clients ask for and its meter.
pub struct ServedMeter {
    /// The device as suites name it (`cuda:0`).
    pub device: String,
    /// Its counter.
    pub meter: Box<dyn EnergyMeter>,
}

/// The counters and the token; serves snapshots until stopped.
pub struct MeterServer {
    meters: Mutex<Vec<ServedMeter>>,
    token: Vec<u8>,
    live: AtomicUsize,
}

impl MeterServer {
    /// A server over `meters` that answers only requests bearing `token`.
    pub fn new(meters: Vec<ServedMeter>, token: &str) -> Result<Arc<MeterServer>, MeterError> {
        if token.len() < MIN_TOKEN_LEN {
            return Err(MeterError::NotSupported(format!(
                "the token must be at least {MIN_TOKEN_LEN} bytes (it is {})",
                token.len()
            )));
        }
        if meters.is_empty() {
            return Err(MeterError::NotSupported("no counter to serve".into()));
        }
        if let Some(m) = meters.iter().find(|m| m.meter.method() == EnergyMethod::Unmeasured) {
            return Err(MeterError::NotSupported(format!("{} has no energy counter: {}", m.device, m.meter.scope())));
        }
        Ok(Arc::new(MeterServer {
            meters: Mutex::new(meters),
            token: token.as_bytes().to_vec(),
            live: AtomicUsize::new(0),
        }))
    }

    /// Reads every counter now.
    pub fn snapshot(&self) -> Result<Snapshot, MeterError> {
        let mut meters = self.meters.lock().unwrap_or_else(|p| p.into_inner());
        let mut readings = Vec::with_capacity(meters.len());
        for m in meters.iter_mut() {
            let joules =
                m.meter.energy_j()?.ok_or_else(|| MeterError::NotSupported(format!("{}: no reading", m.device)))?;
            readings.push(ServedReading {
                device: m.device.clone(),
                method: m.meter.method(),
                scope: m.meter.scope(),
                joules,
            });
        }
        let time_unix_s = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
        Ok(Snapshot { protocol: PROTOCOL.into(), time_unix_s, meters: readings })
    }

    /// Accepts connections on `listener` until `stop` is set (checked between connections).
    pub fn serve(self: &Arc<Self>, listener: &TcpListener, stop: &AtomicBool) -> std::io::Result<()> {
        listener.set_nonblocking(true)?;
        while !stop.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((stream, _)) => {
                    if self.live.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                        self.live.fetch_sub(1, Ordering::SeqCst);
                        let mut s = stream;
                        let _ =
                            write_response(&mut s, "503 Service Unavailable", r#"{"error":"too many connections"}"#);
                        continue;
                    }
                    let me = Arc::clone(self);
                    std::thread::spawn(move || {
                        me.answer(stream);
                        me.live.fetch_sub(1, Ordering::SeqCst);
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(2)),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Answers one connection's one request.
    fn answer(&self, mut stream: TcpStream) {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_nodelay(true);
        let (status, body) = self.respond(&mut stream);
        let _ = write_response(&mut stream, status, &body);
    }

    fn respond(&self, stream: &mut TcpStream) -> (&'static str, String) {
        let error = |msg: &str| serde_json::json!({ "error": msg }).to_string();
        let head = match read_head(stream) {
            Ok((head, _)) => head,
            Err(e) => return ("400 Bad Request", error(&e)),
        };
        let mut words = head.first_line.split(' ');
        let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let path = target.split('?').next().unwrap_or("");
        if path != ROUTE {
            return ("404 Not Found", error(&format!("the only route is GET {ROUTE}")));
        }
        if method != "GET" {
            return ("405 Method Not Allowed", error("read-only: only GET is served"));
        }
        let bearer = head.header("authorization").and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("");
        if !same_token(bearer.trim().as_bytes(), &self.token) {
            return ("401 Unauthorized", error("missing or wrong token"));
        }
        match self.snapshot() {
            Ok(s) => ("200 OK", serde_json::to_string(&s).unwrap_or_else(|e| error(&e.to_string()))),
            Err(e) => ("500 Internal Server Error", error(&e.to_string())),
        }
    }
}
