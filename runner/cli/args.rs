//! Arguments of every command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::device::DeviceSpec;

/// Benchmark runner with energy metering for AI in the energy sector.
#[derive(Debug, Parser)]
#[command(name = "wattbench", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a suite and write one result file per run.
    Run(RunArgs),
    /// List CUDA GPUs and the CPU, with their energy counters.
    Devices(DevicesArgs),
    /// List the workloads and the built-in suites.
    List(ListArgs),
    /// Train a workload's reference model with the parameters a suite gives it.
    Train(TrainArgs),
    /// Rank VALID runs that pass their quality gate, per workload and scenario.
    Rank(RankArgs),
    /// Compare new results with a baseline; exit 1 on a regression beyond noise.
    Compare(CompareArgs),
    /// Merge results of the same configuration from several machines or shards.
    Merge(MergeArgs),
    /// Recompute every derived figure of results from their raw data and name each field that disagrees.
    Check(CheckArgs),
    /// Sign result files (ed25519, detached FILE.sig beside each) with a key from `keygen`.
    Sign(SignArgs),
    /// Create an ed25519 key pair for `sign`; prints the public key that `check --trust` takes.
    Keygen(KeygenArgs),
    /// Write a self-contained HTML report with plots.
    Report(ReportArgs),
    /// Measure a device's peak compute, memory bandwidth and power once, for rooflines.
    Calibrate(CalibrateArgs),
    /// Expose this node's GPU energy counters to a remote client (`meter serve`).
    #[command(subcommand)]
    Meter(MeterCommand),
    /// Panics outside every guard, on purpose: the tests' way to check that an
    /// escaped panic is reported as a bug in one line with its exit code.
    #[command(hide = true, name = "internal-panic-test")]
    InternalPanicTest,
    /// The wattbench side of the peer benchmark (scripts/peers/): line commands on stdin.
    #[command(hide = true)]
    PeerServe(PeerServeArgs),
}

/// `wattbench meter ...`.
#[derive(Debug, Subcommand)]
pub enum MeterCommand {
    /// Serve the named GPUs' cumulative energy counters over HTTP, read-only,
    /// to clients bearing the token (`GET /v1/energy`), for endpoint suites
    /// whose model is served on this node (`meter_url` in the suite).
    Serve(MeterServeArgs),
}

/// `wattbench meter serve`.
#[derive(Debug, Args)]
pub struct MeterServeArgs {
    /// Address to listen on, e.g. 0.0.0.0:9400 (port 0: any free port; the address is printed).
    #[arg(long)]
    pub listen: String,
    /// A GPU to expose, as cuda:N with N the NVML index that nvidia-smi shows (repeat for several).
    #[arg(long = "device", required = true)]
    pub devices: Vec<String>,
    /// Environment variable holding the token clients must send (at least 16 bytes).
    #[arg(long, default_value = "WATTBENCH_METER_TOKEN")]
    pub token_env: String,
    /// Test mode: every device draws this constant power (figures say `scripted`), no GPU needed.
    #[arg(long, hide = true)]
    pub scripted_watts: Option<f64>,
}

/// `wattbench peer-serve` (hidden; driven by `scripts/peers/peer_bench.py`).
#[derive(Debug, Args)]
pub struct PeerServeArgs {
    /// Folder of real data files, as for `run`.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Device the workloads are staged on: cpu or cuda:N.
    #[arg(long, default_value = "cpu")]
    pub device: DeviceSpec,
    /// Precision of the staged workloads: f32, f16 or bf16 (bf16 and f16 on CUDA only).
    #[arg(long, default_value = "f32")]
    pub precision: crate::backend::Precision,
}

/// `wattbench calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Device: auto, cpu or cuda:N.
    #[arg(long, default_value = "auto")]
    pub device: DeviceSpec,
    /// Seconds per probe.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Seconds of idle power (and counter period) measurement, where energy is measured.
    #[arg(long, default_value_t = 5.0)]
    pub idle_s: f64,
    /// Folder for the calibration (default: $WATTBENCH_CALIBRATION_DIR or the user's cache).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `wattbench rank`.
#[derive(Debug, Args)]
pub struct RankArgs {
    /// Result files or folders (searched recursively).
    #[arg(required = true)]
    pub results: Vec<PathBuf>,
    /// Order by: energy (inferences per joule), throughput or p99.
    #[arg(long, default_value = "energy")]
    pub by: crate::analysis::RankBy,
    /// Output: table, markdown, csv or json.
    #[arg(long, default_value = "table")]
    pub format: crate::export::Format,
}

/// `wattbench compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Baseline result file or folder.
    pub baseline: PathBuf,
    /// New result file or folder.
    pub new: PathBuf,
    /// Allowed worsening as a fraction (0.05 is 5%); only changes beyond the noise count.
    #[arg(long, default_value_t = 0.05)]
    pub max_regression: f64,
    /// Write a Markdown summary here (for a CI job summary).
    #[arg(long)]
    pub markdown: Option<PathBuf>,
    /// Write JUnit XML here (one test case per workload).
    #[arg(long)]
    pub junit: Option<PathBuf>,
}

