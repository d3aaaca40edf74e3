//! Every tensor workload's committed reference passes its own gate on the
//! quick configuration, and a model with random weights does not.

use burn::backend::Flex;

use super::{prepare, TensorSpec};
use crate::workload::PreparedWorkload;
use crate::PrepareContext;

fn gate<S: TensorSpec>(p: &S::Params) -> (Option<bool>, f64, Option<f64>) {
    let mut w = prepare::<S, Flex>(p, &PrepareContext::default(), &Default::default()).unwrap();
    assert_eq!(w.run(&[0, 1, 2]).map_err(|e| e.to_string()), Ok(()));
    let q = w.accuracy().unwrap();
    (q.passes, q.value, q.baseline)
}

fn reference_passes_and_random_fails<S: TensorSpec>(with_reference: S::Params, random: S::Params) {
    let (passes, value, baseline) = gate::<S>(&with_reference);
    assert_eq!(passes, Some(true), "{}: reference {value} (baseline {baseline:?})", S::ID);
    let (passes, value, _) = gate::<S>(&random);
    assert_eq!(passes, Some(false), "{}: random weights {value}", S::ID);
}

fn reference(name: &str) -> Option<String> {
    Some(format!("reference:{name}"))
}

#[test]
fn transformer_temp() {
    use crate::transformer_temp::{TransformerTemp, TransformerTempParams};
    // Every 24th test window: a small split of the same test period.
    let p = TransformerTempParams { test_stride: 24, ..Default::default() };
    let r = TransformerTempParams { weights: reference("transformer-temp-quick"), ..p.clone() };
    reference_passes_and_random_fails::<TransformerTemp>(r, p);
}

#[test]
fn transformer_temp_on_etth1_when_present() {
    use crate::transformer_temp::params::Source;
    use crate::transformer_temp::{TransformerTemp, TransformerTempParams};
    let Some(dir) = crate::load_forecast::ett::test_data_dir() else {
        eprintln!("skipping transformer_temp_on_etth1_when_present: ett/ETTh1.csv not found");
        return;
    };
    let p = TransformerTempParams { data: Source::Ett, test_stride: 24, ..Default::default() };
    let r = TransformerTempParams { weights: reference("transformer-temp-ett"), ..p.clone() };
    let ctx = PrepareContext { data_dir: Some(dir), ..Default::default() };
    let mut w = prepare::<TransformerTemp, Flex>(&r, &ctx, &Default::default()).unwrap();
    let q = w.accuracy().unwrap();
    assert_eq!(q.passes, Some(true), "{q:?}");
    let mut w = prepare::<TransformerTemp, Flex>(&p, &ctx, &Default::default()).unwrap();
    assert_eq!(w.accuracy().unwrap().passes, Some(false));
}

#[test]
fn pv_forecast() {
    use crate::pv_forecast::{PvForecast, PvForecastParams};
    let p = PvForecastParams::default();
    let r = PvForecastParams { weights: reference("pv-forecast-quick"), ..p.clone() };
    reference_passes_and_random_fails::<PvForecast>(r, p);
}

#[test]
fn dispatch_proxy() {
    use crate::dispatch_proxy::{DispatchProxy, DispatchProxyParams};
    let p = DispatchProxyParams::default();
    let r = DispatchProxyParams { weights: reference("dispatch-proxy-quick"), ..p.clone() };
    reference_passes_and_random_fails::<DispatchProxy>(r, p);
}

#[test]
fn seismic_facies() {
    use crate::seismic_facies::{SeismicFacies, SeismicFaciesParams};
    let p = SeismicFaciesParams::default();
    let r = SeismicFaciesParams { weights: reference("seismic-facies-quick"), ..p.clone() };
    reference_passes_and_random_fails::<SeismicFacies>(r, p);
}

#[test]
fn nilm() {
    use crate::nilm::{Nilm, NilmParams};
    let p = NilmParams::default();
    let r = NilmParams { weights: reference("nilm-quick"), ..p.clone() };
    reference_passes_and_random_fails::<Nilm>(r, p);
}

#[test]
fn mine_gas() {
    use crate::mine_gas::{MineGas, MineGasParams};
    let p = MineGasParams::default();
    let r = MineGasParams { weights: reference("mine-gas-quick"), ..p.clone() };
    reference_passes_and_random_fails::<MineGas>(r, p);
}
