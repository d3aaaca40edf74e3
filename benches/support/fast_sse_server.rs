//! A fast local OpenAI-compatible streaming server for the client's load
//! benchmark: raw tokio TCP, keep-alive, chunked server-sent events, one
//! token every `interval` per stream on an absolute schedule. It records
//! when it wrote each token (an `Instant` of this process), and gives each
//! request a serial number that it returns as the `usage.prompt_tokens`, so
//! that the benchmark can match each of the client's records to its stream
//! without changing the client.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server saw of one stream.
pub struct StreamLog {
    /// When each token's chunk was handed to the socket.
    pub sent: Vec<Instant>,
    /// How late each token was against its schedule, nanoseconds.
    pub late_ns: Vec<u64>,
}

/// Every stream's log, by serial number (1-based; index 0 unused).
pub type Logs = Arc<Mutex<Vec<Option<StreamLog>>>>;

/// Starts the server on `rt` on a free loopback port; returns its address and the logs.
pub fn start(rt: &tokio::runtime::Runtime, interval: Duration) -> (std::net::SocketAddr, Logs) {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    let logs: Logs = Arc::new(Mutex::new(vec![None]));
    let l = Arc::clone(&logs);
    rt.spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { continue };
            let _ = socket.set_nodelay(true);
            tokio::spawn(connection(socket, Arc::clone(&l), interval));
        }
    });
    (addr, logs)
}

/// Reads one request (head and `Content-Length` body); returns its `max_tokens`.
async fn request(socket: &mut TcpStream, buf: &mut Vec<u8>) -> Option<usize> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                read_more(socket, buf).await?;
            }
            let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string();
            buf.drain(..end + 4 + len);
            let max = body.split("\"max_tokens\":").nth(1)?;
            let digits: String =
                max.chars().skip_while(|c| c.is_whitespace()).take_while(char::is_ascii_digit).collect();
            return digits.parse().ok();
        }
        read_more(socket, buf).await?;
    }
}

async fn read_more(socket: &mut TcpStream, buf: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 4096];
    match socket.read(&mut chunk).await {
        Ok(0) | Err(_) => None,
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Some(())
        }
    }
}

fn event(data: &str) -> Vec<u8> {
    let payload = format!("data: {data}\n\n");
    format!("{:x}\r\n{payload}\r\n", payload.len()).into_bytes()
}

async fn connection(mut socket: TcpStream, logs: Logs, interval: Duration) {
    let mut buf = Vec::new();
    const TOKEN: &str = r#"{"id":"b","object":"chat.completion.chunk","model":"fast","choices":[{"index":0,"delta":{"content":" tok"},"finish_reason":null}]}"#;
    const LAST: &str = r#"{"id":"b","object":"chat.completion.chunk","model":"fast","choices":[{"index":0,"delta":{"content":" tok"},"finish_reason":"length"}]}"#;
    let (token, last) = (event(TOKEN), event(LAST));
    while let Some(max_tokens) = request(&mut socket, &mut buf).await {
        let serial = {
            let mut l = logs.lock().unwrap();
            l.push(None);
            l.len() - 1
        };
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let mut log = StreamLog { sent: Vec::with_capacity(max_tokens), late_ns: Vec::with_capacity(max_tokens) };
        let start = tokio::time::Instant::now();
        for i in 0..max_tokens {
            let due = start + interval * i as u32;
            tokio::time::sleep_until(due).await;
            let now = Instant::now();
            log.late_ns.push(tokio::time::Instant::now().saturating_duration_since(due).as_nanos() as u64);
            log.sent.push(now);
            let bytes = if i + 1 == max_tokens { &last } else { &token };
            if socket.write_all(bytes).await.is_err() {
                return;
            }
        }
        let usage = format!(
            r#"{{"id":"b","choices":[],"usage":{{"prompt_tokens":{serial},"completion_tokens":{max_tokens},"total_tokens":{}}}}}"#,
            serial + max_tokens
        );
        let mut tail = event(&usage);
        tail.extend_from_slice(&event("[DONE]"));
        tail.extend_from_slice(b"0\r\n\r\n");
        if socket.write_all(&tail).await.is_err() {
            return;
        }
        logs.lock().unwrap()[serial] = Some(log);
    }
}
