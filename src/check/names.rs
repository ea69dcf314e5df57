//! The names of a trace and the ids the reader gives them: each name of a
//! request, callback, context, target or queue is interned to an id of the
//! vocabulary's ([`RequestId`], [`CallbackId`], ...), in order of first
//! appearance, and held only while it can matter, so that memory is
//! bounded by the live requests and not by the trace's length nor by how
//! many names it uses.
//!
//! - Ids come from one counter per kind and are never given twice (at
//!   most 4,294,967,295 of a kind in one trace): an id always means the
//!   name it was given for, so a forgotten name's id can never come to
//!   mean another name while the model, or an event read ahead, still
//!   holds it.
//! - A request name is introduced by `create` or `receive`, and only once
//!   while it is remembered. It is retired by the first line that ends
//!   the request ([`Parsed::retires`](super::parse::Parsed::retires)) and
//!   forgotten once [`DEAD_REMEMBERED`] later requests were retired: a
//!   line naming it after that is malformed, and a `create` or `receive`
//!   of it introduces a new request.
//! - A callback, context, target or queue name is held by every request a
//!   line gives it to (a `set_completion`'s or a `callback`'s callback and
//!   context, a `format`'s or a `send`'s target, a `receive`'s queue) for
//!   as long as that request's name is held, and by the trace itself once
//!   a line changes the target's state (`target_start`, `target_stop`,
//!   `target_purge`, `target_close`: the model keeps that state for the
//!   whole trace). Once nothing holds it, the name is forgotten, and a
//!   later line naming it again gives it a new id. That is sound because
//!   the model compares callbacks and contexts only with those of the
//!   same request (a completion must reach the callback and context
//!   registered for that send; `callback-leak` looks for one gone from
//!   that request), and knows a target by id only through the requests
//!   sent to it and the state a line changed: none of which can hold an
//!   id whose name was forgotten.
//!
//! So a trace that gives each request a context of its own (a recorder
//! logging the context as a pointer) holds the contexts of the requests
//! it holds: the live ones and the last [`DEAD_REMEMBERED`] to die. What
//! grows with a trace is only what the model keeps for good: the targets
//! whose state a line changed, and every callback and context one request
//! was given over its life (a request reused with a new context for each
//! send holds them all, as `callback-leak` is judged against its whole
//! history).

use std::collections::VecDeque;

use super::error::TraceErrorKind;
use crate::vocab::{CallbackId, ContextId, QueueId, Registration, RequestId, TargetId};

/// The maps that intern names: looked up on every event, never iterated,
/// so a fast hasher with a fixed seed (no order reaches an id).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// The most recent request retirements whose names the reader remembers:
/// a request is retired by the first `complete`, `delete` or `send` with
/// mode `forget` that names it, and its name is forgotten once this many
/// later requests were retired.
pub const DEAD_REMEMBERED: usize = 4096;

/// The kinds of names besides requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Callback,
    Context,
    Target,
    Queue,
}

/// One name of a kind besides requests, and what holds it.
#[derive(Clone, Debug)]
struct Entry {
    name: Box<str>,
    /// The requests held that a line gave the name to.
    requests: u32,
    /// A line changed the target's state: held for the whole trace.
    pinned: bool,
}

/// The names of one kind besides requests: interned to ids, in order of
/// first appearance, and held while a request or the trace holds them.
///
/// # Invariants
///
/// - Ids come from `next` and are never given twice.
/// - `ids` maps exactly the names of `entries`, each to its own id: an
///   entry leaves both maps once nothing holds it.
#[derive(Clone, Debug)]
struct Interner {
    // Looked up only, never iterated: no HashMap order reaches an id.
    ids: HashMap<Box<str>, u32>,
    entries: HashMap<u32, Entry>,
    /// Ids given so far: the next id.
    next: u32,
    /// Names forgotten so far.
    forgotten: u64,
    field: &'static str,
}

impl Interner {
    fn new(field: &'static str) -> Self {
        Interner {
            ids: HashMap::default(),
            entries: HashMap::default(),
            next: 0,
            forgotten: 0,
            field,
        }
    }

    /// The id of `name`, given now if nothing holds it yet.
    fn intern(&mut self, name: &str) -> Result<u32, TraceErrorKind> {
        if let Some(&id) = self.ids.get(name) {
            return Ok(id);
        }
        let id = self.next;
        self.next = id.checked_add(1).ok_or(TraceErrorKind::TooManyNames {
            field: self.field,
            max: u32::MAX as usize,
        })?;
        let name: Box<str> = name.into();
        self.ids.insert(name.clone(), id);
        let (requests, pinned) = (0, false);
        self.entries.insert(
            id,
            Entry {
                name,
                requests,
                pinned,
            },
        );
        Ok(id)
    }

