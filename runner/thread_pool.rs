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

/// Builds rayon's global pool with the calling thread as its thread 0 (the
/// pool's size is still all cores, or `RAYON_NUM_THREADS`). Call it first
/// thing on the main thread; if the pool already exists (something used it
/// first), it stays as it is and this says so.
pub fn adopt_current_thread() -> Result<(), rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new().use_current_thread().build_global()
}
