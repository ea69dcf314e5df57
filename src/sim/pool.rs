//! The request pool: a handle reaches a request only while that request
//! lives, because every slot carries a generation that retiring bumps; a
//! stale handle still learns how its request died; and reuse allocates
//! nothing, because it resets the body in place.

use std::collections::BTreeMap;
use std::fmt;

use super::request::{Death, Origin, Request};
use crate::vocab::QueueId;

/// The framework's name for one request object (`IWDFIoRequest*`,
/// `WDFREQUEST`): a slot index, the slot's generation when the request was
/// born, and the request's origin.
///
/// # Invariants
///
/// - Only [`Pool::insert`] makes handles, and it stamps them with the
///   slot's current generation; the fields are private, so no other handle
///   exists.
/// - A stale generation never reaches a live slot: [`Pool::retire`] bumps
///   the slot's generation when its request dies, before the slot can be
///   given out again, and a generation is never reused (a slot whose
///   generation would wrap is withdrawn for good). So a handle whose
///   request died differs in generation from every later request in that
///   slot, and [`Pool::get`] refuses it.
/// - `origin` is the origin of the request it named, also after that
///   request died; with the pool's record of unusual deaths it tells how
///   that request died ([`Pool::death`]).
///
/// A handle is only meaningful to the pool that made it: one from another
/// pool may name a live slot here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle {
    index: u32,
    generation: u32,
    origin: Origin,
}

impl Handle {
    /// The slot the request lives (or lived) in.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The slot's generation when the request was born.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// Whether the request was created by the driver or presented by a queue.
    pub fn origin(&self) -> Origin {
        self.origin
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request#{}.{}", self.index, self.generation)
    }
}

/// The pool has no slot index left to give out (more than `u32::MAX`
/// slots, or every slot withdrawn after its generations ran out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the request pool has no slot left")]
pub struct PoolExhausted;

/// One slot: live while it holds a body.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Slot {
    /// The generation stamped on the handle of the request living here, or
    /// of the next request to live here when the slot is free.
    generation: u32,
    /// The request's body, boxed as the framework allocates a request
    /// object; `None` while the slot is free or withdrawn.
    body: Option<Box<Request>>,
}

/// The requests the framework holds: slots indexed by [`Handle::index`],
/// with a free list of slots to recycle.
///
/// # Invariants
///
/// - A slot is live (holds a body) or free; every free slot that can still
///   be given out is on `free` exactly once, and no live slot is.
/// - A slot whose generation reached `u32::MAX` is withdrawn when its
///   request dies: it stays free and off the free list forever, so no
///   generation is ever stamped twice on one slot.
/// - Death record: a request named `(index, generation)` died by
///   `unusual_deaths[(index, generation)]` if that entry exists, and by
///   [`Death::ordinary`] of its origin otherwise. [`Pool::retire`] writes
///   an entry exactly when the death differs from the ordinary one (a
///   created request completed, a received one forgotten), in the step
///   that bumps the generation; entries are never removed or overwritten,
///   and since a generation is stamped once per slot, no two requests
///   share a key. So every entry names a dead request (its slot's
///   generation is past it), and recycling the slot loses nothing. The
///   record grows by one entry per unusual death only; ordinary deaths
///   cost nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pool {
    slots: Vec<Slot>,
    /// Free slots, most recently freed last. Recycling the latest first
    /// makes a stale handle collide with a new generation as soon as
    /// possible, which is what the generation check has to withstand.
    free: Vec<u32>,
    /// Request bodies allocated since the pool was made (read by the tests
    /// that show Reuse allocates nothing).
    #[cfg_attr(not(test), allow(dead_code))]
    allocations_count: u64,
    /// How each dead request died, for the deaths that differ from its
    /// origin's ordinary one, keyed by `(index, generation)`.
    unusual_deaths: BTreeMap<(u32, u32), Death>,
}

impl Pool {
    /// An empty pool.
    pub fn new() -> Pool {
        Pool::default()
    }