    /// One more request holds `id`.
    fn hold(&mut self, id: u32) {
        if let Some(entry) = self.entries.get_mut(&id) {
            entry.requests += 1;
        }
    }

    /// The trace holds `id` for good.
    fn pin(&mut self, id: u32) {
        if let Some(entry) = self.entries.get_mut(&id) {
            entry.pinned = true;
        }
    }

    /// One request that held `id` is released; the name is forgotten when
    /// nothing holds it any more.
    fn let_go(&mut self, id: u32) {
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        entry.requests = entry.requests.saturating_sub(1);
        if entry.requests > 0 || entry.pinned {
            return;
        }
        if self.forgotten == 0 {
            // As for request names (see `Names::retire`): from here on the
            // maps lose a name for each one they gain, so room for twice
            // the names makes their growth happen here, once.
            self.ids.reserve(self.ids.len());
            self.entries.reserve(self.entries.len());
        }
        self.forgotten += 1;
        if let Some(entry) = self.entries.remove(&id) {
            self.ids.remove(&entry.name);
        }
    }

    fn name(&self, id: u32) -> &str {
        self.entries.get(&id).map_or("?", |entry| &entry.name)
    }
}

/// One request name the reader holds.
#[derive(Clone, Debug)]
struct RequestName {
    name: Box<str>,
    /// A `complete`, `delete` or forgetting `send` named it.
    retired: bool,
    /// The names of other kinds lines gave the request, each once: held
    /// until the request's name is released.
    holds: Vec<(Kind, u32)>,
}

/// Request names and their ids, held only while they can matter.
///
/// # Invariants
///
/// - Ids come from a counter and are never given twice, so an id read
///   ahead never comes to mean another request.
/// - `ids` maps the names a line may use; `names` also keeps, until
///   [`Names::release`], the names of requests forgotten while events
///   naming them are still to be judged.
/// - `retired` holds at most [`DEAD_REMEMBERED`] ids, each once: so
///   `ids` holds at most the requests not yet retired and that many more.
#[derive(Clone, Debug, Default)]
struct Requests {
    // Looked up only, never iterated: no HashMap order reaches an id.
    ids: HashMap<Box<str>, u32>,
    names: HashMap<u32, RequestName>,
    /// Requests introduced so far: the next id.
    introduced: u32,
    /// Retired requests, oldest first.
    retired: VecDeque<u32>,
    /// Request names forgotten so far.
    forgotten: u64,
}

/// The names of a trace and the ids they were given, held as the module
/// docs say.
#[derive(Clone, Debug)]
pub struct Names {
    requests: Requests,
    callbacks: Interner,
    contexts: Interner,
    targets: Interner,
    queues: Interner,
}

impl Default for Names {
    fn default() -> Self {
        Names {
            requests: Requests::default(),
            callbacks: Interner::new("callback"),
            contexts: Interner::new("context"),
            targets: Interner::new("target"),
            queues: Interner::new("queue"),
        }
    }
}

impl Names {
    /// The trace's name of `request`; `?` once it was released.
    pub fn request(&self, request: RequestId) -> &str {
        self.requests
            .names
            .get(&request.0)
            .map_or("?", |entry| &entry.name)
    }

    /// The number of request names forgotten so far.
    pub fn forgotten(&self) -> u64 {
        self.requests.forgotten
    }

    /// The number of request names held: those a line may use, and those
    /// kept for messages (bounded: see [`DEAD_REMEMBERED`]).
    pub fn requests_held(&self) -> usize {
        self.requests.names.len()
    }

    /// The number of callback, context, target and queue names held (see
    /// the module docs for how long).
    pub fn others_held(&self) -> usize {
        [&self.callbacks, &self.contexts, &self.targets, &self.queues]
            .iter()
            .map(|interner| interner.entries.len())
            .sum()
    }

    /// The trace's name of `target`; `?` once it was forgotten.
    pub fn target(&self, target: TargetId) -> &str {
        self.targets.name(target.0)
    }

    /// The trace's name of `queue`; `?` once it was forgotten.
    pub fn queue(&self, queue: QueueId) -> &str {
        self.queues.name(queue.0)
    }

