//! Every CUDA C source in `kernels/cuda/` compiled with NVRTC for sm_80 and
//! sm_90 through the runtime's own code path (`compile_ptx_for`, and the cubin
//! fallback `compile_cubin_for`), then assembled by ptxas, with registers and
//! spills recorded per kernel. No GPU is needed; NVRTC and ptxas are
//! (`scripts/ci/cuda-kernels.sh` installs them in CI). Where they are
//! missing the test says that it skipped and why, unless
//! `WATTBENCH_REQUIRE_KERNEL_COMPILE=1` says they must be there.

use std::path::{Path, PathBuf};
use std::process::Command;

use wattbench_kernels::cuda::{compile_cubin_for, compile_ptx_for, nvrtc_available, KERNEL_SOURCES};

/// Architectures checked: A100 (sm_80) and H100/H200 (sm_90).
const ARCHES: [(i32, i32); 2] = [(8, 0), (9, 0)];

/// Registers and spills of one kernel on one architecture, as ptxas reports them.
#[derive(Debug, Default, Clone, PartialEq)]
struct KernelResources {
    kernel: String,
    arch: String,
    registers: u32,
    spill_stores: u32,
    spill_loads: u32,
    stack_bytes: u32,
}

fn required() -> bool {
    std::env::var("WATTBENCH_REQUIRE_KERNEL_COMPILE").is_ok_and(|v| v == "1")
}

/// Skips (or fails, where the tools are required) with one plain line.
fn skip(why: &str) {
    assert!(!required(), "WATTBENCH_REQUIRE_KERNEL_COMPILE=1 but {why}");
    eprintln!("SKIPPED: CUDA kernel compile check: {why} (scripts/ci/cuda-kernels.sh installs NVRTC and ptxas)");
}

/// `.cu` files in `kernels/cuda/`, sorted.
fn cu_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("cuda");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "cu"))
        .collect();
    files.sort();
    files
}

/// ptxas: `$WATTBENCH_PTXAS`, else `ptxas` on PATH, else `$CUDA_HOME/bin/ptxas`.
fn find_ptxas() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("WATTBENCH_PTXAS").map(PathBuf::from) {
        return p.is_file().then_some(p);
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("ptxas"));
    let homes =
        ["CUDA_HOME", "CUDA_PATH"].into_iter().filter_map(std::env::var_os).map(|h| Path::new(&h).join("bin/ptxas"));
    on_path.chain(homes).find(|p| p.is_file())
}

/// Parses `ptxas -v` output: one entry per entry function.
fn parse_ptxas(text: &str, arch: &str) -> Vec<KernelResources> {
    let number_before = |line: &str, word: &str| -> Option<u32> {
        let at = line.find(word)?;
        line[..at].split(|c: char| !c.is_ascii_digit()).rfind(|s| !s.is_empty())?.parse().ok()
    };
    let mut out: Vec<KernelResources> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.split("Compiling entry function '").nth(1) {
            let kernel = rest.split('\'').next().unwrap_or_default().to_string();
            out.push(KernelResources { kernel, arch: arch.into(), ..Default::default() });
        } else if let Some(k) = out.last_mut() {
            if line.contains("bytes spill stores") {
                k.stack_bytes = number_before(line, "bytes stack frame").unwrap_or(0);
                k.spill_stores = number_before(line, "bytes spill stores").unwrap_or(0);
                k.spill_loads = number_before(line, "bytes spill loads").unwrap_or(0);
            } else if let Some(r) = number_before(line, "registers") {
                k.registers = r;
            }
        }
    }
    out
}

/// Names of the `extern "C" __global__` kernels defined in `src`.
fn kernel_names(src: &str) -> Vec<String> {
    src.split("extern \"C\" __global__ void")
        .skip(1)
        .map(|rest| {
            let mut rest = rest.trim_start();
            if let Some(r) = rest.strip_prefix("__launch_bounds__(") {
                rest = r.split_once(')').map_or("", |(_, after)| after).trim_start();
            }
            rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
        })
        .collect()
}

#[test]
fn every_cu_file_is_compiled_by_the_runtime() {
    let files = cu_files();
    assert!(!files.is_empty(), "no .cu files found");
    for f in &files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let embedded = KERNEL_SOURCES.iter().find(|s| s.file == name);
        let embedded = embedded.unwrap_or_else(|| panic!("{name} is not listed in KERNEL_SOURCES"));
        assert_eq!(embedded.text, text, "{name}: the embedded text differs from the file");
    }
    assert_eq!(files.len(), KERNEL_SOURCES.len(), "KERNEL_SOURCES lists a file that is not in kernels/cuda/");
}

