//! The little HTTP/1.1 the remote meter needs: one request head in, one
//! response out, bounded in size and time on both sides.

use std::io::{Read, Write};

/// Largest request or response head accepted, bytes.
pub const MAX_HEAD: usize = 8 * 1024;
/// Largest response body accepted, bytes.
pub const MAX_BODY: usize = 1 << 20;

/// A parsed message head: the first line and the headers (names lower-cased).
pub struct Head {
    /// The request or status line.
    pub first_line: String,
    /// `(name, value)` pairs, names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// The value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Reads a message head (up to the blank line) and returns it with the bytes read past it.
pub fn read_head(stream: &mut impl Read) -> Result<(Head, Vec<u8>), String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            if i > MAX_HEAD {
                return Err(format!("message head longer than {MAX_HEAD} bytes"));
            }
            break i;
        }
        if buf.len() > MAX_HEAD + 4 {
            return Err(format!("message head longer than {MAX_HEAD} bytes"));
        }
        let n = stream.read(&mut chunk).map_err(|e| format!("reading: {e}"))?;
        if n == 0 {
            return Err("the connection closed before the message head ended".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let text = std::str::from_utf8(&buf[..end]).map_err(|_| "the message head is not UTF-8".to_string())?;
    let mut lines = text.split("\r\n");
    let first_line = lines.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or_else(|| format!("malformed header line `{line}`"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    Ok((Head { first_line, headers }, buf[end + 4..].to_vec()))
}

/// Reads a body of the head's `Content-Length` (at most [`MAX_BODY`]), `rest` being what was read past the head.
pub fn read_body(stream: &mut impl Read, head: &Head, mut rest: Vec<u8>) -> Result<Vec<u8>, String> {
    let len: usize = head
        .header("content-length")
        .ok_or("the response has no Content-Length")?
        .parse()
        .map_err(|_| "the response's Content-Length is not a number".to_string())?;
    if len > MAX_BODY {
        return Err(format!("the response body of {len} bytes is over the {MAX_BODY}-byte limit"));
    }
    if rest.len() > len {
        return Err("the response is longer than its Content-Length".into());
    }
    let mut more = vec![0u8; len - rest.len()];
    stream.read_exact(&mut more).map_err(|e| format!("reading the response body: {e}"))?;
    rest.extend_from_slice(&more);
    Ok(rest)
}

/// Writes a complete response with a JSON body and closes nothing (the caller drops the stream).
pub fn write_response(stream: &mut impl Write, status: &str, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}
