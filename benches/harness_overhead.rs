//! The harness's own cost per query: a no-op system under test through the
//! single-stream and offline scenarios. What this measures is overhead that
//! every real query also pays (sample order, timestamps, histogram record,
//! stop-flag check); it must stay far below the work being measured.
//!
//! It also runs the server scenario at 100,000 queries per second.
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

/// The server scenario at 100,000 queries per second with a no-op system:
/// criterion's time per iteration is the time per query, so 10 µs means the
/// scheduler kept pace; more means it fell behind. The scheduler's own
/// lateness (p99) is printed once.
fn server_at_100k(c: &mut Criterion) {
    const RATE: f64 = 100_000.0;
    let mut group = c.benchmark_group("server_noop");
    group.sample_size(10);
    let mut printed = false;
    group.bench_function("100k_qps_per_query", |b| {
        b.iter_custom(|queries| {
            let settings = ScenarioSettings {
                scenario: Scenario::Server,
                batch_size: 64,
                warmup: Duration::ZERO,
                min_duration: Duration::ZERO,
                min_queries: queries.max(100),
                seed: 1,
                target_qps: Some(RATE),
            };
            let start = Instant::now();
            let out = run_scenario(&mut NoopSut, &settings, &mut NoWindowObserver, &AtomicBool::new(false));
            let elapsed = start.elapsed();
            // Report one long run: a short one says little about sustained pace.
            if let (Ok(o), false, true) = (&out, printed, queries >= 50_000) {
                if let Some(late) = &o.scheduler_lateness_ns {
                    eprintln!(
                        "server at {RATE} q/s: {} queries in {:?} ({:.0} q/s achieved), scheduler lateness p50 {} ns, p99 {} ns, latency p99 {} ns",
                        o.queries,
                        o.window,
                        o.queries as f64 / o.window.as_secs_f64(),
                        late.value_at_quantile(0.5),
                        late.value_at_quantile(0.99),
                        o.latency_ns.value_at_quantile(0.99)
                    );
                    printed = true;
                }
            }
            elapsed
        });
    });
    group.finish();
}

criterion_group!(benches, per_query, server_at_100k);
criterion_main!(benches);