#[test]
fn parses_ptxas_resource_lines() {
    let text = "ptxas info    : 0 bytes gmem\n\
        ptxas info    : Compiling entry function 'lstm_forecast_wide' for 'sm_90'\n\
        ptxas info    : Function properties for lstm_forecast_wide\n\
        \x20   16 bytes stack frame, 8 bytes spill stores, 12 bytes spill loads\n\
        ptxas info    : Used 64 registers, used 1 barriers, 400 bytes cmem[0]\n";
    let want = KernelResources {
        kernel: "lstm_forecast_wide".into(),
        arch: "sm_90".into(),
        registers: 64,
        spill_stores: 8,
        spill_loads: 12,
        stack_bytes: 16,
    };
    assert_eq!(parse_ptxas(text, "sm_90"), vec![want]);
}

#[test]
fn every_kernel_compiles_with_nvrtc_and_ptxas_for_sm80_and_sm90() {
    if !nvrtc_available() {
        return skip("the NVRTC library (libnvrtc.so.13) was not found on the loader path");
    }
    let ptxas = find_ptxas();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cuda-kernels");
    std::fs::create_dir_all(&work).unwrap_or_else(|e| panic!("{}: {e}", work.display()));
    let (mut failures, mut table) = (Vec::new(), Vec::new());
    for src in KERNEL_SOURCES {
        let stem = src.file.trim_end_matches(".cu");
        for cc in ARCHES {
            let arch = format!("sm_{}{}", cc.0, cc.1);
            // The runtime's fallback for a driver older than NVRTC's PTX version.
            match compile_cubin_for(src.text, src.file, cc) {
                Ok(cubin) if !cubin.is_empty() => {}
                Ok(_) => failures.push(format!("{} {arch}: NVRTC returned an empty cubin", src.file)),
                Err(e) => failures.push(format!("{} {arch} (cubin): {e}", src.file)),
            }
            let ptx = match compile_ptx_for(src.text, src.file, cc) {
                Ok(p) => p.to_src(),
                Err(e) => {
                    failures.push(format!("{} compute_{}{}: {e}", src.file, cc.0, cc.1));
                    continue;
                }
            };
            let ptx_path = work.join(format!("{stem}.{arch}.ptx"));
            std::fs::write(&ptx_path, &ptx).unwrap_or_else(|e| panic!("{}: {e}", ptx_path.display()));
            let Some(ptxas) = &ptxas else { continue };
            let out = Command::new(ptxas)
                .args([format!("-arch={arch}").as_str(), "-v", "-o"])
                .arg(work.join(format!("{stem}.{arch}.cubin")))
                .arg(&ptx_path)
                .output()
                .unwrap_or_else(|e| panic!("running {}: {e}", ptxas.display()));
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            if !out.status.success() {
                failures.push(format!("{} {arch}: ptxas failed ({}): {}", src.file, out.status, text.trim()));
                continue;
            }
            let found = parse_ptxas(&text, &arch);
            for k in kernel_names(src.text) {
                match found.iter().find(|r| r.kernel == k) {
                    Some(r) if r.registers > 0 => table.push(r.clone()),
                    _ => failures
                        .push(format!("{} {arch}: no register count for `{k}` in ptxas output: {text}", src.file)),
                }
            }
        }
    }
    assert!(failures.is_empty(), "CUDA kernel compile check failed:\n{}", failures.join("\n"));
    let Some(ptxas) = ptxas else {
        return skip(
            "NVRTC compiled every kernel to PTX and cubin, but ptxas was not found (WATTBENCH_PTXAS, PATH, CUDA_HOME)",
        );
    };
    let mut report = format!("# ptxas {} -v: registers and spills per kernel\nkernel\tarch\tregisters\tspill_stores_bytes\tspill_loads_bytes\tstack_bytes\n", ptxas.display());
    for r in &table {
        report.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            r.kernel, r.arch, r.registers, r.spill_stores, r.spill_loads, r.stack_bytes
        ));
    }
    let path = work.join("resources.tsv");
    std::fs::write(&path, &report).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    println!("{report}written to {}", path.display());
}

#[test]
fn a_kernel_that_does_not_compile_is_an_error_naming_it() {
    if !nvrtc_available() {
        return skip("the NVRTC library (libnvrtc.so.13) was not found on the loader path");
    }
    let broken = "extern \"C\" __global__ void broken(float* out) { out[0] = undefined_name; }";
    for cc in ARCHES {
        let e = compile_ptx_for(broken, "broken.cu", cc).map(|_| ()).unwrap_err().to_string();
        assert!(e.starts_with("kernel compilation failed: broken.cu:") && e.contains("undefined_name"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        let e = compile_cubin_for(broken, "broken.cu", cc).map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("undefined_name"), "{e}");
    }
}
