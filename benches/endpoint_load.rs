//! The endpoint client under load: is the load generator ever the bottleneck?
//!
//! A fast local streaming server (`support/fast_sse_server.rs`, in this
//! process, one runtime thread) streams one token every `1/rate` seconds on
//! each of `streams` connections; wattbench's own client (`EndpointClient`
//! through the offline scenario's closed loop, exactly as `wattbench run`
//! drives an endpoint) keeps `streams` requests in flight. For every token
//! the benchmark compares when the client took its arrival with when the
//! server handed it to the socket: that difference is what the client (and
//! the loopback, and sharing the CPU with the server) adds to a token's
//! latency. Offered load, achieved tokens/s, the added latency's
//! percentiles and the CPU the whole process used are printed.
//!
//! Run: `cargo bench --bench endpoint_load [-- --streams 1000 --rate 100 --tokens 100 --seconds 10]`

#[path = "support/fast_sse_server.rs"]
mod fast_sse_server;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use wattbench::endpoint::client::{request_body, EndpointClient, PreparedRequest};
use wattbench::endpoint::load::{closed_loop, ClosedLoopStop, LoadContext};
use wattbench::endpoint::{EndpointParams, TextRequest};

struct Args {
    streams: usize,
    rate: f64,
    tokens: usize,
    seconds: f64,
    threads: usize,
}

fn args() -> Args {
    let mut a = Args {
        streams: 1000,
        rate: 100.0,
        tokens: 100,
        seconds: 10.0,
        threads: std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8),
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let value = argv.get(i + 1).cloned().unwrap_or_default();
        let bad = |name: &str| -> ! {
            eprintln!("error: {name} {value}: not a usable number");
            std::process::exit(2)
        };
        match argv[i].as_str() {
            "--streams" => a.streams = value.parse().ok().filter(|n| *n > 0).unwrap_or_else(|| bad("--streams")),
            "--rate" => a.rate = value.parse().ok().filter(|r: &f64| *r > 0.0).unwrap_or_else(|| bad("--rate")),
            "--tokens" => a.tokens = value.parse().ok().filter(|n| *n > 1).unwrap_or_else(|| bad("--tokens")),
            "--seconds" => {
                a.seconds = value.parse().ok().filter(|s: &f64| *s > 0.0).unwrap_or_else(|| bad("--seconds"))
            }
            "--threads" => a.threads = value.parse().ok().filter(|n| *n > 0).unwrap_or_else(|| bad("--threads")),
            // cargo bench passes --bench; anything else is ignored like criterion does.
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

/// Raises the open-file limit to what `streams` connections at both ends need.
fn raise_file_limit(streams: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            let want = (2 * streams as u64 + 256).min(lim.rlim_max);
            if lim.rlim_cur < want {
                lim.rlim_cur = want;
                libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            }
        }
    }
}

/// CPU seconds used so far by this process's threads whose name starts with
/// `prefix` (from /proc; 0 where there is none).
fn thread_cpu_seconds(prefix: &str) -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return f64::NAN };
    let tick = 100.0; // USER_HZ: /proc reports clock ticks of 1/100 s on Linux
    let mut total = 0.0;
    for t in tasks.flatten() {
        let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
        if !comm.starts_with(prefix) {
            continue;
        }
        let stat = std::fs::read_to_string(t.path().join("stat")).unwrap_or_default();
        // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| f.get(i - 3).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        total += (ticks(14) + ticks(15)) / tick;
    }
    total
}

/// CPU seconds this process has used (user + system).
fn cpu_seconds() -> f64 {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut u) == 0 {
            let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 * 1e-6;
            return t(u.ru_utime) + t(u.ru_stime);
        }
    }
    f64::NAN
}

fn us(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1e3
}

