//! The endpoint client's own costs, without a network: reading a streamed
//! answer (the event-stream parser and the chunk's JSON, per token) and the
//! token accounting of a window (per request). Together they bound what
//! the client spends per token of a served model.
//!
//! Run: `cargo bench --bench endpoint_client`

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wattbench::endpoint::chunk::{parse_event, StreamEvent};
use wattbench::endpoint::sse::SseParser;
use wattbench::endpoint::tally::tally_window;
use wattbench::endpoint::{RequestRecord, TokenSource};
use wattbench::harness::Scenario;

/// A streamed answer of `tokens` chunks as vLLM sends it (chat API), then usage and `[DONE]`.
fn stream(tokens: usize) -> Vec<u8> {
    let mut s = String::new();
    for i in 0..tokens {
        s.push_str(&format!(
            "data: {{\"id\":\"chatcmpl-7f3a\",\"object\":\"chat.completion.chunk\",\"created\":1764460800,\
             \"model\":\"utility-llm\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\" load{i}\"}},\
             \"logprobs\":null,\"finish_reason\":null}}]}}\n\n"
        ));
    }
    s.push_str("data: {\"id\":\"chatcmpl-7f3a\",\"choices\":[],\"usage\":{\"prompt_tokens\":512,\"completion_tokens\":128,\"total_tokens\":640}}\n\n");
    s.push_str("data: [DONE]\n\n");
    s.into_bytes()
}

/// Feeds `body` in pieces of `piece` bytes, parsing every event as the client does; returns the text chunks.
fn read(body: &[u8], piece: usize) -> usize {
    let mut parser = SseParser::new(1 << 20);
    let mut chunks = 0usize;
    for part in body.chunks(piece) {
        parser
            .feed(part, &mut |data| {
                if let Ok(StreamEvent::Chunk(c)) = parse_event(data) {
                    chunks += usize::from(!c.text.is_empty());
                }
            })
            .unwrap();
    }
    chunks
}

fn per_token(c: &mut Criterion) {
    const TOKENS: usize = 1024;
    let body = stream(TOKENS);
    let event_len = body.len() / TOKENS;
    let mut group = c.benchmark_group("sse_stream_per_token");
    group.throughput(Throughput::Elements(TOKENS as u64));
    // One event per network read (a server that flushes every token), and 16 KiB reads (bunched tokens).
    for (name, piece) in [("one_event_per_read", event_len), ("16KiB_reads", 16 * 1024)] {
        group.bench_with_input(BenchmarkId::from_parameter(name), &piece, |b, &piece| {
            b.iter(|| assert_eq!(read(std::hint::black_box(&body), piece), TOKENS));
        });
    }
    group.finish();
}

fn records(n: usize, tokens: usize) -> Vec<RequestRecord> {
    let t0 = Instant::now();
    (0..n)
        .map(|i| {
            let sent = t0 + Duration::from_micros(i as u64 * 100);
            RequestRecord {
                scheduled: sent,
                sent,
                first_token: Some(sent + Duration::from_millis(20)),
                ended: sent + Duration::from_millis(20 + tokens as u64),
                itl_ns: vec![1_000_000 + i as u64; tokens - 1],
                chunks: tokens as u64,
                output_tokens: tokens as u64,
                prompt_tokens: 512,
                token_source: TokenSource::Usage,
                max_tokens: tokens as u64,
                failure: None,
                answer: None,
            }
        })
        .collect()
}

fn per_request(c: &mut Criterion) {
    let mut group = c.benchmark_group("window_tally_per_request");
    for tokens in [16usize, 128, 512] {
        let recs = records(1000, tokens);
        let opened = recs[0].sent;
        group.throughput(Throughput::Elements(recs.len() as u64));
        group.bench_with_input(BenchmarkId::new("tokens_per_request", tokens), &recs, |b, recs| {
            b.iter(|| tally_window(Scenario::Offline, 64, opened, recs, &[], (0, Duration::ZERO)).unwrap());
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = per_token, per_request
}
criterion_main!(benches);
