//! A minimal OpenAI-compatible streaming server for the CLI tests, on
//! loopback: `POST /v1/chat/completions` and `/v1/completions` with
//! `stream: true`, answering `max_tokens` chunks of one token each over
//! chunked transfer encoding, then a `usage` chunk and `[DONE]`; or, on
//! request, one of the faults a real deployment shows. It serves a bounded
//! number of connections, one request each.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The model the server knows.
pub const MODEL: &str = "tiny-model";

/// How the server answers.
#[derive(Clone, Debug)]
pub enum Fault {
    /// A complete, well-formed stream.
    None,
    /// An HTTP status with an OpenAI-style error body.
    Status(u16),
    /// The connection closes after this many token chunks.
    CutAfter(usize),
    /// A chunk that is not JSON.
    Malformed,
    /// Headers and one chunk, then nothing for a minute.
    Stall,
    /// A complete stream whose headers announce keep-alive, then the
    /// connection closes without notice (as llama.cpp's server does).
    CloseUnannounced,
}

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct Behaviour {
    /// The fault, if any.
    pub fault: Fault,
    /// Pause before the first token (prefill).
    pub first_token_delay: Duration,
    /// Pause between tokens.
    pub token_delay: Duration,
    /// Whether a `usage` chunk is sent before `[DONE]`.
    pub usage: bool,
    /// The `Authorization` header the server requires, if any.
    pub api_key: Option<String>,
    /// Answers by prompt (chat API): a prompt found here is answered with
    /// its text, one word a chunk, instead of `max_tokens` filler tokens.
    pub answers: Option<std::sync::Arc<std::collections::HashMap<String, String>>>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            fault: Fault::None,
            first_token_delay: Duration::from_millis(5),
            token_delay: Duration::from_millis(1),
            usage: true,
            api_key: None,
            answers: None,
        }
    }
}

/// A running server: its address; it stops with the test process.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Server {
    /// `base_url` for a suite.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }
}

/// Starts a server on 127.0.0.1 that serves at most `max_connections` connections.
pub fn start(behaviour: Behaviour, max_connections: usize) -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("non-blocking");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        rt.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("tokio listener");
            for _ in 0..max_connections {
                let Ok((socket, _)) = listener.accept().await else { return };
                let b = behaviour.clone();
                tokio::spawn(async move {
                    let _ = serve(socket, &b).await;
                });
            }
        });
    });
    Server { addr }
}

/// An address where nothing listens.
pub fn refused_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    l.local_addr().expect("address")
}

async fn read_request(socket: &mut TcpStream) -> std::io::Result<(String, String, serde_json::Value)> {
    let mut buf = Vec::with_capacity(4096);
    let mut tmp = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut tmp).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 65_536 {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0)
        .min(1 << 20);
    while buf.len() < head_end + length {
        let n = socket.read(&mut tmp).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    let body = serde_json::from_slice(&buf[head_end..]).unwrap_or(serde_json::Value::Null);
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    Ok((head, path, body))
}

async fn error(socket: &mut TcpStream, status: u16, message: &str) -> std::io::Result<()> {
    let body =
        serde_json::json!({"error": {"message": message, "type": "invalid_request_error", "code": status}}).to_string();
    let head = format!(
        "HTTP/1.1 {status} Error\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await?;
    socket.write_all(body.as_bytes()).await
}

async fn event(socket: &mut TcpStream, data: &str) -> std::io::Result<()> {
    let payload = format!("data: {data}\n\n");
    socket.write_all(format!("{:x}\r\n{payload}\r\n", payload.len()).as_bytes()).await
}

async fn serve(mut socket: TcpStream, b: &Behaviour) -> std::io::Result<()> {
    let (head, path, body) = read_request(&mut socket).await?;
    let chat = path.ends_with("/chat/completions");
    if !chat && !path.ends_with("/completions") {
        return error(&mut socket, 404, "no such route").await;
    }
    if let Some(key) = &b.api_key {
        let expected = format!("authorization: bearer {}", key.to_ascii_lowercase());
        if !head.to_ascii_lowercase().lines().any(|l| l.trim() == expected) {
            return error(&mut socket, 401, "Incorrect API key provided").await;
        }
    }
    if body["model"] != MODEL {
        return error(&mut socket, 404, &format!("The model `{}` does not exist", body["model"])).await;
    }
    if let Fault::Status(s) = b.fault {
        return error(&mut socket, s, "injected failure").await;
    }
    let prompt = body["messages"][0]["content"].as_str().unwrap_or_default();
    let answer: Option<Vec<String>> = b
        .answers
        .as_ref()
        .and_then(|a| a.get(prompt))
        .map(|text| text.split_inclusive(' ').map(String::from).collect());
    let max_tokens = match &answer {
        Some(words) => words.len().max(1),
        None => body["max_tokens"].as_u64().unwrap_or(16).clamp(1, 4096) as usize,
    };
    let connection = match b.fault {
        Fault::CloseUnannounced => "Keep-Alive: timeout=5, max=100",
        _ => "Connection: close",
    };
    socket
        .write_all(
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n{connection}\r\n\r\n")
                .as_bytes(),
        )
        .await?;
    tokio::time::sleep(b.first_token_delay).await;
    for i in 0..max_tokens {
        if i > 0 {
            tokio::time::sleep(b.token_delay).await;
        }
        match &b.fault {
            Fault::CutAfter(n) if i == *n => return socket.shutdown().await,
            Fault::Malformed if i == 1 => return event(&mut socket, "{\"choices\": [oops").await,
            Fault::Stall if i == 1 => {
                tokio::time::sleep(Duration::from_secs(60)).await;
                return Ok(());
            }
            _ => {}
        }
        let finish = if i + 1 == max_tokens { serde_json::json!("length") } else { serde_json::Value::Null };
        let text = answer.as_ref().map_or_else(|| format!(" t{i}"), |w| w[i].clone());
        let choice = if chat {
            serde_json::json!({"index": 0, "delta": {"content": text}, "finish_reason": finish})
        } else {
            serde_json::json!({"index": 0, "text": text, "finish_reason": finish})
        };
        event(&mut socket, &serde_json::json!({"id": "x", "model": MODEL, "choices": [choice]}).to_string()).await?;
    }
    if b.usage {
        let usage = serde_json::json!({"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": max_tokens, "total_tokens": 11 + max_tokens}});
        event(&mut socket, &usage.to_string()).await?;
    }
    event(&mut socket, "[DONE]").await?;
    socket.write_all(b"0\r\n\r\n").await?;
    if let Fault::CloseUnannounced = b.fault {
        // A moment later, whatever the client sent meanwhile is read and
        // left unanswered, and the connection closes.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let mut unread = [0u8; 8192];
        while matches!(socket.try_read(&mut unread), Ok(n) if n > 0) {}
    }
    socket.shutdown().await
}
