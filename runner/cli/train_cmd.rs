//! `wattbench train WORKLOAD`: trains a workload's reference model with the
//! parameters a suite gives it, and writes the weights and a JSON card.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use wattbench_workloads::{PrepareContext, TrainOptions};

use super::args::TrainArgs;
use crate::backend;
use crate::device::{probe_cuda, resolve, CudaStatus, DeviceSpec};
use crate::execute::catch_panic;
use crate::results::write_atomic;
use crate::suite::load_suite;

/// Trains and saves; prints one line per epoch.
pub fn train(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let suite = load_suite(&args.suite)?;
    let entry = suite
        .manifest
        .run
        .iter()
        .find(|r| r.workload.get_ref() == &args.workload)
        .with_context(|| format!("suite {} has no run of workload `{}`", suite.file, args.workload))?;
    let params = match &entry.params {
        Some(t) => serde_json::to_value(t.get_ref())?,
        None => serde_json::json!({}),
    };
    wattbench_workloads::validate_params(&args.workload, &params)?;
    let cuda = if args.device == DeviceSpec::Cpu { CudaStatus::Unavailable("not probed".into()) } else { probe_cuda() };
    let (device, notice) = resolve(args.device, &cuda).map_err(anyhow::Error::msg)?;
    if let Some(n) = notice {
        eprintln!("notice: {n}");
    }
    let defaults = TrainOptions::default();
    let options = TrainOptions {
        epochs: args.epochs.unwrap_or(defaults.epochs),
        batch_size: args.batch_size.unwrap_or(defaults.batch_size),
        learning_rate: args.learning_rate.unwrap_or(defaults.learning_rate),
        stride: args.stride.unwrap_or(defaults.stride),
        seed: args.seed.unwrap_or(defaults.seed),
    };
    options.validate().map_err(anyhow::Error::msg)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("suites/weights").join(format!("{}-{}.mpk", args.workload, suite.manifest.name))
    });
    if out.extension().and_then(|e| e.to_str()) != Some(wattbench_workloads::weights::WEIGHTS_EXTENSION) {
        anyhow::bail!("--out {} must end in .mpk: the weights are written to exactly that file", out.display());
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let ctx = PrepareContext { data_dir: args.data_dir.clone(), ..Default::default() };
    eprintln!("training {} ({} params from {}) on {device}: {:?}", args.workload, params, suite.file, options);
    let mut progress = |e: &wattbench_workloads::EpochReport| {
        eprintln!("epoch {:>3}  train loss {:.5}  validation metric {:.4}", e.epoch, e.train_loss, e.validation_metric);
    };
    let card = catch_panic(|| backend::train(&args.workload, &params, &ctx, device, &options, &out, &mut progress))
        .map_err(|p| anyhow::anyhow!("training panicked: {p}"))??;
    let card_path = out.with_extension("json");
    let dir = card_path.parent().map(PathBuf::from).unwrap_or_default();
    let name = card_path.file_name().and_then(|n| n.to_str()).unwrap_or("card.json");
    write_atomic(&dir, name, &card).with_context(|| format!("cannot write {}", card_path.display()))?;
    super::emit(&format!(
        "{}: test {} {:.4} (baseline {:.4}) after {} epochs in {:.0} s -> {} (card {})\n",
        card.workload,
        card.metric,
        card.test_metric,
        card.test_baseline,
        card.epochs.len(),
        card.train_seconds,
        out.display(),
        card_path.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}
