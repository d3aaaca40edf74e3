//! The `FILE.sig` document: the algorithm, the signer's public key, the
//! signature over the file's exact bytes, and their sha256 (for people).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{decode_hex, encode_hex, SigningError};

/// The largest signature file read.
const MAX_SIG_BYTES: u64 = 4096;

/// A detached signature, as written beside a result.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SigFile {
    /// Always `ed25519`.
    pub algorithm: String,
    /// The signer's public key, 64 hex digits.
    pub public_key: String,
    /// The signature over the file's bytes, 128 hex digits.
    pub signature: String,
    /// sha256 of the signed bytes (informative; the signature is what counts).
    pub file_sha256: String,
}

/// Where the signature of `file` lives: `FILE.sig`.
pub fn sig_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_os_string();
    name.push(".sig");
    PathBuf::from(name)
}

impl SigFile {
    /// The signature of `bytes` by `public_key`.
    pub fn new(public_key: &str, signature: &[u8], bytes: &[u8]) -> SigFile {
        SigFile {
            algorithm: "ed25519".into(),
            public_key: public_key.into(),
            signature: encode_hex(signature),
            file_sha256: wattbench_workloads::fingerprint::sha256_hex(bytes),
        }
    }

    /// The document as JSON text.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        Ok(serde_json::to_string_pretty(self)? + "\n")
    }

    /// Reads and checks a signature file: bounded, JSON, ed25519, key and signature of the right lengths.
    pub fn read(path: &Path) -> Result<SigFile, SigningError> {
        let bad = |reason: &str| SigningError::BadSigFile { path: path.display().to_string(), reason: reason.into() };
        let meta = std::fs::metadata(path).map_err(|e| bad(&e.to_string()))?;
        if meta.len() > MAX_SIG_BYTES {
            return Err(bad("larger than a signature"));
        }
        let bytes = wattbench_workloads::regular_file::read_regular(path).map_err(|e| bad(&e.to_string()))?;
        let sig: SigFile = serde_json::from_slice(&bytes).map_err(|e| bad(&e.to_string()))?;
        sig.key_and_signature().map_err(bad)?;
        Ok(sig)
    }

    /// The public key's and the signature's bytes, or what is wrong with them.
    pub fn key_and_signature(&self) -> Result<(Vec<u8>, Vec<u8>), &'static str> {
        if self.algorithm != "ed25519" {
            return Err("algorithm is not ed25519");
        }
        let key = decode_hex(&self.public_key).filter(|k| k.len() == 32).ok_or("public_key is not 64 hex digits")?;
        let sig = decode_hex(&self.signature).filter(|s| s.len() == 64).ok_or("signature is not 128 hex digits")?;
        Ok((key, sig))
    }
}
