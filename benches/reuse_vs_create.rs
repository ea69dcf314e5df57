//! Reuse versus create: does reusing one request beat creating and deleting
//! one per send, as the seed document claims?
//!
//! Both loops drive the simulated framework's native API through one whole
//! send per iteration (format, register a completion callback, send to
//! target 0, the target completes it, drain the callback invoked):
//!
//! - **reuse**: one request made up front; each send starts with
//!   `reuse(STATUS_SUCCESS)`;
//! - **create**: each send creates a request and deletes it afterwards.
//!
//! Two figures: sends per second (one criterion group, throughput one
//! element per iteration, both loops in the same run), and heap allocations
//! per send, counted by a counting global allocator over 10 000 sends after
//! a warm-up. The target is that reuse allocates nothing at all: the pool
//! resets the body in place, the target's and the framework's vectors keep
//! their capacity, and the deliveries vector here is pre-sized. The bench
//! asserts it before timing anything.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wdfreq::sim::{Framework, Handle};
use wdfreq::vocab::{
    CallbackId, Completion, ContextId, Delivery, FormatKind, ReuseFlags, SendMode, Status, TargetId,
};

/// The system allocator, counting every allocation (`alloc`,
/// `alloc_zeroed` and `realloc` each count one).
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees are `Counting`'s; the counter is an
// atomic add and touches no allocated memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract
        // (non-zero size), which is `System::alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by this allocator, hence by `System`,
        // with `layout`; the caller upholds the rest of the contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, hence by `System`,
        // with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Sends measured for the allocation counts.
const SENDS: u64 = 10_000;
/// Sends run before counting, so that the framework's vectors have grown.
const WARM_UP_SENDS: u64 = 100;

const COMPLETION: Completion = Completion {
    status: Status::SUCCESS,
    information: 512,
};

/// One send of `request`: format, register, send, the target completes it,
/// drain the one callback invoked into `deliveries` (then clear it).
fn send_once(framework: &mut Framework, request: &Handle, deliveries: &mut Vec<Delivery<Handle>>) {
    framework.format(request, FormatKind::Read).unwrap();
    framework
        .set_completion_callback(request, CallbackId(0), Some(ContextId(0)))
        .unwrap();
    framework
        .send(request, TargetId(0), SendMode::Async, false, false)
        .unwrap();
    framework.target_complete(request, COMPLETION).unwrap();
    framework.drain_deliveries(deliveries);
    debug_assert_eq!(deliveries.len(), 1);
    black_box(&deliveries[..]);
    deliveries.clear();
}

/// The reuse loop's state: one request, made once.
struct Reusing {
    framework: Framework,
    request: Handle,
    deliveries: Vec<Delivery<Handle>>,
}

impl Reusing {
    fn new() -> Reusing {
        let mut framework = Framework::new();
        let request = framework.create_request().unwrap();
        Reusing {
            framework,
            request,
            deliveries: Vec::with_capacity(4),
        }
    }

    fn send(&mut self) {
        self.framework
            .reuse(&self.request, Status::SUCCESS, ReuseFlags::NONE)
            .unwrap();
        send_once(&mut self.framework, &self.request, &mut self.deliveries);
    }
}

/// The create loop's state: a request is made and deleted per send.
struct Creating {
    framework: Framework,
    deliveries: Vec<Delivery<Handle>>,
}

impl Creating {
    fn new() -> Creating {
        Creating {
            framework: Framework::new(),
            deliveries: Vec::with_capacity(4),
        }
    }

    fn send(&mut self) {
        let request = self.framework.create_request().unwrap();
        send_once(&mut self.framework, &request, &mut self.deliveries);
        self.framework.delete(&request).unwrap();
    }
}

/// Allocations per send over `SENDS` sends of `send`, after a warm-up.
fn allocations_per_send(mut send: impl FnMut()) -> f64 {
    for _ in 0..WARM_UP_SENDS {
        send();
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..SENDS {
        send();
    }
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    (after - before) as f64 / SENDS as f64
}

fn count_allocations() {
    let mut reusing = Reusing::new();
    let reuse = allocations_per_send(|| reusing.send());
    let mut creating = Creating::new();
    let create = allocations_per_send(|| creating.send());
    println!("reuse: {reuse:.3} allocations/send");
    println!("create: {create:.3} allocations/send");
    assert_eq!(reuse, 0.0, "the reuse path allocates");
}

fn reuse_vs_create(c: &mut Criterion) {
    count_allocations();
    let mut group = c.benchmark_group("send");
    group.throughput(Throughput::Elements(1));
    group.bench_function("reuse", |b| {
        let mut reusing = Reusing::new();
        b.iter(|| reusing.send());
    });
    group.bench_function("create", |b| {
        let mut creating = Creating::new();
        b.iter(|| creating.send());
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    targets = reuse_vs_create
}
criterion_main!(benches);
