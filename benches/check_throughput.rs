//! The trace checker's throughput (events per second) and its memory: a
//! trace over a bounded set of requests is checked in constant memory, so
//! the peak heap use for ten times the events stays the same.
//!
//! The trace is a continuous reader over eight requests (reuse, format,
//! register, send, target completes, callback), the shape a real driver log
//! has. Peak memory is measured with a counting global allocator, as the
//! growth of the heap above what the trace text itself takes.
//!
//! `cargo bench --bench check_throughput`

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to `System` with the caller's layout and
// pointer unchanged, so `System`'s guarantees hold; the counters are only
// arithmetic on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: forwarded unchanged (see the impl's comment).
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged (see the impl's comment).
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const REQUESTS: usize = 8;

/// A continuous reader over `REQUESTS` requests, about `events` events.
fn trace(events: usize) -> String {
    let mut text = String::with_capacity(events * 80);
    for r in 0..REQUESTS {
        text.push_str(&format!("{{\"op\":\"create\",\"req\":\"r{r}\"}}\n"));
    }
    let rounds = events / (6 * REQUESTS);
    for round in 0..rounds {
        for r in 0..REQUESTS {
            let information = (round * 7 + r) % 4096;
            text.push_str(&format!(
                "{{\"op\":\"reuse\",\"req\":\"r{r}\",\"status\":0}}\n\
                 {{\"op\":\"format\",\"req\":\"r{r}\",\"kind\":\"read\"}}\n\
                 {{\"op\":\"set_completion\",\"req\":\"r{r}\",\"callback\":\"OnRead\",\"context\":\"c{r}\"}}\n\
                 {{\"op\":\"send\",\"req\":\"r{r}\",\"target\":\"pipe\"}}\n\
                 {{\"op\":\"target_complete\",\"req\":\"r{r}\",\"status\":0,\"information\":{information}}}\n\
                 {{\"op\":\"callback\",\"req\":\"r{r}\",\"callback\":\"OnRead\",\"context\":\"c{r}\",\"status\":0,\"information\":{information}}}\n"
            ));
        }
    }
    text
}

/// Checks `text`; returns (events, errors).
fn check(text: &str) -> (u64, u64) {
    let summary = wdfreq::check::check("bench.jsonl", Cursor::new(text), &mut |_| {})
        .expect("the bench trace is well formed");
    (summary.events, summary.errors)
}

/// The heap's peak growth while checking `text`, in bytes.
fn peak_growth(text: &str) -> usize {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    black_box(check(text));
    PEAK.load(Ordering::Relaxed) - base
}

fn check_throughput(c: &mut Criterion) {
    let small = trace(100_000);
    let large = trace(1_000_000);
    let (events, errors) = check(&large);
    assert_eq!(errors, 0, "the bench trace conforms");
    let (small_peak, large_peak) = (peak_growth(&small), peak_growth(&large));
    println!(
        "peak heap growth while checking: {small_peak} bytes for 100k events, \
         {large_peak} bytes for {events} events"
    );
    // The target: memory bounded by live requests, not by the trace.
    assert!(
        large_peak <= small_peak + 64 * 1024,
        "memory grows with the trace: {small_peak} -> {large_peak}"
    );

    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Elements(events));
    group.sample_size(10);
    group.bench_function("continuous reader, 1M events", |b| {
        b.iter(|| black_box(check(black_box(&large))))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = check_throughput
}
criterion_main!(benches);
