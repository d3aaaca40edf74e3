//! The endpoint's load generator, on a multi-threaded tokio runtime: a
//! closed loop at a fixed concurrency (offline, and every warm-up), and
//! Poisson arrivals from the seeded schedule (server), each request sent at
//! its scheduled time whatever the others are doing. Ctrl-C (the `stop`
//! flag) is polled every few milliseconds and abandons the requests in
//! flight.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

use super::client::{EndpointClient, PreparedRequest, RequestRecord};
use crate::harness::HarnessError;

/// How often the stop flag is polled.
const POLL: Duration = Duration::from_millis(20);

/// What the load generator needs, shared by its tasks.
pub struct LoadContext {
    /// The client.
    pub client: EndpointClient,
    /// The requests, cycled through.
    pub requests: Vec<PreparedRequest>,
}

/// When a closed loop stops issuing.
#[derive(Clone, Copy, Debug)]
pub struct ClosedLoopStop {
    /// Issue at least this many requests...
    pub min_requests: u64,
    /// ...and keep issuing until this much time has passed.
    pub min_duration: Duration,
    /// Stop issuing early once this many requests failed and they are more
    /// than half of those that ended (the run is INVALID anyway).
    pub abandon_after_failures: u64,
}

/// What a closed loop or a schedule produced.
pub struct LoadOutcome {
    /// Every request that ended, in the order they ended.
    pub records: Vec<RequestRecord>,
    /// Server: how late each request was sent after its scheduled time, nanoseconds.
    pub lateness_ns: Vec<u64>,
    /// Index of the next request of the set (where the next loop starts).
    pub next_request: usize,
    /// Whether issuing stopped early because most requests failed.
    pub abandoned: bool,
}

/// Keeps `concurrency` requests in flight, starting at request `first`,
/// timed from `opened`, until `until` is met; then waits for the last.
pub fn closed_loop(
    rt: &Runtime,
    ctx: &Arc<LoadContext>,
    concurrency: usize,
    first: usize,
    until: ClosedLoopStop,
    opened: Instant,
    stop: &AtomicBool,
) -> Result<LoadOutcome, HarnessError> {
    rt.block_on(async {
        let next = Arc::new(AtomicUsize::new(0));
        let issuing = Arc::new(AtomicBool::new(true));
        let (tx, mut rx) = mpsc::unbounded_channel::<RequestRecord>();
        let mut workers = JoinSet::new();
        for _ in 0..concurrency.max(1) {
            let (ctx, next, issuing, tx) = (ctx.clone(), next.clone(), issuing.clone(), tx.clone());
            workers.spawn(async move {
                let n = ctx.requests.len();
                while issuing.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let must = (k as u64) < until.min_requests;
                    if !must && opened.elapsed() >= until.min_duration {
                        break;
                    }
                    let rec = ctx.client.stream(&ctx.requests[(first + k) % n], Instant::now()).await;
                    if tx.send(rec).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut records = Vec::new();
        let (mut failed, mut abandoned) = (0u64, false);
        loop {
            tokio::select! {
                rec = rx.recv() => match rec {
                    Some(r) => {
                        failed += u64::from(r.failure.is_some());
                        records.push(r);
                        if failed >= until.abandon_after_failures && 2 * failed > records.len() as u64 && !abandoned {
                            abandoned = true;
                            issuing.store(false, Ordering::Relaxed);
                        }
                    }
                    None => break,
                },
                _ = tokio::time::sleep(POLL) => {
                    if stop.load(Ordering::Relaxed) {
                        workers.abort_all();
                        return Err(HarnessError::Interrupted);
                    }
                }
            }
        }
        let next_request = first + records.len();
        Ok(LoadOutcome { records, lateness_ns: Vec::new(), next_request, abandoned })
    })
}

/// Sends request `first + k` at `opened + offsets[k]` (nanoseconds) for
/// every `k`, at most `max_in_flight` at once, and waits for all of them.
/// Each request's latency counts from its scheduled time.
pub fn scheduled(
    rt: &Runtime,
    ctx: &Arc<LoadContext>,
    offsets: &[u64],
    first: usize,
    max_in_flight: usize,
    opened: Instant,
    stop: &AtomicBool,
) -> Result<LoadOutcome, HarnessError> {
    rt.block_on(async {
        let n = ctx.requests.len();
        let permits = Arc::new(Semaphore::new(max_in_flight.max(1)));
        let mut tasks: JoinSet<RequestRecord> = JoinSet::new();
        let mut records = Vec::with_capacity(offsets.len());
        let mut lateness_ns = Vec::with_capacity(offsets.len());
        for (k, &offset) in offsets.iter().enumerate() {
            let due = opened + Duration::from_nanos(offset);
            loop {
                let now = Instant::now();
                if stop.load(Ordering::Relaxed) {
                    tasks.abort_all();
                    return Err(HarnessError::Interrupted);
                }
                if now >= due {
                    break;
                }
                // Collect finished requests while waiting, so that memory stays flat.
                while let Some(done) = tasks.try_join_next() {
                    records.push(done.map_err(|e| HarnessError::Sut(format!("a request task failed: {e}")))?);
                }
                tokio::time::sleep_until(tokio::time::Instant::from_std(due.min(now + POLL))).await;
            }
            lateness_ns.push(Instant::now().duration_since(due).as_nanos() as u64);
            let (ctx, permits) = (ctx.clone(), permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                ctx.client.stream(&ctx.requests[(first + k) % n], due).await
            });
        }
        loop {
            tokio::select! {
                done = tasks.join_next() => match done {
                    Some(r) => records.push(r.map_err(|e| HarnessError::Sut(format!("a request task failed: {e}")))?),
                    None => break,
                },
                _ = tokio::time::sleep(POLL) => {
                    if stop.load(Ordering::Relaxed) {
                        tasks.abort_all();
                        return Err(HarnessError::Interrupted);
                    }
                }
            }
        }
        Ok(LoadOutcome { records, lateness_ns, next_request: first + offsets.len(), abandoned: false })
    })
}
