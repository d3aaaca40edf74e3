//! Turning a panic deep inside a backend (for example an out-of-memory
//! allocation in a GPU runtime) into a one-line error for that run, instead
//! of a backtrace that ends the whole suite; and reporting any panic that
//! escapes every guard as what it is: a bug in wattbench, in one line that
//! says where.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// How many [`catch_panic`] guards are running now, on any thread. A
/// backend's worker threads panic outside the guard's own thread (and the
/// guarded thread then panics in turn): while a guard runs, every panic is
/// the guarded run's to report.
static GUARDS: AtomicUsize = AtomicUsize::new(0);

/// How many panics the guards have caught in this process.
static CAUGHT: AtomicUsize = AtomicUsize::new(0);

/// The number of panics [`catch_panic`] has caught so far in this process.
pub fn panics_caught() -> usize {
    CAUGHT.load(Ordering::SeqCst)
}

/// Appends a panic's whole message to the file named by `WATTBENCH_PANIC_LOG`,
/// when set: the one-line error keeps 500 characters, and a backend's panic
/// (an autotuner listing why each kernel failed) may say more that matters.
fn log_whole(info: &panic::PanicHookInfo<'_>) {
    let Some(path) = std::env::var_os("WATTBENCH_PANIC_LOG") else { return };
    let whole: String = payload_text(info).chars().take(64 * 1024).collect();
    let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
    let entry = format!("--- panic at {at}\n{whole}\n");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        use std::io::Write;
        let _ = f.write_all(entry.as_bytes());
    }
}

/// The exit code of a panic that escaped every guard (a bug): 70, the BSD
/// `EX_SOFTWARE` ("internal software error").
pub const BUG_EXIT_CODE: u8 = 70;

/// The longest panic message kept, in characters (a message may quote a
/// hostile value of any length).
const MAX_MESSAGE_CHARS: usize = 500;

/// A panic's message, whole.
fn payload_text(info: &panic::PanicHookInfo<'_>) -> String {
    info.payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn describe(info: &panic::PanicHookInfo<'_>) -> String {
    let mut message: String = crate::escape::one_line(&payload_text(info)).chars().take(MAX_MESSAGE_CHARS).collect();
    if let Some(l) = info.location() {
        message.push_str(&format!(" (at {}:{})", l.file(), l.line()));
    }
    message
}

/// Replaces the default panic hook. Inside a [`catch_panic`] guard, the hook
/// only remembers the message and where it happened, and the guard reports
/// it as the run's one-line error. Outside every guard it prints one line,
/// `error: bug in wattbench: ...` with the place, to standard error; the
/// program then exits with [`BUG_EXIT_CODE`] (see `main`).
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        log_whole(info);
        let message = describe(info);
        if GUARDS.load(Ordering::SeqCst) > 0 {
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = Some(message);
            }
        } else {
            eprintln!("error: bug in wattbench: panicked: {message}; please report it");
        }
    }));
}

/// Runs `f`, converting a panic into `Err(message)`.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    GUARDS.fetch_add(1, Ordering::SeqCst);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDS.fetch_sub(1, Ordering::SeqCst);
    result.map_err(|_| {
        CAUGHT.fetch_add(1, Ordering::SeqCst);
        LAST_PANIC
            .lock()
            .ok()
            .and_then(|mut l| l.take())
            .unwrap_or_else(|| "the backend panicked".into())
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    })
}
