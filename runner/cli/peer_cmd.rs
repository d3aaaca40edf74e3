//! `wattbench peer-serve` (hidden): the wattbench side of the peer benchmark
//! in `scripts/peers/`. It reads one command a line on stdin and answers one
//! line on stdout (`ok ...` or `error ...`), so that the peer script can
//! interleave wattbench's timings with its own in one run:
//!
//! - `prepare KEY WORKLOAD PARAMS_JSON`: stages a workload on the device and
//!   at the precision of the command line (default: the CPU, f32) under the
//!   name KEY; answers `ok SAMPLES`. `prepare-plain` stages it on Burn's own
//!   modules instead of their packed inference forms, `prepare-whole` with
//!   each batch run whole on one thread instead of split across the CPU's
//!   threads (to time both).
//! - `probe KEY N PREFIX`: runs the first N samples as one batch and writes
//!   `PREFIX.inputs.npy` and `PREFIX.outputs.npy`; answers `ok`.
//! - `time KEY BATCH QUERIES`: runs QUERIES queries of BATCH samples exactly
//!   as the offline and single-stream scenarios do (run, then sync); answers
//!   `ok SECONDS` (wall time of all of them).
//! - `quality KEY`: the accuracy pass; answers `ok METRIC VALUE`.
//! - `quit`.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{anyhow, bail, Context};
use wattbench_workloads::{PrepareContext, PreparedWorkload};

use super::args::PeerServeArgs;
use crate::backend;
use crate::backend::Precision;
use crate::device::{DeviceSpec, ResolvedDevice, ResolvedDevices};

/// Serves peer-benchmark commands until `quit` or the end of stdin.
pub fn peer_serve(args: PeerServeArgs) -> anyhow::Result<ExitCode> {
    let device = match args.device {
        DeviceSpec::Cpu => ResolvedDevice::Cpu,
        spec => ResolvedDevices::resolve([spec]).map_err(|e| anyhow!(e))?.get(spec).device,
    };
    let target = Target { device, precision: args.precision };
    let ctx = PrepareContext { data_dir: args.data_dir, ..Default::default() };
    let mut prepared: HashMap<String, Box<dyn PreparedWorkload>> = HashMap::new();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.context("reading a command")?;
        let words: Vec<&str> = line.splitn(4, ' ').collect();
        if words.first() == Some(&"quit") {
            break;
        }
        let answer = match command(&words, &ctx, target, &mut prepared) {
            Ok(a) => format!("ok {a}"),
            Err(e) => format!("error {}", format!("{e:#}").replace('\n', " ")),
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Where `prepare` stages workloads.
#[derive(Clone, Copy)]
struct Target {
    device: ResolvedDevice,
    precision: Precision,
}

fn command(
    words: &[&str],
    ctx: &PrepareContext,
    target: Target,
    prepared: &mut HashMap<String, Box<dyn PreparedWorkload>>,
) -> anyhow::Result<String> {
    let number = |i: usize| -> anyhow::Result<usize> {
        let w = words.get(i).ok_or_else(|| anyhow!("missing argument {i}"))?;
        w.trim().parse().with_context(|| format!("`{w}` is not a count"))
    };
    let get = |key: Option<&&str>, map: &mut HashMap<String, Box<dyn PreparedWorkload>>| {
        let key = key.ok_or_else(|| anyhow!("missing KEY"))?.to_string();
        if map.contains_key(&key) {
            Ok(key)
        } else {
            Err(anyhow!("nothing prepared under `{key}`"))
        }
    };
    match words.first().copied() {
        Some(verb @ ("prepare" | "prepare-plain" | "prepare-whole")) => {
            let [_, key, workload, params] = words else { bail!("usage: {verb} KEY WORKLOAD PARAMS_JSON") };
            let params: serde_json::Value = serde_json::from_str(params).context("PARAMS_JSON")?;
            let ctx = PrepareContext {
                plain_modules: verb == "prepare-plain",
                batch_workers: (verb == "prepare-whole").then_some(1).or(ctx.batch_workers),
                ..ctx.clone()
            };
            let w = backend::prepare(workload, &params, &ctx, target.device, target.precision)?;
            let samples = w.sample_count();
            prepared.insert(key.to_string(), w);
            Ok(samples.to_string())
        }
        Some("probe") => {
            let key = get(words.get(1), prepared)?;
            let n = number(2)?;
            let prefix = words.get(3).ok_or_else(|| anyhow!("missing PREFIX"))?;
            let w = prepared.get_mut(&key).ok_or_else(|| anyhow!("nothing prepared under `{key}`"))?;
            let samples: Vec<usize> = (0..n).collect();
            let probe = w.probe(&samples).ok_or_else(|| anyhow!("`{key}` has no fixed-shape input to probe"))??;
            write_npy(Path::new(&format!("{prefix}.inputs.npy")), &probe.input_shape, &probe.inputs)?;
            write_npy(Path::new(&format!("{prefix}.outputs.npy")), &probe.output_shape, &probe.outputs)?;
            Ok(String::new())
        }
        Some("time") => {
            let key = get(words.get(1), prepared)?;
            let (batch, queries) = (number(2)?, number(3)?);
            let w = prepared.get_mut(&key).ok_or_else(|| anyhow!("nothing prepared under `{key}`"))?;
            let n = w.sample_count().max(1);
            let batches: Vec<Vec<usize>> =
                (0..queries).map(|q| (0..batch).map(|i| (q * batch + i) % n).collect()).collect();
            let start = Instant::now();
            for samples in &batches {
                w.run(samples)?;
                w.sync()?;
            }
            Ok(format!("{:.9}", start.elapsed().as_secs_f64()))
        }
        Some("quality") => {
            let key = get(words.get(1), prepared)?;
            let w = prepared.get_mut(&key).ok_or_else(|| anyhow!("nothing prepared under `{key}`"))?;
            let q = w.accuracy()?;
            Ok(format!("{} {:.9}", q.metric, q.value))
        }
        Some(other) => {
            bail!("unknown command `{other}` (prepare, prepare-plain, prepare-whole, probe, time, quality, quit)")
        }
        None => bail!("empty command"),
    }
}

/// Writes a little-endian f32 array in NumPy's `.npy` format (version 1.0).
pub fn write_npy(path: &Path, shape: &[usize], values: &[f32]) -> anyhow::Result<()> {
    if shape.iter().product::<usize>() != values.len() {
        bail!("{}: shape {shape:?} does not hold {} values", path.display(), values.len());
    }
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let tuple = if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {tuple}, }}");
    // Magic (6) + version (2) + header length (2) + header + newline, padded to 64 bytes.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = Vec::with_capacity(10 + header.len() + 4 * values.len());
    bytes.extend_from_slice(b"\x93NUMPY\x01\x00");
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_header_is_padded_to_64_bytes_and_holds_the_shape() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.npy");
        write_npy(&path, &[2, 3], &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
        let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        assert_eq!((10 + header_len) % 64, 0);
        let header = std::str::from_utf8(&bytes[10..10 + header_len]).unwrap();
        assert!(header.contains("'shape': (2, 3)"), "{header}");
        assert_eq!(bytes.len(), 10 + header_len + 24);
        assert_eq!(f32::from_le_bytes(bytes[bytes.len() - 4..].try_into().unwrap()), 5.0);
        assert!(write_npy(&path, &[4], &[1.0]).is_err());
    }
}