fn main() {
    let a = args();
    raise_file_limit(a.streams);
    let interval = Duration::from_secs_f64(1.0 / a.rate);
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("sse-server")
        .enable_all()
        .build()
        .expect("server runtime");
    let (addr, logs) = fast_sse_server::start(&server_rt, interval);

    let params = EndpointParams {
        base_url: format!("http://{addr}/v1"),
        model: "fast".into(),
        timeout_s: 120.0,
        max_in_flight: a.streams,
        ..Default::default()
    };
    let requests: Vec<PreparedRequest> = (0..64)
        .map(|id| {
            let text = TextRequest {
                id,
                prompt: format!("Forecast tomorrow's load for feeder {id}."),
                prompt_tokens: 8,
                max_tokens: a.tokens,
                label: "bench".into(),
            };
            PreparedRequest { body: request_body(&params, &text), max_tokens: a.tokens, prompt_tokens: 8 }
        })
        .collect();
    let client = EndpointClient::new(&params, None).expect("client");
    let ctx = Arc::new(LoadContext { client, requests });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(a.threads)
        .enable_all()
        .build()
        .expect("client runtime");
    let stop = AtomicBool::new(false);
    let run = |min_duration: Duration| {
        let until = ClosedLoopStop { min_requests: 0, min_duration, abandon_after_failures: u64::MAX };
        let opened = Instant::now();
        let out = closed_loop(&rt, &ctx, a.streams, 0, until, opened, &stop).expect("closed loop");
        (out, opened, opened.elapsed())
    };
    // Warm-up: every connection opened once.
    let _ = run(Duration::from_secs_f64(0.5));
    let first_serial = logs.lock().unwrap().len();
    let (cpu0, server0) = (cpu_seconds(), thread_cpu_seconds("sse-server"));
    let (out, opened, elapsed) = run(Duration::from_secs_f64(a.seconds));
    let (cpu, server_cpu) = (cpu_seconds() - cpu0, thread_cpu_seconds("sse-server") - server0);
    // Steady state: from 1 s after the window opened (every stream starts at
    // once) to its nominal end (then the closed loop only drains).
    let (steady_from, steady_to) = (opened + Duration::from_secs(1), opened + Duration::from_secs_f64(a.seconds));
    let mut steady_tokens = 0u64;

    let mut added = Histogram::<u64>::new_with_bounds(1, 60_000_000_000, 3).unwrap();
    let mut late = Histogram::<u64>::new_with_bounds(1, 60_000_000_000, 3).unwrap();
    let (mut tokens, mut failed, mut unmatched) = (0u64, 0u64, 0u64);
    let logs = logs.lock().unwrap();
    for rec in &out.records {
        if rec.failure.is_some() {
            failed += 1;
            continue;
        }
        tokens += rec.output_tokens;
        let serial = rec.prompt_tokens as usize;
        let (Some(Some(log)), Some(first)) = (logs.get(serial).filter(|_| serial >= first_serial), rec.first_token)
        else {
            unmatched += 1;
            continue;
        };
        let mut arrival = first;
        let mut arrivals = vec![arrival];
        for gap in &rec.itl_ns {
            arrival += Duration::from_nanos(*gap);
            arrivals.push(arrival);
        }
        if arrivals.len() != log.sent.len() {
            unmatched += 1;
            continue;
        }
        steady_tokens += arrivals.iter().filter(|t| **t >= steady_from && **t < steady_to).count() as u64;
        for (got, sent) in arrivals.iter().zip(&log.sent) {
            added.record(got.saturating_duration_since(*sent).as_nanos().max(1) as u64).unwrap();
        }
        for l in &log.late_ns {
            late.record((*l).max(1)).unwrap();
        }
    }
    let offered = a.streams as f64 * a.rate;
    let achieved = steady_tokens as f64 / (a.seconds - 1.0).max(1e-9);
    println!(
        "endpoint client under load: {} streams x {} tokens/s each (offered {:.0} tokens/s), {} tokens per request, \
         {:.1} s window, client runtime {} threads, server 1 thread, {} CPUs",
        a.streams,
        a.rate,
        offered,
        a.tokens,
        elapsed.as_secs_f64(),
        a.threads,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "requests completed {} (failed {failed}, unmatched {unmatched}); tokens {tokens}; steady state (1 s to {:.0} s) \
         {achieved:.0} tokens/s ({:.3} of offered)",
        out.records.len() as u64 - failed,
        a.seconds,
        achieved / offered
    );
    println!(
        "added latency per token (client arrival - server write), us: p50 {:.1}  p90 {:.1}  p99 {:.1}  p99.9 {:.1}  max {:.1}  ({} tokens)",
        us(&added, 0.5),
        us(&added, 0.9),
        us(&added, 0.99),
        us(&added, 0.999),
        added.max() as f64 / 1e3,
        added.len()
    );
    println!(
        "server schedule lateness, us: p50 {:.1}  p99 {:.1} (a late server offers less load, and its lateness is not the client's)",
        us(&late, 0.5),
        us(&late, 0.99)
    );
    let client_cpu = cpu - server_cpu;
    println!(
        "CPU in {:.2} s: client {client_cpu:.2} s ({:.2} cores, {:.2} us per token), server thread {server_cpu:.2} s, \
         process {cpu:.2} s",
        elapsed.as_secs_f64(),
        client_cpu / elapsed.as_secs_f64(),
        client_cpu / tokens.max(1) as f64 * 1e6
    );
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "targets: >= 1000 concurrent streams: {}; >= 100000 tokens/s: {}; added latency p99 < 50 us: {}",
        verdict(a.streams >= 1000 && failed == 0),
        verdict(achieved >= 100_000.0),
        verdict(us(&added, 0.99) < 50.0)
    );
}
