use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::*;
use crate::energy::scripted::ScriptedMeter;
use crate::energy::{EnergyMeter, EnergyMethod, MeterError};

const TOKEN: &str = "0123456789abcdef-test";

/// A server on a free loopback port over scripted meters with these cumulative readings.
struct Running {
    url: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start(meters: Vec<(&str, Vec<f64>)>) -> Running {
    let served = meters
        .into_iter()
        .map(|(d, r)| ServedMeter { device: d.to_string(), meter: Box::new(ScriptedMeter::from_readings(r)) })
        .collect();
    let server = MeterServer::new(served, TOKEN).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let s = Arc::clone(&stop);
    let thread = std::thread::spawn(move || server.serve(&listener, &s).unwrap());
    Running { url, stop, thread: Some(thread) }
}

fn raw(url: &str, request: &str) -> String {
    let mut s = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn the_client_sums_the_named_gpus_keeps_each_and_times_every_read() {
    let srv = start(vec![
        ("cuda:0", vec![100.0, 110.0, 130.0]),
        ("cuda:1", vec![50.0, 51.0, 55.0]),
        ("cuda:2", vec![0.0, 1000.0, 2000.0]),
    ]);
    let devices = vec!["cuda:0".to_string(), "cuda:1".to_string()];
    let mut m = RemoteMeter::open(&srv.url, TOKEN, &devices).unwrap();
    assert_eq!(m.method(), EnergyMethod::Scripted);
    assert!(m.scope().starts_with("sum of 2 remote meters (cuda:0 at 127.0.0.1:"), "{}", m.scope());
    // Opening read: 100 and 50 are the base; cuda:2 is served but not summed.
    assert_eq!(m.energy_j().unwrap(), Some(11.0));
    assert_eq!(m.energy_j().unwrap(), Some(35.0));
    let read = m.last_read();
    assert_eq!(read.parts.iter().map(|p| p.joules).collect::<Vec<_>>(), vec![30.0, 5.0]);
    let timing = read.remote.unwrap();
    assert!(timing.rtt_s > 0.0 && timing.rtt_s < 5.0, "{timing:?}");
    // Same clock on both ends of a loopback: the offset is within the round trip.
    assert!(timing.clock_offset_s.abs() <= timing.rtt_s + 0.01, "{timing:?}");
    // The scripted counters are exhausted: an error, never a made-up reading.
    assert!(m.energy_j().is_err());
}

#[test]
fn wrong_token_missing_device_other_routes_and_writes_are_refused() {
    let srv = start(vec![("cuda:0", vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0])]);
    let e = RemoteMeter::open(&srv.url, "wrong-token-of-enough-length", &["cuda:0".into()]).err().unwrap();
    assert!(e.to_string().contains("HTTP 401 missing or wrong token"), "{e}");
    let e = RemoteMeter::open(&srv.url, TOKEN, &["cuda:3".into()]).err().unwrap();
    assert!(e.to_string().contains("does not serve cuda:3 (it serves cuda:0)"), "{e}");
    let answer = raw(&srv.url, &format!("POST /v1/energy HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"));
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    let answer = raw(&srv.url, &format!("GET /v1/other HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"));
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    let answer = raw(&srv.url, "GET /v1/energy HTTP/1.1\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let answer = raw(&srv.url, &format!("GET /v1/energy HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(9000)));
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}

#[test]
fn nothing_listening_a_bad_url_and_a_short_token_are_one_line_errors() {
    let free = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let e = RemoteMeter::open(&format!("http://{free}"), TOKEN, &["cuda:0".into()]).err().unwrap();
    assert!(e.to_string().contains("cannot connect"), "{e}");
    for url in ["not a url", "https://host:1", "http://"] {
        let e = RemoteMeter::open(url, TOKEN, &["cuda:0".into()]).err().unwrap();
        assert!(matches!(e, MeterError::Remote(_)) && !e.to_string().contains('\n'), "{url}: {e}");
    }
    let short = MeterServer::new(
        vec![ServedMeter { device: "cuda:0".into(), meter: Box::new(ScriptedMeter::from_readings(vec![0.0])) }],
        "short",
    );
    assert!(short.err().unwrap().to_string().contains("at least 16 bytes"));
}

#[test]
fn a_server_that_answers_garbage_is_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let t = std::thread::spawn(move || {
        for body in ["{\"protocol\":\"other/9\",\"time_unix_s\":1,\"meters\":[]}", "not json"] {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        }
    });
    let e = RemoteMeter::open(&format!("http://{addr}"), TOKEN, &["cuda:0".into()]).err().unwrap();
    assert!(e.to_string().contains("speaks `other/9`"), "{e}");
    let e = RemoteMeter::open(&format!("http://{addr}"), TOKEN, &["cuda:0".into()]).err().unwrap();
    assert!(e.to_string().contains("malformed snapshot"), "{e}");
    t.join().unwrap();
}
