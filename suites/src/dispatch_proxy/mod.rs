//! Grid operation: a learned proxy for economic dispatch. Bus loads in,
//! generator set-points out, learned from a DC optimal power flow solved
//! with the Clarabel interior-point solver on the PGLib-OPF IEEE 118-bus
//! case (or any MATPOWER case file).

pub mod dcopf;
pub mod matpower;
pub mod model;
pub mod params;
pub mod scenarios;

pub use params::DispatchProxyParams;

use burn::tensor::backend::Backend;

use crate::dataset::Dataset;
use crate::error::WorkloadError;
use crate::tensor_workload::quality::score_values;
use crate::tensor_workload::{ModelShape, QualityMetric, Split, TensorSpec};
use crate::PrepareContext;
use matpower::Case;
use model::DispatchMlp;

/// Identifier of this workload in suite files.
pub const ID: &str = "dispatch-proxy";

const IEEE118: &str = include_str!("../../data/pglib/pglib_opf_case118_ieee.m");
const IEEE14: &str = include_str!("../../data/pglib/pglib_opf_case14_ieee.m");

fn bad(name: &str, reason: String) -> WorkloadError {
    WorkloadError::BadParameter { workload: ID.into(), name: name.into(), reason }
}

/// The case named by `p.case`, with a description of where it came from.
pub fn case(p: &DispatchProxyParams, ctx: &PrepareContext) -> Result<(Case, String), WorkloadError> {
    let (text, origin) = match p.case.as_str() {
        "ieee118" => (IEEE118.to_string(), "PGLib-OPF IEEE 118-bus (built in)".to_string()),
        "ieee14" => (IEEE14.to_string(), "PGLib-OPF IEEE 14-bus (built in)".to_string()),
        file => {
            let path = ctx.resolve_data_path(file);
            let text = crate::regular_file::read_regular_to_string(&path)
                .map_err(|e| bad("case", format!("{}: {e}", path.display())))?;
            (text, crate::portable_path(file))
        }
    };
    let case = Case::parse(&text).map_err(|e| bad("case", format!("{origin}: {e}")))?;
    Ok((case, origin))
}

/// Sizes of the case: buses (inputs) and target generators (outputs), as
/// learnt from the data, else read from a built-in case.
/// The model's sizes for parameters `p`.
fn mlp_config(p: &DispatchProxyParams) -> model::DispatchMlpConfig {
    let (buses, generators) = sizes(p);
    model::DispatchMlpConfig { buses, width: p.width, depth: p.depth, generators }
}

fn sizes(p: &DispatchProxyParams) -> (usize, usize) {
    if let Some(sizes) = p.sizes {
        return sizes;
    }
    match case(p, &PrepareContext::default()) {
        Ok((c, _)) => (c.buses.len(), scenarios::target_generators(&c).len()),
        Err(_) => (118, 19),
    }
}

/// The dispatch-proxy workload.
pub struct DispatchProxy;

impl TensorSpec for DispatchProxy {
    const ID: &'static str = ID;
    const SECTOR: &'static str = "grid operation";
    const TASK: &'static str = "bus loads in, DC-OPF generator dispatch out (IEEE 118-bus)";
    const MODEL: &'static str = "MLP";
    type Params = DispatchProxyParams;
    type Model<B: Backend> = DispatchMlp<B>;

    fn check(p: &Self::Params) -> Result<(), (&'static str, String)> {
        p.check()
    }
    crate::weights_and_seed_from_params!();
    fn data(p: &Self::Params, split: Split, ctx: &PrepareContext) -> Result<(Dataset, String), WorkloadError> {
        let (case, origin) = case(p, ctx)?;
        let (n, seed) = split.size_and_seed(p.train_samples, p.test_samples, p.seed);
        let (data, stats) =
            scenarios::opf_dataset(&case, n, seed, p.spread).map_err(|e| bad("case", format!("{origin}: {e}")))?;
        let words = format!(
            "{origin}, {} load draws (seed {seed}, spread {}) labelled by DC-OPF (Clarabel): {} infeasible skipped, \
             {} with a binding line limit",
            stats.samples, p.spread, stats.infeasible, stats.congested_samples
        );
        Ok((data, words))
    }
    fn adapt(p: &mut Self::Params, data: &Dataset) {
        p.sizes = Some((data.input_len(), data.targets.per_sample()));
    }
    fn init<B: Backend>(p: &Self::Params, device: &B::Device) -> Self::Model<B> {
        mlp_config(p).init(device)
    }
    fn shape(p: &Self::Params) -> ModelShape {
        let (buses, gens) = sizes(p);
        let arch = [("buses", buses), ("generators", gens), ("width", p.width), ("depth", p.depth)];
        ModelShape::with_sizes(mlp_config(p).parameters(), mlp_config(p).flops_per_sample(), &arch)
    }
    fn metric(_p: &Self::Params) -> QualityMetric {
        QualityMetric::Mae { scale: 100.0, unit: "pct_pmax" }
    }
    fn baseline(p: &Self::Params, _train: Option<&Dataset>, test: &Dataset, ctx: &PrepareContext) -> Option<f64> {
        // The nominal-load optimum, whatever the load, on the case read from
        // the data folder (never from the current directory).
        let (case, _) = case(p, ctx).ok()?;
        let nominal = dcopf::solve_nominal(&case).ok()?;
        let row: Vec<f32> = scenarios::target_generators(&case)
            .iter()
            .map(|&g| (nominal.dispatch_mw[g] / case.gens[g].pmax) as f32)
            .collect();
        let all: Vec<f32> = (0..test.n).flat_map(|_| row.iter().copied()).collect();
        score_values(&all, test, &Self::metric(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor_workload::Net;
    use crate::workload::PreparedWorkload;
    use burn::backend::Flex;
    use burn::module::Module;
    use burn::tensor::Tensor;

    #[test]
    fn shapes_parameters_and_a_bad_case_file() {
        let p = DispatchProxyParams::default();
        let device = Default::default();
        let m = DispatchProxy::init::<Flex>(&p, &device);
        assert_eq!(m.num_params() as u64, DispatchProxy::shape(&p).parameters);
        assert_eq!(m.forward(Tensor::zeros([2, 1, 118], &device)).dims(), [2, 19]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.m"), "mpc.baseMVA = 100;\nmpc.bus = [\n 1 3 0;\n];\n").unwrap();
        let ctx = PrepareContext { data_dir: Some(dir.path().into()), ..Default::default() };
        let err = case(&DispatchProxyParams { case: "bad.m".into(), ..p.clone() }, &ctx).unwrap_err().to_string();
        assert!(err.contains("bad.m") && err.contains("line"), "{err}");
        // A case file from the data folder: the model takes its sizes from the data (14 buses, 2 units).
        std::fs::write(dir.path().join("c14.m"), IEEE14).unwrap();
        let small = DispatchProxyParams { case: "c14.m".into(), train_samples: 4, test_samples: 4, ..p };
        let mut w = crate::tensor_workload::prepare::<DispatchProxy, Flex>(&small, &ctx, &device).unwrap();
        assert_eq!(w.model_card().input_shape, vec![1, 14]);
        assert_eq!(w.model_card().parameters, model::parameters(14, 256, 3, 2));
        w.run(&[0, 1]).unwrap();
    }
}
