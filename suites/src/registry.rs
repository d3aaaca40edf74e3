//! The catalogue of workloads, and the one place that maps a workload id to
//! its code.

use std::path::Path;

use burn::tensor::backend::{AutodiffBackend, Backend};

use crate::dispatch_proxy::{self, DispatchProxy};
use crate::energy_qa::llm_engine::{self as energy_qa, EnergyQaParams};
use crate::error::WorkloadError;
use crate::fault_detect::{self, FaultDetectParams};
use crate::llm::workload::{self as llm, LlmParams};
use crate::load_forecast::{self, LoadForecastParams};
use crate::mine_gas::{self, MineGas};
use crate::nilm::{self, Nilm};
use crate::noop;
use crate::pv_forecast::{self, PvForecast};
use crate::seismic_facies::{self, SeismicFacies};
use crate::tensor_workload::{self, prepared::bad_parameter, TensorSpec};
use crate::training::{EpochReport, TrainCard, TrainOptions};
use crate::transformer_temp::{self, TransformerTemp};
use crate::workload::{PreparedWorkload, WorkloadInfo};
use crate::PrepareContext;

/// Every workload this build knows, in catalogue order.
pub fn catalogue() -> Vec<WorkloadInfo> {
    vec![
        load_forecast::info(),
        tensor_workload::info::<TransformerTemp>(),
        tensor_workload::info::<PvForecast>(),
        fault_detect::info(),
        tensor_workload::info::<DispatchProxy>(),
        tensor_workload::info::<Nilm>(),
        tensor_workload::info::<SeismicFacies>(),
        tensor_workload::info::<MineGas>(),
        llm::info(),
        energy_qa::info(),
        noop::info(),
    ]
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
    let known = catalogue().into_iter().map(|w| w.id).collect::<Vec<_>>().join(", ");
    WorkloadError::UnknownWorkload { id: id.into(), known }
}

fn params<T: serde::de::DeserializeOwned>(id: &str, value: &serde_json::Value) -> Result<T, WorkloadError> {
    serde_json::from_value(value.clone()).map_err(|e| WorkloadError::BadParameter {
        workload: id.into(),
        name: "params".into(),
        reason: e.to_string(),
    })
}

/// Checks a workload's parameter table without staging anything.
pub fn validate_params(id: &str, value: &serde_json::Value) -> Result<(), WorkloadError> {
    match id {
        load_forecast::ID => {
            let p: LoadForecastParams = params(id, value)?;
            p.check().map_err(|(name, reason)| WorkloadError::BadParameter {
                workload: id.into(),
                name: name.into(),
                reason,
            })
        }
        fault_detect::ID => {
            let p: FaultDetectParams = params(id, value)?;
            p.check().map_err(|(name, reason)| WorkloadError::BadParameter {
                workload: id.into(),
                name: name.into(),
                reason,
            })
        }
        transformer_temp::ID => validate_tensor::<TransformerTemp>(value),
        dispatch_proxy::ID => validate_tensor::<DispatchProxy>(value),
        seismic_facies::ID => validate_tensor::<SeismicFacies>(value),
        pv_forecast::ID => validate_tensor::<PvForecast>(value),
        nilm::ID => validate_tensor::<Nilm>(value),
        mine_gas::ID => validate_tensor::<MineGas>(value),
        llm::ID => params::<LlmParams>(id, value)?.check(),
        energy_qa::ID => params::<EnergyQaParams>(id, value)?.check(),
        noop::ID => match value.as_object() {
            Some(table) if !table.is_empty() => Err(WorkloadError::BadParameter {
                workload: id.into(),
                name: "params".into(),
                reason: "the no-op workload takes no parameters".into(),
            }),
            _ => Ok(()),
        },
        _ => Err(unknown(id)),
    }
}

