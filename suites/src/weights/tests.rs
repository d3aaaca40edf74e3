//! The weights loader on crafted files: the provenance of the bytes
//! actually loaded, and tensors whose shape, dtype or length do not fit.

use std::path::Path;

use burn::backend::Flex;
use burn::module::Module;
use burn::record::{FullPrecisionSettings, NamedMpkBytesRecorder, Recorder};

use super::*;
use crate::dispatch_proxy::model::DispatchMlp;

type Mlp = DispatchMlp<Flex>;

/// A tiny MLP: `hidden.0.weight` is [4, 8], so its two dimensions differ
/// and fit in a MessagePack positive fixint.
fn mlp() -> Mlp {
    DispatchMlp::new(4, 8, 1, 3, &Default::default())
}

fn mpk(model: Mlp) -> Vec<u8> {
    NamedMpkBytesRecorder::<FullPrecisionSettings>::new().record(model.into_record(), ()).unwrap()
}

/// Position just after the first MessagePack string `key` (a fixstr).
fn after_key(bytes: &[u8], key: &str) -> usize {
    let mut pattern = vec![0xa0 | key.len() as u8];
    pattern.extend_from_slice(key.as_bytes());
    bytes.windows(pattern.len()).position(|w| w == pattern).unwrap() + pattern.len()
}

fn load(dir: &Path, spec: &str) -> Result<(Mlp, WeightsSource), WorkloadError> {
    let ctx = PrepareContext { weights_dir: Some(dir.to_path_buf()), ..Default::default() };
    load_weights(mlp(), spec, &ctx, &Default::default())
}

fn refused(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.mpk"), bytes).unwrap();
    let e = load(dir.path(), "w.mpk").err().expect("refused").to_string();
    assert!(e.contains("w.mpk") && !e.contains('\n'), "{e}");
    e
}

#[test]
fn the_first_tensor_is_the_one_the_edits_below_change() {
    let t = tensor_entries(&mpk(mlp())).unwrap();
    assert_eq!(
        (t[0].path.as_str(), t[0].shape.as_slice(), t[0].dtype.as_str()),
        ("hidden.0.weight", &[4, 8][..], "F32")
    );
    assert_eq!(t[0].bytes, 4 * 8 * 4);
    assert_eq!(t.iter().map(|t| t.path.as_str()).collect::<Vec<_>>().len(), 4, "{t:?}");
}

#[test]
fn provenance_hashes_the_file_loaded_and_a_path_naming_another_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = mpk(mlp());
    std::fs::write(dir.path().join("model.mpk"), &good).unwrap();
    std::fs::write(dir.path().join("model.bin"), b"some other bytes").unwrap();
    // Burn's file recorder would load model.mpk for "model.bin": refused.
    let e = load(dir.path(), "model.bin").err().expect("a path that is not the file loaded is refused").to_string();
    assert!(e.contains("model.bin") && e.contains(".mpk"), "{e}");
    let (_, source) = load(dir.path(), "model.mpk").unwrap();
    // The sha256 of exactly the bytes loaded, and no absolute local path.
    assert_eq!(source, WeightsSource::File { path: "model.mpk".into(), sha256: fingerprint::sha256_hex(&good) });
}

#[test]
fn swapped_dimensions_are_refused_naming_the_tensor() {
    let mut bytes = mpk(mlp());
    let at = after_key(&bytes, "shape");
    assert_eq!(&bytes[at..at + 3], &[0x92, 4, 8]);
    bytes[at + 1] = 8;
    bytes[at + 2] = 4;
    let e = refused(&bytes);
    assert!(e.contains("`hidden.0.weight` has shape [8, 4] but the model needs [4, 8]"), "{e}");
}

#[test]
fn a_relabelled_dtype_is_refused_naming_the_tensor() {
    let mut bytes = mpk(mlp());
    let at = after_key(&bytes, "dtype");
    assert_eq!(&bytes[at..at + 4], &[0xa3, b'F', b'3', b'2']);
    bytes[at + 1] = b'I';
    let e = refused(&bytes);
    assert!(e.contains("`hidden.0.weight` is I32 but the model needs F32"), "{e}");
    bytes[at + 1] = b'F';
    bytes[at + 2..at + 4].copy_from_slice(b"16");
    let e = refused(&bytes);
    assert!(e.contains("`hidden.0.weight` is F16 but the model needs F32"), "{e}");
}

#[test]
fn a_truncated_tensor_is_refused_naming_the_tensor() {
    let bytes = mpk(mlp());
    let at = after_key(&bytes, "bytes");
    // 128 bytes of data: bin8 (0xc4, length) then the data.
    assert_eq!(&bytes[at..at + 2], &[0xc4, 128]);
    let mut cut = bytes[..at].to_vec();
    cut.extend_from_slice(&[0xc4, 64]);
    cut.extend_from_slice(&bytes[at + 2..at + 2 + 64]);
    cut.extend_from_slice(&bytes[at + 2 + 128..]);
    let e = refused(&cut);
    assert!(e.contains("`hidden.0.weight` holds 64 bytes but its shape [4, 8] in F32 needs 128"), "{e}");
}

#[test]
fn garbage_and_foreign_records_are_one_line_errors() {
    refused(b"");
    refused(b"\xff\xff\xff");
    let other = NamedMpkBytesRecorder::<FullPrecisionSettings>::new()
        .record(DispatchMlp::<Flex>::new(5, 8, 1, 3, &Default::default()).into_record(), ())
        .unwrap();
    let e = refused(&other);
    assert!(e.contains("`hidden.0.weight` has shape [5, 8] but the model needs [4, 8]"), "{e}");
}

#[test]
fn a_parameter_id_burn_cannot_read_is_refused_before_burn_panics_on_it() {
    // The record with which the weights_loader fuzz target made Burn's
    // reader panic ("Invalid id.") after every tensor had passed its checks.
    let e = tensor_entries(include_bytes!("bad_param_id.mpk")).expect_err("refused");
    assert!(e.contains("has an id Burn cannot read"), "{e}");
    // Every id Burn writes is read back.
    for _ in 0..100 {
        let id = burn::module::ParamId::new().serialize();
        assert!(tensors::burn_reads_param_id(&id), "{id}");
    }
    assert!(tensors::burn_reads_param_id("67e55044-10b1-426f-9247-bb680e5fe0c8"));
    assert!(!tensors::burn_reads_param_id("zz"));
    assert!(!tensors::burn_reads_param_id("0123456789abcdefg"));
}
