//! `wattbench keygen` and `wattbench sign`: a lab's key, and detached
//! signatures of the result files it publishes.

use std::process::ExitCode;

use anyhow::bail;

use super::args::{KeygenArgs, SignArgs};
use crate::analysis::{load_checked, result_files};
use crate::signing::{generate_key, load_key, public_key_hex, sign_file};

/// Writes a new private key and prints its public key.
pub fn keygen(args: KeygenArgs) -> anyhow::Result<ExitCode> {
    let public = generate_key(&args.out)?;
    eprintln!("wrote the private key {} (keep it private)", args.out.display());
    super::emit(&format!("{public}\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// Signs every result named, each only after it passes `check`.
pub fn sign(args: SignArgs) -> anyhow::Result<ExitCode> {
    let pair = load_key(&args.key)?;
    let files = result_files(&args.results)?;
    // Refuse before signing anything: a lab does not vouch for a file whose figures do not follow from its data.
    for f in &files {
        if let Err(e) = load_checked(f) {
            bail!("not signing anything: {e}");
        }
    }
    for f in &files {
        let sig = sign_file(&pair, f)?;
        eprintln!("signed {}", sig.display());
    }
    eprintln!("{} file(s) signed by {}", files.len(), public_key_hex(&pair));
    Ok(ExitCode::SUCCESS)
}
