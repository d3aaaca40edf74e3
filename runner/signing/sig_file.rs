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
    #[serde(skip)]
    key: Vec<u8>,
    #[serde(skip)]
    sig: Vec<u8>,
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
            key: decode_hex(public_key).unwrap_or_default(),
            sig: signature.to_vec(),
        }
    }

    /// The document as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads and checks a signature file: bounded, JSON, ed25519, key and signature of the right lengths.
    pub fn read(path: &Path) -> Result<SigFile, SigningError> {
        let bad = |reason: &str| SigningError::BadSigFile { path: path.display().to_string(), reason: reason.into() };
        let meta = std::fs::metadata(path).map_err(|e| bad(&e.to_string()))?;
        if meta.len() > MAX_SIG_BYTES {
            return Err(bad("larger than a signature"));
        }
        let bytes = wattbench_workloads::regular_file::read_regular(path).map_err(|e| bad(&e.to_string()))?;
        let mut sig: SigFile = serde_json::from_slice(&bytes).map_err(|e| bad(&e.to_string()))?;
        if sig.algorithm != "ed25519" {
            return Err(bad("algorithm is not ed25519"));
        }
        sig.key = decode_hex(&sig.public_key)
            .filter(|k| k.len() == 32)
            .ok_or_else(|| bad("public_key is not 64 hex digits"))?;
        sig.sig = decode_hex(&sig.signature)
            .filter(|s| s.len() == 64)
            .ok_or_else(|| bad("signature is not 128 hex digits"))?;
        Ok(sig)
    }

    /// The public key's bytes.
    pub fn public_key_bytes(&self) -> &[u8] {
        &self.key
    }

    /// The signature's bytes.
    pub fn signature_bytes(&self) -> &[u8] {
        &self.sig
    }
}
