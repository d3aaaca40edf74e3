//! An incremental parser of server-sent events (`text/event-stream`), fed
//! the body's bytes as they arrive. Lines end with LF, CRLF or CR; `data:`
//! lines accumulate (joined by LF) until a blank line dispatches the event;
//! comments (`:`) and the other fields (`event`, `id`, `retry`) are skipped.
//! A line longer than the stated bound is an error, never a growing buffer.

use thiserror::Error;

/// Why a stream is not well-formed server-sent events.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SseError {
    /// A line grew past the bound without ending.
    #[error("an event-stream line is longer than {0} bytes")]
    LineTooLong(usize),
    /// An event's data is not UTF-8.
    #[error("an event's data is not UTF-8")]
    NotUtf8,
}

/// The parser's state between two reads of the body.
#[derive(Debug)]
pub struct SseParser {
    line: Vec<u8>,
    data: Vec<u8>,
    has_data: bool,
    after_cr: bool,
    max_line: usize,
}

impl SseParser {
    /// A parser that refuses lines longer than `max_line` bytes.
    pub fn new(max_line: usize) -> Self {
        Self {
            line: Vec::with_capacity(256),
            data: Vec::with_capacity(256),
            has_data: false,
            after_cr: false,
            max_line,
        }
    }

    /// Feeds the next bytes of the body; calls `on_event` with the data of
    /// every event they complete, in order.
    pub fn feed(&mut self, mut bytes: &[u8], on_event: &mut dyn FnMut(&str)) -> Result<(), SseError> {
        if self.after_cr {
            self.after_cr = false;
            if bytes.first() == Some(&b'\n') {
                bytes = &bytes[1..];
            }
        }
        while let Some(end) = bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
            if self.line.len() + end > self.max_line {
                return Err(SseError::LineTooLong(self.max_line));
            }
            let is_cr = bytes[end] == b'\r';
            if self.line.is_empty() {
                self.end_line(&bytes[..end], on_event)?;
            } else {
                self.line.extend_from_slice(&bytes[..end]);
                let line = std::mem::take(&mut self.line);
                self.end_line(&line, on_event)?;
                self.line = line;
                self.line.clear();
            }
            bytes = &bytes[end + 1..];
            if is_cr {
                match bytes.first() {
                    Some(b'\n') => bytes = &bytes[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        if self.line.len() + bytes.len() > self.max_line {
            return Err(SseError::LineTooLong(self.max_line));
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    /// Whether bytes of an unfinished line or event are held (at the end of
    /// the body this means the stream was cut).
    pub fn has_partial(&self) -> bool {
        !self.line.is_empty() || self.has_data
    }

    fn end_line(&mut self, line: &[u8], on_event: &mut dyn FnMut(&str)) -> Result<(), SseError> {
        if line.is_empty() {
            if self.has_data {
                self.has_data = false;
                let data = std::str::from_utf8(&self.data).map_err(|_| SseError::NotUtf8)?;
                on_event(data);
                self.data.clear();
            }
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let v = &line[colon + 1..];
                (&line[..colon], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        if field == b"data" {
            if self.has_data {
                self.data.push(b'\n');
            }
            self.data.extend_from_slice(value);
            self.has_data = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(parts: &[&[u8]]) -> Result<Vec<String>, SseError> {
        let mut p = SseParser::new(64);
        let mut out = Vec::new();
        for part in parts {
            p.feed(part, &mut |d| out.push(d.to_string()))?;
        }
        Ok(out)
    }

    #[test]
    fn events_split_anywhere_parse_the_same() {
        let body: &[u8] = b": keep-alive\r\ndata: {\"a\":1}\r\n\r\nevent: x\ndata: one\ndata:two\n\ndata: [DONE]\r\r";
        let whole = events(&[body]).unwrap();
        assert_eq!(whole, ["{\"a\":1}", "one\ntwo", "[DONE]"]);
        for cut in 0..body.len() {
            assert_eq!(events(&[&body[..cut], &body[cut..]]).unwrap(), whole, "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = body.chunks(1).collect();
        assert_eq!(events(&bytes).unwrap(), whole);
    }

    #[test]
    fn an_unfinished_event_is_held_and_reported_partial() {
        let mut p = SseParser::new(64);
        let mut n = 0;
        p.feed(b"data: {\"a\"", &mut |_| n += 1).unwrap();
        assert!(p.has_partial());
        p.feed(b":1}\n", &mut |_| n += 1).unwrap();
        assert!(p.has_partial() && n == 0);
        p.feed(b"\n", &mut |_| n += 1).unwrap();
        assert!(!p.has_partial() && n == 1);
    }

    #[test]
    fn long_lines_and_bad_utf8_are_errors() {
        assert_eq!(events(&[&[b'x'; 65]]), Err(SseError::LineTooLong(64)));
        assert_eq!(events(&[&[b'x'; 40], &[b'x'; 40]]), Err(SseError::LineTooLong(64)));
        assert_eq!(events(&[b"data: \xff\xfe\n\n"]), Err(SseError::NotUtf8));
    }
}
