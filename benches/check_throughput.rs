//! The trace checker's throughput (events per second) and its memory: a
//! trace with a bounded number of live requests is checked in constant
//! memory, so the peak heap use for ten times the events stays the same.
//!
//! Three traces: a continuous reader over eight requests (reuse, format,
//! register, send, target completes, callback), the shape a real driver
//! log has; queue-presented requests each with a name of its own
//! (receive, format, register, send, target completes, callback,
//! complete), whose names and dead requests the checker keeps only for
//! its window of `DEAD_REMEMBERED` deaths; and the same with a context of
//! its own for each request (a recorder logging the context pointer),
//! which the checker keeps only while it keeps a request that registered
//! it. Peak memory is measured with a
//! counting global allocator, as the growth of the heap above what the
//! trace text itself takes.
//!
//! Then the reader's share on the continuous reader's lines, side by side
//! in one run: each line parsed into an event on the fast path, on
//! serde_json's path alone, and the fast path's scan alone.
//!
//! `cargo bench --bench check_throughput`

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wdfreq::check::Names;
use wdfreq::check::parse::{parse_line, parse_line_json};
use wdfreq::check::scan::Flat;

#[path = "workloads/mod.rs"]
mod workloads;
use workloads::{fresh_contexts, fresh_names, trace};

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

/// Checks `make(100k)` and `make(1M)`, asserting they conform and that
/// the heap's peak growth is the same for both (within `margin` bytes);
/// returns the large trace and its event count.
fn constant_memory(what: &str, make: fn(usize) -> String, margin: usize) -> (String, u64) {
    let small = make(100_000);
    let large = make(1_000_000);
    let (small_events, small_errors) = check(&small);
    let (events, errors) = check(&large);
    assert_eq!((small_errors, errors), (0, 0), "the {what} trace conforms");
    let (small_peak, large_peak) = (peak_growth(&small), peak_growth(&large));
    println!(
        "{what}: peak heap growth while checking: {small_peak} bytes for {small_events} events, \
         {large_peak} bytes for {events} events"
    );
    // The target: memory bounded by live requests, not by the trace.
    assert!(
        large_peak <= small_peak + margin,
        "{what}: memory grows with the trace: {small_peak} -> {large_peak}"
    );
    (large, events)
}

fn check_throughput(c: &mut Criterion) {
    let (reader, reader_events) = constant_memory("continuous reader", trace, 64 * 1024);
    let (fresh, fresh_events) = constant_memory("fresh names", fresh_names, 64 * 1024);
    let (contexts, contexts_events) = constant_memory("fresh contexts", fresh_contexts, 64 * 1024);

    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    group.throughput(Throughput::Elements(reader_events));
    group.bench_function("continuous reader, 1M events", |b| {
        b.iter(|| black_box(check(black_box(&reader))))
    });
    group.throughput(Throughput::Elements(fresh_events));
    group.bench_function("fresh names, 1M events", |b| {
        b.iter(|| black_box(check(black_box(&fresh))))
    });
    group.throughput(Throughput::Elements(contexts_events));
    group.bench_function("fresh contexts, 1M events", |b| {
        b.iter(|| black_box(check(black_box(&contexts))))
    });
    group.finish();

    // The reader's share, on the continuous reader's lines: each line
    // parsed into an event (the fast path, and serde_json's path alone),
    // and the fast path's scan alone.
    let lines: Vec<&str> = reader.lines().collect();
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function("parse_line (fast path), 1M lines", |b| {
        b.iter(|| {
            let mut names = Names::default();
            for line in &lines {
                black_box(parse_line(line, &mut names).ok());
            }
        })
    });
    group.bench_function("parse_line_json (serde_json), 1M lines", |b| {
        b.iter(|| {
            let mut names = Names::default();
            for line in &lines {
                black_box(parse_line_json(line, &mut names).ok());
            }
        })
    });
    group.bench_function("scan alone, 1M lines", |b| {
        b.iter(|| {
            let mut flat = Flat::default();
            for line in &lines {
                black_box(flat.scan(line));
            }
        })
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