/// `wattbench merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Result files or folders from several machines or shards.
    #[arg(required = true)]
    pub results: Vec<PathBuf>,
    /// Folder for the merged results (one file per configuration).
    #[arg(long)]
    pub out: PathBuf,
}

/// `wattbench check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Result files or folders.
    #[arg(required = true)]
    pub results: Vec<PathBuf>,
    /// Require every file to be signed by one of these public keys (64 hex
    /// digits, as `keygen` prints); repeatable. Without it, a signature
    /// present is still verified.
    #[arg(long = "trust", value_name = "PUBLIC_KEY")]
    pub trust: Vec<String>,
}

/// `wattbench sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The private key file (`wattbench keygen --out FILE`).
    #[arg(long)]
    pub key: PathBuf,
    /// Result files or folders; each must pass `check` before it is signed.
    #[arg(required = true)]
    pub results: Vec<PathBuf>,
}

/// `wattbench keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the private key (never replaces a file).
    #[arg(long)]
    pub out: PathBuf,
}

/// `wattbench report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Result files or folders.
    #[arg(required = true)]
    pub results: Vec<PathBuf>,
    /// The HTML file to write.
    #[arg(long, default_value = "report.html")]
    pub out: PathBuf,
}

/// `wattbench train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Workload id (see `wattbench list`).
    pub workload: String,
    /// Suite whose first run of the workload gives the model's parameters.
    #[arg(long, default_value = "quick")]
    pub suite: String,
    /// Device: auto, cpu or cuda:N.
    #[arg(long, default_value = "cpu")]
    pub device: DeviceSpec,
    /// Weights file to write (default: suites/weights/WORKLOAD-SUITE.mpk); the card goes beside it as .json.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Folder of real data files (or WATTBENCH_DATA_DIR).
    #[arg(long, env = "WATTBENCH_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Passes over the training windows.
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Windows per optimiser step.
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Adam learning rate.
    #[arg(long)]
    pub learning_rate: Option<f64>,
    /// Stride between training windows.
    #[arg(long)]
    pub stride: Option<usize>,
    /// Seed of initialisation and batch order.
    #[arg(long)]
    pub seed: Option<u64>,
}

/// `wattbench run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Built-in suite name or path to a suite .toml file.
    #[arg(long, default_value = "quick")]
    pub suite: String,
    /// Device for every run: auto, cpu or cuda:N (default: the suite's).
    #[arg(long)]
    pub device: Option<DeviceSpec>,
    /// Precision for every run: f32, f16 or bf16 (default: the suite's).
    #[arg(long)]
    pub precision: Option<crate::backend::Precision>,
    /// Folder that receives a sub-folder of result files per invocation.
    #[arg(long, default_value = "results")]
    pub results: PathBuf,
    /// Folder of real data files named in suites (or WATTBENCH_DATA_DIR).
    #[arg(long, env = "WATTBENCH_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Folder that relative weights paths resolve against (default: current folder).
    #[arg(long)]
    pub weights_dir: Option<PathBuf>,
    /// Override every run's minimum measured window, in seconds.
    #[arg(long)]
    pub min_duration_s: Option<f64>,
    /// Override every run's warm-up, in seconds.
    #[arg(long)]
    pub warmup_s: Option<f64>,
    /// Override every run's minimum query count.
    #[arg(long)]
    pub min_queries: Option<u64>,
    /// Override every run's idle power measurement, in seconds.
    #[arg(long)]
    pub idle_s: Option<f64>,
    /// Override every run's number of trials.
    #[arg(long)]
    pub trials: Option<usize>,
    /// Override every run's cool-down between trials, in seconds.
    #[arg(long)]
    pub cooldown_s: Option<f64>,
    /// Server runs: search for the highest rate whose p99 stays under the bound.
    #[arg(long)]
    pub find_peak: bool,
    /// Run only shard K of N of the plan (K from 1): runs K, K+N, K+2N, ... (for a cluster job array).
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Test mode: meter a constant scripted power instead of a real counter
    /// (results say `scripted`, never a measurement).
    #[arg(long, hide = true)]
    pub scripted_power_w: Option<f64>,
    /// Test mode: the scripted counter updates only every this many milliseconds.
    #[arg(long, hide = true)]
    pub scripted_counter_period_ms: Option<f64>,
}

/// `wattbench devices`.
#[derive(Debug, Args)]
pub struct DevicesArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `wattbench list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Parses `K/N` with 1 <= K <= N.
fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{s}`: expected K/N with 1 <= K <= N, for example 2/4");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::parse_shard;

    #[test]
    fn shards_parse_and_bad_ones_are_explained() {
        assert_eq!(parse_shard("2/4"), Ok((2, 4)));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("x").unwrap_err().contains("expected K/N"));
    }
}
