//! A gate is bound to the sha256 of the data its reference was scored on,
//! never to a file name: the reference's own data under another name is
//! gated, another dataset under the reference's file name is not.

use std::path::Path;

use super::quality::reference_metric;
use super::{Split, TensorSpec};
use crate::fingerprint;
use crate::reference;
use crate::training::TrainCard;
use crate::PrepareContext;

fn card(name: &str) -> TrainCard {
    serde_json::from_str(reference::reference(name).unwrap().card).unwrap()
}

/// The sha256 of the test split of `S` with `p`, as `prepare` hashes it.
fn test_sha<S: TensorSpec>(p: &S::Params, data_dir: &Path) -> String {
    let ctx = PrepareContext { data_dir: Some(data_dir.to_path_buf()), ..Default::default() };
    let (test, _) = S::data(p, Split::Test, &ctx).unwrap();
    fingerprint::sha256_f32(&[&test.inputs, &test.targets.as_f32()])
}

#[test]
fn the_reference_case_under_another_file_name_is_gated() {
    use crate::dispatch_proxy::{DispatchProxy, DispatchProxyParams};
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("grid")).unwrap();
    let text = include_str!("../../data/pglib/pglib_opf_case118_ieee.m");
    std::fs::write(dir.path().join("grid/my-118.m"), text).unwrap();
    let trained: DispatchProxyParams = serde_json::from_value(card("dispatch-proxy-quick").params).unwrap();
    let p = DispatchProxyParams { case: "grid/my-118.m".into(), ..trained };
    let sha = test_sha::<DispatchProxy>(&p, dir.path());
    assert_eq!(sha, card("dispatch-proxy-quick").data_sha256, "the same data, whatever its file is called");
    assert_eq!(reference_metric::<DispatchProxy>(&p, &sha), Some(card("dispatch-proxy-quick").test_metric));
}

#[test]
fn another_dataset_under_the_reference_file_name_is_not_gated() {
    use crate::transformer_temp::params::Source;
    use crate::transformer_temp::{TransformerTemp, TransformerTempParams};
    let Some(real) = crate::load_forecast::ett::test_data_dir() else {
        eprintln!("skipping another_dataset_under_the_reference_file_name_is_not_gated: ett/ETTh1.csv not found");
        return;
    };
    let p = TransformerTempParams { data: Source::Ett, ..Default::default() };
    assert_eq!(p.ett_file, "ett/ETTh1.csv");
    // The real file: gated by the ETT reference.
    let sha = test_sha::<TransformerTemp>(&p, &real);
    assert_eq!(sha, card("transformer-temp-ett").data_sha256);
    assert_eq!(reference_metric::<TransformerTemp>(&p, &sha), Some(card("transformer-temp-ett").test_metric));
    // The same file name holding other numbers (one oil temperature in the
    // test months changed): not gated.
    let text = std::fs::read_to_string(real.join("ett/ETTh1.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let row = 14_000;
    let fields: Vec<&str> = lines[row].split(',').collect();
    let edited = format!("{},{}", fields[..fields.len() - 1].join(","), "99.5");
    lines[row] = edited;
    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir(other.path().join("ett")).unwrap();
    std::fs::write(other.path().join("ett/ETTh1.csv"), lines.join("\n")).unwrap();
    let other_sha = test_sha::<TransformerTemp>(&p, other.path());
    assert_ne!(other_sha, sha);
    assert_eq!(reference_metric::<TransformerTemp>(&p, &other_sha), None);
}
