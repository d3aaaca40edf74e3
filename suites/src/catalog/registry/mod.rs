//! The catalogue of workloads, and the one place that maps a workload id to
//! its code: [`workloads!`] expands ONE list into the catalogue, the
//! parameter check, staging and training. A new [`TensorSpec`] workload is
//! its folder plus one `tensor` line here; a workload outside the generic
//! family adds a module to `custom.rs` with the same five items.

#![allow(unused_parens)] // a tensor entry may be a path in parentheses, kept as written
mod custom;

use std::path::Path;

use burn::tensor::backend::{AutodiffBackend, Backend};

use crate::dispatch_proxy::DispatchProxy;
use crate::error::WorkloadError;
use crate::mine_gas::MineGas;
use crate::nilm::Nilm;
use crate::pv_forecast::PvForecast;
use crate::seismic_facies::SeismicFacies;
use crate::tensor_workload::{self, prepared::bad_parameter, TensorSpec};
use crate::training::{EpochReport, TrainCard, TrainOptions};
use crate::transformer_temp::TransformerTemp;
use crate::workload::{PreparedWorkload, WorkloadInfo};
use crate::PrepareContext;

/// Expands the list of workloads (in catalogue order) into [`ids`],
/// [`catalogue`], [`validate_params`], [`prepare`] and [`train`]. A
/// `tensor T` entry is a [`TensorSpec`] type (a name in scope, or a path in
/// parentheses: `tensor (crate::my_workload::MyWorkload)`); a `custom m`
/// entry is a module of `custom.rs`, and an `untrained m` entry one that
/// refuses training (`training_refused`).
macro_rules! workloads {
    ($($kind:ident $entry:tt),* $(,)?) => {
        /// Every workload id, in catalogue order.
        pub fn ids() -> Vec<&'static str> {
            vec![$(workloads!(@id $kind $entry)),*]
        }

        /// Every workload this build knows, in catalogue order.
        pub fn catalogue() -> Vec<WorkloadInfo> {
            vec![$(workloads!(@info $kind $entry)),*]
        }

        /// Checks a workload's parameter table without staging anything.
        pub fn validate_params(id: &str, value: &serde_json::Value) -> Result<(), WorkloadError> {
            $(if id == workloads!(@id $kind $entry) {
                return workloads!(@validate $kind $entry, value);
            })*
            Err(unknown(id))
        }

        /// Stages workload `id` with its parameters on `device` of backend `B`.
        pub fn prepare<B: Backend>(
            id: &str,
            value: &serde_json::Value,
            ctx: &PrepareContext,
            device: &B::Device,
        ) -> Result<Box<dyn PreparedWorkload>, WorkloadError> {
            $(if id == workloads!(@id $kind $entry) {
                return workloads!(@prepare $kind $entry, B, value, ctx, device);
            })*
            Err(unknown(id))
        }

        /// Trains workload `id`'s reference model with its parameters, saves the
        /// weights to `out` and returns the card.
        pub fn train<B: AutodiffBackend>(
            id: &str,
            value: &serde_json::Value,
            ctx: &PrepareContext,
            device: &B::Device,
            options: &TrainOptions,
            out: &Path,
            progress: &mut dyn FnMut(&EpochReport),
        ) -> Result<TrainCard, WorkloadError> {
            $(if id == workloads!(@id $kind $entry) {
                return workloads!(@train $kind $entry, B, value, ctx, device, options, out, progress);
            })*
            Err(unknown(id))
        }
    };
    (@id tensor $t:tt) => { <$t as TensorSpec>::ID };
    (@id custom $m:ident) => { custom::$m::ID };
    (@info tensor $t:tt) => { tensor_workload::info::<$t>() };
    (@info custom $m:ident) => { custom::$m::info() };
    (@validate tensor $t:tt, $v:expr) => { validate_tensor::<$t>($v) };
    (@validate custom $m:ident, $v:expr) => { custom::$m::validate($v) };
    (@prepare tensor $t:tt, $b:ident, $v:expr, $c:expr, $d:expr) => { prepare_tensor::<$t, $b>($v, $c, $d) };
    (@prepare custom $m:ident, $b:ident, $v:expr, $c:expr, $d:expr) => { custom::$m::prepare::<$b>($v, $c, $d) };
    (@train tensor $t:tt, $b:ident, $($a:expr),*) => { train_tensor::<$t, $b>($($a),*) };
    (@train custom $m:ident, $b:ident, $($a:expr),*) => { custom::$m::train::<$b>($($a),*) };
    // An `untrained` entry is a custom one that refuses training.
    (@train untrained $m:ident, $b:ident, $($a:expr),*) => { Err(custom::$m::training_refused()) };
    (@$op:ident untrained $m:ident $($rest:tt)*) => { workloads!(@$op custom $m $($rest)*) };
}

