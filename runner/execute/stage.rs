//! Staging a run's engine, before anything is timed.

use super::batch_bound::{check_batch_fits, host_available_memory};
use super::environment::Environment;
use super::failure::RunFailure;
use super::panic_guard::catch_panic;
use crate::backend;
use crate::device::DeviceFacts;
use crate::endpoint::ENGINE as ENDPOINT_ENGINE;
use crate::engine::{EndpointEngine, Engine, InProcess};
use crate::suite::PlannedRun;

/// Stages the run's engine: an OpenAI-compatible endpoint when its
/// parameters say `engine = "openai"`, otherwise the workload on a Burn backend.
///
/// An in-process batch whose inputs and outputs alone would not fit in the
/// device's (or the host's) memory fails here, before any allocation.
pub fn stage(env: &Environment<'_>, run: &PlannedRun, target: &DeviceFacts) -> Result<Box<dyn Engine>, RunFailure> {
    let device = target.device;
    if run.engine == ENDPOINT_ENGINE {
        let engine = EndpointEngine::prepare(&run.workload, &run.params, env.prepare).map_err(RunFailure::Failed)?;
        return Ok(Box::new(engine));
    }
    let staged = catch_panic(|| backend::prepare(&run.workload, &run.params, env.prepare, device, run.precision))
        .map_err(|p| RunFailure::Failed(format!("staging panicked: {p}")))?;
    let workload = staged.map_err(|e| RunFailure::Failed(e.to_string()))?;
    check_batch_fits(
        run.settings.batch_size,
        workload.model_card(),
        &device.to_string(),
        target.memory_bytes(),
        host_available_memory(),
    )
    .map_err(RunFailure::Failed)?;
    Ok(Box::new(InProcess(workload)))
}
