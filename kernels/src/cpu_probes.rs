//! The CPU's roofline: the multiply-add rate and the memory bandwidth this
//! machine reaches, measured with every core busy.
//!
//! The multiply-add probe uses the widest vector unit the CPU reports at run
//! time (AVX-512 or AVX2 with FMA on x86-64, otherwise the baseline the
//! binary was built for), with enough independent chains to hide latency.
//! The memory probes stream arrays far larger than any cache.

use std::time::{Duration, Instant};

/// One probe's measured rate.
#[derive(Clone, Debug, PartialEq)]
pub struct CpuProbe {
    /// Probe name.
    pub name: String,
    /// Rate: FLOP/s or bytes/s.
    pub rate: f64,
    /// `FLOP/s` or `B/s`.
    pub unit: &'static str,
    /// Threads used.
    pub threads: usize,
    /// The instruction set used, for the multiply-add probe.
    pub isa: String,
}

/// Independent accumulators per thread (16 vectors of 16 lanes).
const LANES: usize = 256;

/// `iters` rounds of `acc = acc * a + b` over `LANES` independent lanes.
/// Returns a checksum so that the work cannot be optimised away.
#[inline(always)]
fn fma_rounds(iters: u64) -> f32 {
    let mut acc = [0.0f32; LANES];
    for (i, a) in acc.iter_mut().enumerate() {
        *a = i as f32 * 1e-3;
    }
    let (a, b) = (0.999_999f32, 1e-6f32);
    for _ in 0..iters {
        for x in acc.iter_mut() {
            *x = x.mul_add(a, b);
        }
    }
    acc.iter().sum()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
unsafe fn fma_rounds_avx512(iters: u64) -> f32 {
    fma_rounds(iters)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn fma_rounds_avx2(iters: u64) -> f32 {
    fma_rounds(iters)
}

/// The best multiply-add kernel this CPU supports, and its name.
fn best_fma() -> (fn(u64) -> f32, &'static str) {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("fma") {
            // SAFETY: the features were detected at run time.
            return (|n| unsafe { fma_rounds_avx512(n) }, "avx512f+fma");
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: the features were detected at run time.
            return (|n| unsafe { fma_rounds_avx2(n) }, "avx2+fma");
        }
    }
    (fma_rounds, "baseline")
}

fn threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Runs `work` on every core for about `duration` (after a short calibration)
/// and returns (total units of work, seconds).
fn on_all_cores(duration: Duration, work: impl Fn(u64) -> u64 + Sync) -> (f64, f64) {
    // Calibrate: how many rounds take about 10 ms on one core.
    let mut rounds = 1u64;
    loop {
        let t = Instant::now();
        std::hint::black_box(work(rounds));
        if t.elapsed() > Duration::from_millis(10) || rounds > 1 << 40 {
            break;
        }
        rounds *= 2;
    }
    let per_call = rounds;
    let n = threads();
    let start = Instant::now();
    let total: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                s.spawn(|| {
                    let mut done = 0u64;
                    while start.elapsed() < duration {
                        done += work(per_call);
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    (total as f64, start.elapsed().as_secs_f64())
}

/// Peak f32 multiply-add rate with every core busy, in FLOP/s (a multiply-add counts as two).
pub fn fma_peak(duration: Duration) -> CpuProbe {
    let (kernel, isa) = best_fma();
    let (flops, secs) = on_all_cores(duration, |iters| {
        std::hint::black_box(kernel(iters));
        iters * LANES as u64 * 2
    });
    CpuProbe { name: "cpu-fma-f32".into(), rate: flops / secs, unit: "FLOP/s", threads: threads(), isa: isa.into() }
}

/// Elements per thread in the memory probes (3 arrays x 8 M f32 = 96 MiB per thread).
const STREAM_ELEMS: usize = 8 << 20;

/// Memory bandwidth of `copy` (b = a: 8 bytes per element) and `triad`
/// (a = b + s*c: 12 bytes per element), every core streaming its own arrays.
/// Arrays are allocated and touched before the clock starts, and every
/// thread streams at least once.
pub fn stream(duration: Duration) -> (CpuProbe, CpuProbe) {
    let n = threads();
    let run = |triad: bool| {
        let ready = std::sync::Barrier::new(n);
        let results: Vec<(u64, f64)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .map(|_| {
                    let ready = &ready;
                    s.spawn(move || {
                        let (mut a, mut b, c) =
                            (vec![1.0f32; STREAM_ELEMS], vec![2.0f32; STREAM_ELEMS], vec![0.5f32; STREAM_ELEMS]);
                        ready.wait();
                        let start = Instant::now();
                        let mut moved = 0u64;
                        loop {
                            if triad {
                                for ((x, y), z) in a.iter_mut().zip(&b).zip(&c) {
                                    *x = y + 3.0 * z;
                                }
                                moved += 12 * STREAM_ELEMS as u64;
                            } else {
                                b.copy_from_slice(&a);
                                moved += 8 * STREAM_ELEMS as u64;
                            }
                            std::hint::black_box((&a, &b));
                            if start.elapsed() >= duration {
                                break;
                            }
                        }
                        (moved, start.elapsed().as_secs_f64())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or((0, 1.0))).collect()
        });
        let bytes: u64 = results.iter().map(|r| r.0).sum();
        let secs = results.iter().map(|r| r.1).fold(0.0, f64::max);
        bytes as f64 / secs.max(1e-9)
    };
    let probe = |name: &str, rate| CpuProbe { name: name.into(), rate, unit: "B/s", threads: n, isa: String::new() };
    (probe("cpu-copy", run(false)), probe("cpu-triad", run(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fma_kernel_computes_the_same_checksum() {
        let (kernel, _) = best_fma();
        assert_eq!(kernel(1000).to_bits(), fma_rounds(1000).to_bits(), "the vector kernel is the same arithmetic");
        assert!(fma_rounds(10).is_finite());
    }

    #[test]
    fn probes_report_positive_rates() {
        let p = fma_peak(Duration::from_millis(50));
        assert!(p.rate > 1e6 && p.rate.is_finite(), "{p:?}");
        let (copy, triad) = stream(Duration::from_millis(50));
        assert!(copy.rate > 1e6 && triad.rate > 1e6, "{copy:?} {triad:?}");
    }
}
