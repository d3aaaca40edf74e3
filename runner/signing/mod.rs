//! Detached ed25519 signatures of result files. A lab signs the exact bytes
//! of each result it publishes (`wattbench sign --key KEY RESULTS...` writes
//! `FILE.sig` beside `FILE`), and `wattbench check --trust PUBLIC_KEY`
//! verifies them: a file edited after signing, a signature by another key
//! or a missing signature fails the check. The signature says who vouches
//! for the bytes; `check`'s recomputation still says whether the figures
//! follow from the raw data.
//!
//! Keys: `wattbench keygen --out KEY` writes a PKCS#8 private key (mode
//! 0600) and prints the public key as 64 hex digits, the form `--trust`
//! takes.

mod hex;
mod sig_file;

use std::path::{Path, PathBuf};

use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};

pub use hex::{decode_hex, encode_hex};
pub use sig_file::{sig_path, SigFile};

/// The largest private key file read (a PKCS#8 ed25519 document is 83 bytes).
const MAX_KEY_BYTES: u64 = 4096;

/// Why signing or verifying failed.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    /// A file could not be read or written.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The key file is not a PKCS#8 ed25519 private key.
    #[error("{0}: not an ed25519 private key (PKCS#8, as `wattbench keygen` writes)")]
    BadKey(String),
    /// A public key given to trust is not 64 hex digits.
    #[error("`{0}`: a public key is 64 hex digits (as `wattbench keygen` prints)")]
    BadPublicKey(String),
    /// The signature file is malformed.
    #[error("{path}: not a wattbench signature ({reason})")]
    BadSigFile {
        /// The signature file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The signature does not verify over the file's bytes.
    #[error("{0}: the signature does not match the file's bytes (edited after signing, or signed by another key)")]
    Mismatch(String),
}

/// What verifying a result file found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// No `FILE.sig` beside it.
    Unsigned,
    /// A valid signature by this public key (hex).
    Signed(String),
}

fn io(path: &Path, e: impl std::fmt::Display) -> SigningError {
    SigningError::Io { path: path.display().to_string(), reason: e.to_string() }
}

/// Generates a key pair, writes the private key to `out` (refusing to
/// replace an existing file) and returns the public key in hex.
pub fn generate_key(out: &Path) -> Result<String, SigningError> {
    let rng = SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| io(out, "the system's random source failed"))?;
    let pair =
        Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| SigningError::BadKey(out.display().to_string()))?;
    write_new_private(out, pkcs8.as_ref())?;
    Ok(encode_hex(pair.public_key().as_ref()))
}

/// Creates `path` exclusively, readable by its owner only.
fn write_new_private(path: &Path, bytes: &[u8]) -> Result<(), SigningError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path).map_err(|e| io(path, e))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| io(path, e))
}

/// Reads a private key written by [`generate_key`].
pub fn load_key(path: &Path) -> Result<Ed25519KeyPair, SigningError> {
    let bytes = wattbench_workloads::regular_file::read_regular(path).map_err(|e| io(path, e))?;
    if bytes.len() as u64 > MAX_KEY_BYTES {
        return Err(SigningError::BadKey(path.display().to_string()));
    }
    Ed25519KeyPair::from_pkcs8(&bytes)
        .or_else(|_| Ed25519KeyPair::from_pkcs8_maybe_unchecked(&bytes))
        .map_err(|_| SigningError::BadKey(path.display().to_string()))
}

/// The public key of `pair`, in hex.
pub fn public_key_hex(pair: &Ed25519KeyPair) -> String {
    encode_hex(pair.public_key().as_ref())
}

/// Parses a public key given on the command line (64 hex digits).
pub fn parse_public_key(text: &str) -> Result<Vec<u8>, SigningError> {
    match decode_hex(text.trim()) {
        Some(k) if k.len() == 32 => Ok(k),
        _ => Err(SigningError::BadPublicKey(crate::escape::one_line(text))),
    }
}

/// Signs the bytes of `file` and writes `FILE.sig` beside it (atomically); returns its path.
pub fn sign_file(pair: &Ed25519KeyPair, file: &Path) -> Result<PathBuf, SigningError> {
    let bytes = wattbench_workloads::regular_file::read_regular(file).map_err(|e| io(file, e))?;
    let sig = SigFile::new(&public_key_hex(pair), pair.sign(&bytes).as_ref(), &bytes);
    let path = sig_path(file);
    let text = sig.to_json().map_err(|e| io(&path, e))?;
    crate::atomic_file::write_text_atomic(&path, &text).map_err(|e| io(&path, e))?;
    Ok(path)
}

/// Verifies `file` against its `FILE.sig`, if there is one.
pub fn verify_file(file: &Path) -> Result<Verification, SigningError> {
    let bytes = wattbench_workloads::regular_file::read_regular(file).map_err(|e| io(file, e))?;
    verify_bytes(file, &bytes)
}

/// Verifies `bytes`, read from `file`, against `FILE.sig`, if there is one
/// (so that what is verified is what the caller read and checked).
pub fn verify_bytes(file: &Path, bytes: &[u8]) -> Result<Verification, SigningError> {
    let path = sig_path(file);
    if !path.exists() {
        return Ok(Verification::Unsigned);
    }
    let sig = SigFile::read(&path)?;
    let (key, signature) = sig
        .key_and_signature()
        .map_err(|reason| SigningError::BadSigFile { path: path.display().to_string(), reason: reason.into() })?;
    UnparsedPublicKey::new(&ED25519, key)
        .verify(bytes, &signature)
        .map_err(|_| SigningError::Mismatch(file.display().to_string()))?;
    Ok(Verification::Signed(sig.public_key.clone()))
}

#[cfg(test)]
mod tests;