// The one list of workloads.
workloads! {
    custom load_forecast,
    tensor TransformerTemp,
    tensor PvForecast,
    custom fault_detect,
    tensor DispatchProxy,
    tensor Nilm,
    tensor SeismicFacies,
    tensor MineGas,
    untrained llm,
    untrained energy_qa,
    untrained noop,
}

fn validate_tensor<S: TensorSpec>(value: &serde_json::Value) -> Result<(), WorkloadError> {
    let p: S::Params = params(S::ID, value)?;
    S::check(&p).map_err(bad_parameter::<S>)
}

fn prepare_tensor<S: TensorSpec, B: Backend>(
    value: &serde_json::Value,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<Box<dyn PreparedWorkload>, WorkloadError> {
    let p: S::Params = params(S::ID, value)?;
    Ok(Box::new(tensor_workload::prepare::<S, B>(&p, ctx, device)?))
}

fn train_tensor<S: TensorSpec, B: AutodiffBackend>(
    value: &serde_json::Value,
    ctx: &PrepareContext,
    device: &B::Device,
    options: &TrainOptions,
    out: &Path,
    progress: &mut dyn FnMut(&EpochReport),
) -> Result<TrainCard, WorkloadError>
where
    S::Model<B>: burn::module::AutodiffModule<B, InnerModule = S::Model<B::InnerBackend>>,
{
    let mut p: S::Params = params(S::ID, value)?;
    S::clear_weights(&mut p);
    tensor_workload::train::<S, B>(&p, ctx, device, options, out, progress)
}

fn unknown(id: &str) -> WorkloadError {
    WorkloadError::UnknownWorkload { id: id.into(), known: ids().join(", ") }
}

fn params<T: serde::de::DeserializeOwned>(id: &str, value: &serde_json::Value) -> Result<T, WorkloadError> {
    serde_json::from_value(value.clone()).map_err(|e| WorkloadError::BadParameter {
        workload: id.into(),
        name: "params".into(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_workload_lists_the_known_ones() {
        let err = validate_params("load-forcast", &serde_json::json!({})).unwrap_err().to_string();
        assert_eq!(err, format!("unknown workload `load-forcast` (known: {})", ids().join(", ")));
    }

    #[test]
    fn bad_parameter_names_the_workload() {
        let err = validate_params("load-forecast", &serde_json::json!({"layers": 0})).unwrap_err().to_string();
        assert_eq!(err, "workload `load-forecast`: parameter `layers`: must be at least 1");
    }

    #[test]
    fn the_one_list_drives_every_table() {
        let ids = ids();
        let catalogue: Vec<String> = catalogue().into_iter().map(|w| w.id).collect();
        assert_eq!(catalogue, ids, "the catalogue is the list, in its order");
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "no id twice");
        // Every listed workload answers the parameter check (its defaults, or a
        // located parameter error), and nothing else does.
        for id in &ids {
            let e = validate_params(id, &serde_json::json!({"no-such-parameter": 1})).unwrap_err().to_string();
            assert!(e.starts_with(&format!("workload `{id}`")), "{id}: {e}");
        }
        assert!(matches!(validate_params("nope", &serde_json::json!({})), Err(WorkloadError::UnknownWorkload { .. })));
    }
}