    /// Allocates a new request body and gives it a slot, recycling the most
    /// recently freed one if any.
    pub fn insert(
        &mut self,
        origin: Origin,
        queue: Option<QueueId>,
    ) -> Result<Handle, PoolExhausted> {
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                let index = u32::try_from(self.slots.len()).map_err(|_| PoolExhausted)?;
                self.slots.push(Slot {
                    generation: 0,
                    body: None,
                });
                index
            }
        };
        let slot = &mut self.slots[index as usize];
        // INVARIANT: only free slots are on the free list, and a new slot
        // is free, so no live request is overwritten here.
        assert!(
            slot.body.is_none(),
            "slot {index} is on the free list but live"
        );
        slot.body = Some(Box::new(Request::new(origin, queue)));
        self.allocations_count += 1;
        Ok(Handle {
            index,
            generation: slot.generation,
            origin,
        })
    }

    /// The live request `handle` names, or `None` if it is stale.
    pub fn get(&self, handle: &Handle) -> Option<&Request> {
        let slot = self.slots.get(handle.index as usize)?;
        // INVARIANT: generations are never stamped twice on a slot, so an
        // equal generation means this very request, not a successor.
        if slot.generation != handle.generation {
            return None;
        }
        slot.body.as_deref()
    }

    /// The live request `handle` names, mutably, or `None` if it is stale.
    pub fn get_mut(&mut self, handle: &Handle) -> Option<&mut Request> {
        let slot = self.slots.get_mut(handle.index as usize)?;
        if slot.generation != handle.generation {
            return None;
        }
        slot.body.as_deref_mut()
    }

    /// How the request `handle` names died; `None` while it lives.
    ///
    /// Meaningful for handles this pool made: a handle from elsewhere that
    /// names no request of this pool is taken to have died the ordinary
    /// way of its origin.
    pub fn death(&self, handle: &Handle) -> Option<Death> {
        if self.get(handle).is_some() {
            return None;
        }
        let recorded = self.unusual_deaths.get(&(handle.index, handle.generation));
        Some(recorded.copied().unwrap_or(Death::ordinary(handle.origin)))
    }

    /// Ends the life of the request `handle` names by `death`: frees its
    /// body, records the death if it is unusual for the request's origin,
    /// and bumps the slot's generation, so `handle` and every copy of it
    /// are stale from now on. Returns whether the request was live.
    pub fn retire(&mut self, handle: &Handle, death: Death) -> bool {
        let Some(slot) = self.slots.get_mut(handle.index as usize) else {
            return false;
        };
        if slot.generation != handle.generation || slot.body.is_none() {
            return false;
        }
        slot.body = None;
        if death != Death::ordinary(handle.origin) {
            // INVARIANT (death record): the key is this request's alone,
            // so nothing is overwritten.
            let earlier = self
                .unusual_deaths
                .insert((handle.index, handle.generation), death);
            debug_assert!(earlier.is_none(), "{handle} died twice");
        }
        // INVARIANT (on `Handle`): the bump happens before the slot can be
        // handed out again, so no later request shares this generation. A
        // slot out of generations is withdrawn instead of wrapping to 0.
        if let Some(next) = slot.generation.checked_add(1) {
            slot.generation = next;
            self.free.push(handle.index);
        }
        true
    }

    /// Every live request with its handle, in slot order.
    pub fn live(&self) -> impl Iterator<Item = (Handle, &Request)> {
        self.slots.iter().enumerate().filter_map(|(index, slot)| {
            let body = slot.body.as_deref()?;
            let handle = Handle {
                // The pool never grows past `u32::MAX` slots (`insert`).
                index: index as u32,
                generation: slot.generation,
                origin: body.origin,
            };
            Some((handle, body))
        })
    }

    /// How many requests are live.
    pub fn live_count(&self) -> usize {
        self.slots.iter().filter(|slot| slot.body.is_some()).count()
    }

    /// How many slots the pool has made, live or free.
    #[cfg(test)]
    pub(crate) fn slots_count(&self) -> usize {
        self.slots.len()
    }

    /// How many request bodies the pool has allocated so far. Reuse must
    /// leave it unchanged.
    #[cfg(test)]
    pub(crate) fn allocations_count(&self) -> u64 {
        self.allocations_count
    }

    /// The address of the body of the request `handle` names, to show that
    /// an operation kept the very same allocation.
    #[cfg(test)]
    pub(crate) fn body_address(&self, handle: &Handle) -> Option<usize> {
        self.get(handle).map(|body| std::ptr::from_ref(body).addr())
    }

    /// Checks the pool's own invariants.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut on_free_list = vec![false; self.slots.len()];
        for &index in &self.free {
            let Some(slot) = self.slots.get(index as usize) else {
                return Err(format!(
                    "free list names slot {index}, which does not exist"
                ));
            };
            if slot.body.is_some() {
                return Err(format!("free list names live slot {index}"));
            }
            if std::mem::replace(&mut on_free_list[index as usize], true) {
                return Err(format!("free list names slot {index} twice"));
            }
        }
        for (index, slot) in self.slots.iter().enumerate() {
            let withdrawn = slot.generation == u32::MAX;
            if slot.body.is_none() && !on_free_list[index] && !withdrawn {
                return Err(format!("free slot {index} is lost: not on the free list"));
            }
        }
        for (&(index, generation), death) in &self.unusual_deaths {
            let Some(slot) = self.slots.get(index as usize) else {
                return Err(format!(
                    "death of request#{index}.{generation} recorded, but no such slot"
                ));
            };
            let dead = generation < slot.generation
                || (generation == slot.generation && slot.body.is_none());
            if !dead {
                return Err(format!(
                    "request#{index}.{generation} is recorded {death:?}, but it is not dead"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_reads_as_its_slot_and_generation_and_slots_are_counted() {
        let mut pool = Pool::new();
        let handles: Vec<Handle> = (0..3)
            .map(|_| pool.insert(Origin::Created, None).unwrap())
            .collect();
        assert_eq!(handles[2].to_string(), "request#2.0");
        assert_eq!(pool.slots_count(), 3);
    }

    /// A slot out of generations is withdrawn, not wrapped: its last
    /// request's unusual death stays on record, and the invariant check
    /// accepts it as dead.
    #[test]
    fn a_withdrawn_slot_keeps_its_last_death_on_record() {
        let mut pool = Pool::new();
        let first = pool.insert(Origin::Received, None).unwrap();
        assert!(pool.retire(&first, Death::Forgotten));
        pool.slots[first.index as usize].generation = u32::MAX;
        let last = pool.insert(Origin::Received, None).unwrap();
        assert_eq!(last.generation, u32::MAX);
        assert!(pool.retire(&last, Death::Forgotten));
        assert_eq!(pool.death(&last), Some(Death::Forgotten));
        assert_eq!(pool.check_invariants(), Ok(()));
        // Withdrawn: the next request gets a new slot.
        let next = pool.insert(Origin::Created, None).unwrap();
        assert_ne!(next.index, last.index);
    }

    #[test]
    fn retired_slot_is_recycled_with_a_new_generation() {
        let mut pool = Pool::new();
        let first = pool.insert(Origin::Created, None).unwrap();
        assert!(pool.retire(&first, Death::Deleted));
        let second = pool.insert(Origin::Received, None).unwrap();
        assert_eq!(
            second.index(),
            first.index(),
            "the free slot was not recycled"
        );
        assert_ne!(second.generation(), first.generation());
        assert!(pool.get(&first).is_none());
        assert_eq!(pool.get(&second).map(|r| r.origin), Some(Origin::Received));
        pool.check_invariants().unwrap();
    }

    #[test]
    fn stale_handle_cannot_retire_the_slots_next_request() {
        let mut pool = Pool::new();
        let first = pool.insert(Origin::Created, None).unwrap();
        assert!(pool.retire(&first, Death::Deleted));
        let second = pool.insert(Origin::Created, None).unwrap();
        assert!(!pool.retire(&first, Death::Deleted));
        assert!(pool.get(&second).is_some());
        assert_eq!(pool.live_count(), 1);
    }

    #[test]
    fn slot_out_of_generations_is_withdrawn_not_wrapped() {
        let mut pool = Pool::new();
        let first = pool.insert(Origin::Created, None).unwrap();
        pool.slots[first.index as usize].generation = u32::MAX;
        let last = Handle {
            generation: u32::MAX,
            ..first
        };
        assert!(pool.retire(&last, Death::Deleted));
        let next = pool.insert(Origin::Created, None).unwrap();
        assert_ne!(
            next.index(),
            first.index(),
            "a slot out of generations was reused"
        );
        assert!(pool.get(&last).is_none());
        pool.check_invariants().unwrap();
    }

    #[test]
    fn stale_handle_learns_its_unusual_death_after_the_slot_is_recycled() {
        let mut pool = Pool::new();
        let forgotten = pool.insert(Origin::Received, None).unwrap();
        assert_eq!(pool.death(&forgotten), None);
        assert!(pool.retire(&forgotten, Death::Forgotten));
        let completed = pool.insert(Origin::Received, None).unwrap();
        assert_eq!(completed.index(), forgotten.index(), "slot not recycled");
        assert!(pool.retire(&completed, Death::Completed));
        let _ = pool.insert(Origin::Created, None).unwrap();
        assert_eq!(pool.death(&forgotten), Some(Death::Forgotten));
        assert_eq!(pool.death(&completed), Some(Death::Completed));
        pool.check_invariants().unwrap();
    }

    #[test]
    fn only_unusual_deaths_are_recorded() {
        let mut pool = Pool::new();
        let deleted = pool.insert(Origin::Created, None).unwrap();
        pool.retire(&deleted, Death::Deleted);
        let completed = pool.insert(Origin::Received, None).unwrap();
        pool.retire(&completed, Death::Completed);
        assert!(pool.unusual_deaths.is_empty());
        let created_completed = pool.insert(Origin::Created, None).unwrap();
        pool.retire(&created_completed, Death::Completed);
        assert_eq!(pool.unusual_deaths.len(), 1);
        assert_eq!(pool.death(&created_completed), Some(Death::Completed));
        assert_eq!(pool.death(&deleted), Some(Death::Deleted));
    }

    #[test]
    fn pool_invariant_check_catches_a_death_recorded_for_a_live_request() {
        let mut pool = Pool::new();
        let live = pool.insert(Origin::Received, None).unwrap();
        pool.unusual_deaths
            .insert((live.index, live.generation), Death::Forgotten);
        assert!(pool.check_invariants().is_err());
    }

    #[test]
    fn every_insert_allocates_one_body() {
        let mut pool = Pool::new();
        let a = pool.insert(Origin::Created, None).unwrap();
        pool.retire(&a, Death::Deleted);
        pool.insert(Origin::Received, Some(QueueId(1))).unwrap();
        assert_eq!(pool.allocations_count(), 2);
        assert_eq!(pool.slots_count(), 1);
    }

    #[test]
    fn pool_invariant_check_catches_a_lost_free_slot() {
        let mut pool = Pool::new();
        let a = pool.insert(Origin::Created, None).unwrap();
        pool.retire(&a, Death::Deleted);
        pool.free.clear();
        assert!(pool.check_invariants().is_err());
    }
}