/// Stages workload `id` with its parameters on `device` of backend `B`.
pub fn prepare<B: Backend>(
    id: &str,
    value: &serde_json::Value,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<Box<dyn PreparedWorkload>, WorkloadError> {
    match id {
        load_forecast::ID => {
            let p: LoadForecastParams = params(id, value)?;
            match p.engine {
                load_forecast::Engine::Burn => Ok(Box::new(load_forecast::prepare::<B>(&p, ctx, device)?)),
                load_forecast::Engine::FusedCuda => Ok(Box::new(load_forecast::fused::prepare(&p, ctx)?)),
                load_forecast::Engine::FusedCpu => Ok(Box::new(load_forecast::fused_cpu::prepare(&p, ctx)?)),
            }
        }
        fault_detect::ID => {
            let p: FaultDetectParams = params(id, value)?;
            Ok(Box::new(fault_detect::prepare::<B>(&p, ctx, device)?))
        }
        transformer_temp::ID => prepare_tensor::<TransformerTemp, B>(value, ctx, device),
        dispatch_proxy::ID => prepare_tensor::<DispatchProxy, B>(value, ctx, device),
        seismic_facies::ID => prepare_tensor::<SeismicFacies, B>(value, ctx, device),
        pv_forecast::ID => prepare_tensor::<PvForecast, B>(value, ctx, device),
        nilm::ID => prepare_tensor::<Nilm, B>(value, ctx, device),
        mine_gas::ID => prepare_tensor::<MineGas, B>(value, ctx, device),
        llm::ID => Ok(Box::new(llm::prepare::<B>(&params::<LlmParams>(id, value)?, ctx, device)?)),
        energy_qa::ID => Ok(Box::new(energy_qa::prepare::<B>(&params::<EnergyQaParams>(id, value)?, ctx, device)?)),
        noop::ID => {
            validate_params(id, value)?;
            Ok(Box::new(noop::Noop::new()))
        }
        _ => Err(unknown(id)),
    }
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
    match id {
        load_forecast::ID => {
            let mut p: LoadForecastParams = params(id, value)?;
            p.weights = None;
            load_forecast::train::train::<B>(&p, ctx, device, options, out, progress)
        }
        fault_detect::ID => {
            let mut p: FaultDetectParams = params(id, value)?;
            p.weights = None;
            fault_detect::train::train::<B>(&p, ctx, device, options, out, progress)
        }
        transformer_temp::ID => train_tensor::<TransformerTemp, B>(value, ctx, device, options, out, progress),
        dispatch_proxy::ID => train_tensor::<DispatchProxy, B>(value, ctx, device, options, out, progress),
        seismic_facies::ID => train_tensor::<SeismicFacies, B>(value, ctx, device, options, out, progress),
        pv_forecast::ID => train_tensor::<PvForecast, B>(value, ctx, device, options, out, progress),
        nilm::ID => train_tensor::<Nilm, B>(value, ctx, device, options, out, progress),
        mine_gas::ID => train_tensor::<MineGas, B>(value, ctx, device, options, out, progress),
        llm::ID | energy_qa::ID => Err(WorkloadError::BadParameter {
            workload: id.into(),
            name: "train".into(),
            reason:
                "the llm workload runs presets with random weights or loads a checkpoint; it has no reference training"
                    .into(),
        }),
        _ => Err(unknown(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_workload_lists_the_known_ones() {
        let err = validate_params("load-forcast", &serde_json::json!({})).unwrap_err().to_string();
        assert_eq!(err, "unknown workload `load-forcast` (known: load-forecast, transformer-temp, pv-forecast, fault-detect, dispatch-proxy, nilm, seismic-facies, mine-gas, llm, energy-qa, noop)");
    }

    #[test]
    fn bad_parameter_names_the_workload() {
        let err = validate_params("load-forecast", &serde_json::json!({"layers": 0})).unwrap_err().to_string();
        assert_eq!(err, "workload `load-forecast`: parameter `layers`: must be at least 1");
    }
}
