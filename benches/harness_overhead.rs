//! The harness's own cost per query: a no-op system under test through the
//! single-stream and offline scenarios. What this measures is overhead that
//! every real query also pays (sample order, timestamps, histogram record,
//! stop-flag check); it must stay far below the work being measured.
//!
//! Run: `cargo bench --bench harness_overhead`

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use wattbench::harness::{run_scenario, HarnessError, NoWindowObserver, Scenario, ScenarioSettings, SystemUnderTest};

/// Does nothing: every nanosecond measured is the harness's.
struct NoopSut;

impl SystemUnderTest for NoopSut {
    fn sample_count(&self) -> usize {
        1024
    }
    fn issue(&mut self, samples: &[usize]) -> Result<(), HarnessError> {
        std::hint::black_box(samples);
        Ok(())
    }
    fn sync(&mut self) -> Result<(), HarnessError> {
        Ok(())
    }
}

fn per_query(c: &mut Criterion) {
    let mut group = c.benchmark_group("harness_per_query");
    for scenario in [Scenario::SingleStream, Scenario::Offline] {
        for batch in [1usize, 64] {
            group.bench_with_input(BenchmarkId::new(scenario.name(), batch), &batch, |b, &batch| {
                b.iter_custom(|queries| {
                    let settings = ScenarioSettings {
                        scenario,
                        batch_size: batch,
                        warmup: Duration::ZERO,
                        min_duration: Duration::ZERO,
                        min_queries: queries.max(1),
                        seed: 1,
                        target_qps: None,
                    };
                    let stop = AtomicBool::new(false);
                    let start = Instant::now();
                    let out = run_scenario(&mut NoopSut, &settings, &mut NoWindowObserver, &stop);
                    let elapsed = start.elapsed();
                    std::hint::black_box(out.map(|o| o.queries).unwrap_or(0));
                    elapsed
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, per_query);
criterion_main!(benches);
