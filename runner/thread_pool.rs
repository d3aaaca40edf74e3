//! The process's thread pool, with the main thread in it.
//!
//! Burn's CPU backend runs its larger operations on rayon's global pool. An
//! operation started from a thread outside the pool hands its work to a
//! pool thread and sleeps until it is done: two context switches, measured
//! at ~28 us a query when a batch-1 query was moved into the pool whole
//! (against ~6 us for the whole of a dispatch-proxy query), and paid per
//! parallel operation otherwise (21% of a batch-1 transformer query was the
//! kernel switching tasks). With the main thread as one of the pool's
//! threads, the offline and single-stream scenarios, which issue their
//! queries from it, start every parallel operation where it runs.

/// The pool's size as rayon chooses it: `RAYON_NUM_THREADS` where it is a
/// positive number, else the CPUs this process may use.
fn pool_size() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Whether a pool of `threads` may take the main thread as one of them: only
/// beside at least one thread of its own, since the main thread runs the
/// pool's work only while it waits inside rayon, and work handed to the pool
/// from another thread (the server scenario's issuer) while the main thread
/// waits on that thread would otherwise never run.
fn adopts_main_thread(threads: usize) -> bool {
    threads >= 2
}

/// Builds rayon's global pool with the calling thread as its thread 0 (the
/// pool's size is still all cores, or `RAYON_NUM_THREADS`), where the pool
/// has more than one thread; returns whether it did. Call it first thing on
/// the main thread. Fails only where the pool already exists.
pub fn adopt_current_thread() -> Result<bool, rayon::ThreadPoolBuildError> {
    if !adopts_main_thread(pool_size()) {
        return Ok(false);
    }
    rayon::ThreadPoolBuilder::new().use_current_thread().build_global().map(|()| true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_of_one_thread_is_left_to_rayon() {
        assert!(!adopts_main_thread(1));
        assert!(adopts_main_thread(2));
        assert!(pool_size() >= 1);
    }
}