    /// The trace's name of `callback`; `?` once it was forgotten.
    pub fn callback(&self, callback: CallbackId) -> &str {
        self.callbacks.name(callback.0)
    }

    /// The trace's name of `context`; `?` once it was forgotten.
    pub fn context(&self, context: ContextId) -> &str {
        self.contexts.name(context.0)
    }

    /// A registration as the trace names it: `` `OnRead` with `rd` ``.
    pub fn registration(&self, registration: &Registration) -> String {
        match registration.context {
            Some(context) => format!(
                "`{}` with `{}`",
                self.callback(registration.callback),
                self.context(context)
            ),
            None => format!("`{}` without context", self.callback(registration.callback)),
        }
    }

    /// Retires `request` after a line that ends it (see
    /// [`Parsed::retires`](super::parse::Parsed::retires)); the first time
    /// only. Returns the request whose name this pushed out of the window:
    /// no later line may use its name, which [`Names::request`] still
    /// gives until [`Names::release`].
    pub(super) fn retire(&mut self, request: RequestId) -> Option<RequestId> {
        let requests = &mut self.requests;
        let entry = requests.names.get_mut(&request.0)?;
        if entry.retired {
            return None;
        }
        entry.retired = true;
        requests.retired.push_back(request.0);
        if requests.retired.len() <= DEAD_REMEMBERED {
            return None;
        }
        let oldest = requests.retired.pop_front()?;
        if requests.forgotten == 0 {
            // From here on the maps lose a name for each one they gain. A
            // hash table cleans out what it lost in place only while it
            // holds at most half its room, and grows otherwise: room for
            // twice the names now makes that growth happen here, once,
            // rather than at some later line of a long trace.
            requests.ids.reserve(requests.ids.len());
            requests.names.reserve(requests.names.len());
        }
        if let Some(entry) = requests.names.get(&oldest) {
            requests.ids.remove(&entry.name);
        }
        requests.forgotten += 1;
        Some(RequestId(oldest))
    }

    /// Drops the name of `request`, which [`Names::retire`] forgot, once
    /// no event naming it is left to judge; with it, its hold on the
    /// names lines gave it, so those nothing else holds are forgotten.
    pub(super) fn release(&mut self, request: RequestId) {
        let Some(entry) = self.requests.names.remove(&request.0) else {
            return;
        };
        for (kind, id) in entry.holds {
            self.interner(kind).let_go(id);
        }
    }

    /// Introduces the request `name` (`create`, `receive`).
    pub(super) fn introduce(&mut self, name: &str) -> Result<RequestId, TraceErrorKind> {
        let requests = &mut self.requests;
        if requests.ids.contains_key(name) {
            return Err(TraceErrorKind::DuplicateRequest {
                name: name.to_owned(),
            });
        }
        let id = requests.introduced;
        requests.introduced = id.checked_add(1).ok_or(TraceErrorKind::TooManyNames {
            field: "req",
            max: u32::MAX as usize,
        })?;
        let name: Box<str> = name.into();
        requests.ids.insert(name.clone(), id);
        let (retired, holds) = (false, Vec::new());
        requests.names.insert(
            id,
            RequestName {
                name,
                retired,
                holds,
            },
        );
        Ok(RequestId(id))
    }

    /// The request a line names, introduced earlier and not forgotten.
    pub(super) fn known(&self, name: &str) -> Result<RequestId, TraceErrorKind> {
        if let Some(&id) = self.requests.ids.get(name) {
            return Ok(RequestId(id));
        }
        let name = name.to_owned();
        Err(match self.requests.forgotten {
            0 => TraceErrorKind::UnknownRequest { name },
            _ => TraceErrorKind::ForgottenRequest {
                name,
                remembered: DEAD_REMEMBERED,
            },
        })
    }

    /// The callback `name`, which a line gives `request`.
    pub(super) fn callback_for(
        &mut self,
        request: RequestId,
        name: &str,
    ) -> Result<CallbackId, TraceErrorKind> {
        self.held_by(request, Kind::Callback, name).map(CallbackId)
    }

    /// The context `name`, which a line gives `request`.
    pub(super) fn context_for(
        &mut self,
        request: RequestId,
        name: &str,
    ) -> Result<ContextId, TraceErrorKind> {
        self.held_by(request, Kind::Context, name).map(ContextId)
    }

    /// The target `name`, which a line formats or sends `request` for.
    pub(super) fn target_for(
        &mut self,
        request: RequestId,
        name: &str,
    ) -> Result<TargetId, TraceErrorKind> {
        self.held_by(request, Kind::Target, name).map(TargetId)
    }

