//! One heap policy for the whole process, set at start-up before any work.
//!
//! glibc's malloc adapts its mmap threshold as large blocks are freed and
//! hands freed memory at the top of the heap back to the kernel, so the
//! cost of a model's allocations depended on what had run before it in the
//! same process: on the 2-vCPU test machine, transformer-temp offline at
//! batch 64 ran at 793 samples/s first in a suite and at 1,419 samples/s
//! after a load-forecast run (measured side by side in one suite). Fixing
//! the thresholds gives every run the same allocator whatever ran before.

use std::sync::OnceLock;

static POLICY: OnceLock<&'static str> = OnceLock::new();

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn apply() -> &'static str {
    // SAFETY: mallopt only sets malloc's tunables; it is called once, at
    // start-up, before the program starts any other thread.
    let ok = unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20) == 1 && libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30) == 1
    };
    if ok {
        "glibc malloc, fixed: mmap threshold 32 MiB, trim threshold 1 GiB"
    } else {
        "glibc malloc, default adaptive thresholds (fixing them failed)"
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn apply() -> &'static str {
    "the platform's allocator, default policy"
}

/// Sets the process's heap policy (once; later calls do nothing) and returns it in words.
pub fn fix_heap_policy() -> &'static str {
    POLICY.get_or_init(apply)
}

/// The heap policy in force, in words, for the results' provenance.
pub fn heap_policy() -> &'static str {
    POLICY.get().copied().unwrap_or("the platform's allocator, default policy (not fixed)")
}
