//! SHA-256 fingerprints of bytes, `f32` data and files, as lowercase hex.

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

fn to_hex(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

/// SHA-256 of `bytes` as 64 lowercase hex characters.
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// SHA-256 of the little-endian bytes of every value of every slice, in
/// order. Slice boundaries are not encoded: `[[1,2],[3]]` and `[[1],[2,3]]`
/// hash the same. Identical bit patterns (including NaN payloads and the
/// sign of zero) give identical hashes.
pub fn sha256_f32(values: &[&[f32]]) -> String {
    let mut h = Sha256::new();
    let mut buf = Vec::with_capacity(4096);
    for slice in values {
        for chunk in slice.chunks(1024) {
            buf.clear();
            for v in chunk {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            h.update(&buf);
        }
    }
    to_hex(&h.finalize())
}

/// SHA-256 of a file's contents, read in 64 KiB blocks (never whole). Only
/// a regular file, and no further than its size when opened: `/dev/zero` or
/// a FIFO would never end.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let (file, len) = crate::regular_file::open_regular(path)?;
    let mut file = file.take(len);
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
    }
    Ok(to_hex(&h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn known_vectors() {
        assert_eq!(sha256_hex(b""), EMPTY);
        assert_eq!(sha256_hex(b"abc"), ABC);
    }

    #[test]
    fn f32_hash_is_little_endian_concatenation() {
        let a = [1.0f32, -2.5];
        let b = [3.25f32];
        let mut bytes = Vec::new();
        for v in a.iter().chain(b.iter()) {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(sha256_f32(&[&a, &b]), sha256_hex(&bytes));
        assert_eq!(sha256_f32(&[]), EMPTY);
        assert_ne!(sha256_f32(&[&a]), sha256_f32(&[&b]));
        let big: Vec<f32> = (0..5000).map(|i| i as f32).collect();
        let big_bytes: Vec<u8> = big.iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(sha256_f32(&[&big]), sha256_hex(&big_bytes));
    }

    #[test]
    fn file_hash_matches_bytes_and_missing_file_errors() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        f.write_all(&data).unwrap();
        f.flush().unwrap();
        assert_eq!(sha256_file(f.path()).unwrap(), sha256_hex(&data));
        let dir = tempfile::tempdir().unwrap();
        assert!(sha256_file(&dir.path().join("nope")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_file_is_refused_not_hashed_forever() {
        // `weights = "/dev/zero"` once hung the run in this hash.
        let err = sha256_file(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