    /// The queue `name`, which presents `request`.
    pub(super) fn queue_for(
        &mut self,
        request: RequestId,
        name: &str,
    ) -> Result<QueueId, TraceErrorKind> {
        self.held_by(request, Kind::Queue, name).map(QueueId)
    }

    /// The target `name`, whose state a line changes: held for good.
    pub(super) fn target_changed(&mut self, name: &str) -> Result<TargetId, TraceErrorKind> {
        let id = self.targets.intern(name)?;
        self.targets.pin(id);
        Ok(TargetId(id))
    }

    /// The id of `name`, of `kind`, held by `request` from now on.
    fn held_by(
        &mut self,
        request: RequestId,
        kind: Kind,
        name: &str,
    ) -> Result<u32, TraceErrorKind> {
        let id = self.interner(kind).intern(name)?;
        // INVARIANT: the line's request was introduced or found known
        // before any other name of the line is read, so it is held.
        if let Some(entry) = self.requests.names.get_mut(&request.0)
            && !entry.holds.contains(&(kind, id))
        {
            entry.holds.push((kind, id));
            self.interner(kind).hold(id);
        }
        Ok(id)
    }

    fn interner(&mut self, kind: Kind) -> &mut Interner {
        match kind {
            Kind::Callback => &mut self.callbacks,
            Kind::Context => &mut self.contexts,
            Kind::Target => &mut self.targets,
            Kind::Queue => &mut self.queues,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Requests `r{from}`.. (`count` of them), each introduced, given
    /// context `shared` and a context of its own (`own{from}`..), and
    /// retired.
    fn retired(names: &mut Names, from: usize, count: usize) -> Vec<RequestId> {
        (from..from + count)
            .map(|r| {
                let request = names.introduce(&format!("r{r}")).expect("new");
                names.context_for(request, "shared").expect("an id");
                names
                    .context_for(request, &format!("own{r}"))
                    .expect("an id");
                names.retire(request);
                request
            })
            .collect()
    }

    #[test]
    fn a_name_is_held_while_a_request_holds_it_and_then_given_a_new_id() {
        let mut names = Names::default();
        let live = names.introduce("live").expect("new");
        let shared = names.context_for(live, "shared").expect("an id");
        let first = retired(&mut names, 0, 1)[0];
        let own = names.contexts.ids["own0"];
        assert_eq!(names.others_held(), 2);
        // Forgotten once `DEAD_REMEMBERED` more requests were retired,
        // released by the reader, and then gone unless a live one holds it.
        let later = retired(&mut names, 1, DEAD_REMEMBERED);
        assert_eq!(names.retire(later[0]), None, "retired once only");
        names.release(first);
        assert_eq!(names.context(ContextId(own)), "?");
        assert_eq!(names.context(shared), "shared");
        let again = names.introduce("again").expect("new");
        assert_eq!(names.context_for(again, "shared").ok(), Some(shared));
        let own_again = names.context_for(again, "own0").expect("an id");
        assert_ne!(own_again.0, own, "a new id, never an old one");
        assert_eq!(names.context(own_again), "own0");
        // Held: `shared`, `own1`.. of the window, and `own0` again.
        assert_eq!(names.others_held(), 1 + DEAD_REMEMBERED + 1);
    }

    #[test]
    fn a_target_whose_state_a_line_changed_is_held_for_the_whole_trace() {
        let mut names = Names::default();
        let request = names.introduce("r").expect("new");
        let sent = names.target_for(request, "t").expect("an id");
        let stopped = names.target_changed("t").expect("an id");
        assert_eq!(sent, stopped);
        names.retire(request);
        for r in retired(&mut names, 0, DEAD_REMEMBERED) {
            names.release(r);
        }
        names.release(request);
        assert_eq!(names.target(stopped), "t");
        let next = names.introduce("next").expect("new");
        assert_eq!(names.target_for(next, "t").ok(), Some(stopped));
    }

    #[test]
    fn a_request_holds_a_name_once_however_often_lines_give_it() {
        let mut names = Names::default();
        let request = names.introduce("r").expect("new");
        for _ in 0..3 {
            names.callback_for(request, "On").expect("an id");
            names.queue_for(request, "").expect("an id");
        }
        let entry = &names.requests.names[&request.0];
        assert_eq!(entry.holds.len(), 2);
        assert_eq!(names.callbacks.entries[&0].requests, 1);
    }
}
