//! Decoding of SEG-Y's 3200-byte textual file header (EBCDIC or ASCII).

/// Bytes per line of the textual header (40 lines of 80 characters).
const LINE: usize = 80;

/// The character encoding of a textual header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// ASCII (allowed since SEG-Y rev 1).
    Ascii,
    /// EBCDIC (code page 037), the original encoding.
    Ebcdic,
}

/// Decodes a textual header: the encoding is EBCDIC when some bytes are
/// printable EBCDIC and at least as many as are printable ASCII (an EBCDIC
/// header is mostly spaces, 0x40, which ASCII reads as `@`, and letters and
/// digits above 0x80, which are not ASCII), else ASCII. The text is split
/// into 80-character lines with trailing blanks and trailing empty lines
/// removed; undecodable bytes become `?` (EBCDIC) or spaces (ASCII controls).
pub fn decode_text_header(bytes: &[u8]) -> (TextEncoding, String) {
    let ascii = bytes.iter().filter(|b| (0x20..=0x7E).contains(*b)).count();
    let ebcdic = bytes.iter().filter(|&&b| ebcdic_char(b).is_some()).count();
    let encoding = if ebcdic > 0 && ebcdic >= ascii { TextEncoding::Ebcdic } else { TextEncoding::Ascii };
    let decode = |b: u8| match encoding {
        TextEncoding::Ebcdic => match b {
            0x00 => ' ',
            _ => ebcdic_char(b).unwrap_or('?'),
        },
        TextEncoding::Ascii if (0x20..=0x7E).contains(&b) => char::from(b),
        TextEncoding::Ascii => ' ',
    };
    let lines: Vec<String> = bytes
        .chunks(LINE)
        .map(|line| line.iter().map(|&b| decode(b)).collect::<String>().trim_end().to_string())
        .collect();
    let used = lines.iter().rposition(|l| !l.is_empty()).map_or(0, |i| i + 1);
    (encoding, lines[..used].join("\n"))
}

/// The printable character of an EBCDIC (code page 037) byte, if any.
pub fn ebcdic_char(b: u8) -> Option<char> {
    let offset = |base: u8, first: u8| Some(char::from(first + (b - base)));
    match b {
        0x40 => Some(' '),
        0x81..=0x89 => offset(0x81, b'a'),
        0x91..=0x99 => offset(0x91, b'j'),
        0xA2..=0xA9 => offset(0xA2, b's'),
        0xC1..=0xC9 => offset(0xC1, b'A'),
        0xD1..=0xD9 => offset(0xD1, b'J'),
        0xE2..=0xE9 => offset(0xE2, b'S'),
        0xF0..=0xF9 => offset(0xF0, b'0'),
        _ => EBCDIC_PUNCTUATION.iter().find(|(code, _)| *code == b).map(|&(_, c)| c),
    }
}

/// Punctuation of code page 037.
const EBCDIC_PUNCTUATION: [(u8, char); 29] = [
    (0x4B, '.'),
    (0x4C, '<'),
    (0x4D, '('),
    (0x4E, '+'),
    (0x4F, '|'),
    (0x50, '&'),
    (0x5A, '!'),
    (0x5B, '$'),
    (0x5C, '*'),
    (0x5D, ')'),
    (0x5E, ';'),
    (0x60, '-'),
    (0x61, '/'),
    (0x6B, ','),
    (0x6C, '%'),
    (0x6D, '_'),
    (0x6E, '>'),
    (0x6F, '?'),
    (0x79, '`'),
    (0x7A, ':'),
    (0x7B, '#'),
    (0x7C, '@'),
    (0x7D, '\''),
    (0x7E, '='),
    (0x7F, '"'),
    (0xA1, '~'),
    (0xBA, '['),
    (0xBB, ']'),
    (0xE0, '\\'),
];

/// Encodes ASCII text as EBCDIC (code page 037), unknown characters as spaces; for tests.
#[cfg(test)]
pub(crate) fn to_ebcdic(text: &str) -> Vec<u8> {
    text.chars().map(|c| (0u8..=255).find(|&b| ebcdic_char(b) == Some(c)).unwrap_or(0x40)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(lines: &[&str], encode: impl Fn(&str) -> Vec<u8>) -> Vec<u8> {
        let mut out = Vec::new();
        for i in 0..40 {
            let line = format!("{:<80}", lines.get(i).copied().unwrap_or(""));
            out.extend(encode(&line));
        }
        out
    }

    #[test]
    fn ebcdic_and_ascii_headers_decode_alike() {
        let lines = ["C 1 CLIENT: DEMO SURVEY, LINE 7, 2 MS", "C 2 SAMPLE FORMAT = IBM (1); f(x) = [a-z] 100%"];
        let e = header(&lines, to_ebcdic);
        let a = header(&lines, |s| s.as_bytes().to_vec());
        assert_eq!(e.len(), 3200);
        assert_eq!(e[0], 0xC3); // 'C' in EBCDIC
        let expected = lines.join("\n");
        assert_eq!(decode_text_header(&e), (TextEncoding::Ebcdic, expected.clone()));
        assert_eq!(decode_text_header(&a), (TextEncoding::Ascii, expected));
    }

    #[test]
    fn odd_headers() {
        assert_eq!(decode_text_header(&[0u8; 3200]), (TextEncoding::Ascii, String::new()));
        assert_eq!(decode_text_header(&[0x40; 3200]), (TextEncoding::Ebcdic, String::new()));
        let (enc, text) = decode_text_header(b"AB\x01CD");
        assert_eq!((enc, text.as_str()), (TextEncoding::Ascii, "AB CD"));
        assert_eq!(ebcdic_char(0x00), None);
        assert_eq!(ebcdic_char(0xF7), Some('7'));
        assert_eq!(ebcdic_char(0xA9), Some('z'));
    }
}
