//! Signing and verifying result files, and refusing every kind of bad input.

use super::*;

fn signed_file(dir: &Path) -> (Ed25519KeyPair, PathBuf) {
    let key = dir.join("lab.key");
    generate_key(&key).unwrap();
    let pair = load_key(&key).unwrap();
    let file = dir.join("r.json");
    std::fs::write(&file, b"{\"schema_version\": 3}\n").unwrap();
    sign_file(&pair, &file).unwrap();
    (pair, file)
}

#[test]
fn a_signed_file_verifies_by_its_key_and_an_unsigned_one_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (pair, file) = signed_file(dir.path());
    assert_eq!(verify_file(&file).unwrap(), Verification::Signed(public_key_hex(&pair)));
    let other = dir.path().join("other.json");
    std::fs::write(&other, b"{}").unwrap();
    assert_eq!(verify_file(&other).unwrap(), Verification::Unsigned);
}

#[test]
fn one_byte_edited_after_signing_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (_, file) = signed_file(dir.path());
    std::fs::write(&file, b"{\"schema_version\": 4}\n").unwrap();
    assert!(matches!(verify_file(&file), Err(SigningError::Mismatch(_))));
}

#[test]
fn a_signature_relabelled_with_another_key_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (_, file) = signed_file(dir.path());
    let other_key = dir.path().join("other.key");
    let other_public = generate_key(&other_key).unwrap();
    let mut sig = SigFile::read(&sig_path(&file)).unwrap();
    sig.public_key = other_public;
    std::fs::write(sig_path(&file), sig.to_json().unwrap()).unwrap();
    assert!(matches!(verify_file(&file), Err(SigningError::Mismatch(_))));
}

#[test]
fn malformed_signature_files_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (_, file) = signed_file(dir.path());
    let good = std::fs::read_to_string(sig_path(&file)).unwrap();
    let short = good.replacen("\"signature\": \"", "\"signature\": \"00", 1);
    for bad in ["not json", "{}", &good.replace("ed25519", "rsa"), &short, &"x".repeat(10_000)] {
        std::fs::write(sig_path(&file), bad).unwrap();
        let err = verify_file(&file).unwrap_err();
        assert!(matches!(err, SigningError::BadSigFile { .. }), "{err}");
        assert_eq!(err.to_string().lines().count(), 1);
    }
}

#[test]
fn keys_are_never_overwritten_private_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("lab.key");
    let public = generate_key(&key).unwrap();
    assert_eq!(public.len(), 64);
    assert!(generate_key(&key).is_err(), "an existing key file is kept");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    std::fs::write(dir.path().join("junk.key"), b"not a key").unwrap();
    assert!(matches!(load_key(&dir.path().join("junk.key")), Err(SigningError::BadKey(_))));
    assert_eq!(parse_public_key(&public).unwrap().len(), 32);
    assert!(matches!(parse_public_key("abc"), Err(SigningError::BadPublicKey(_))));
}
