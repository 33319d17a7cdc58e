//! The generic deterministic event kernel: integer simulated time, an event queue ordered by
//! (time, insertion order) with cancellation, and per-purpose seeded random streams.
//!
//! Nothing here knows about agents, queues, conversations or files. The domain (`model`) owns
//! the run loop's body: it pops events and decides what they mean. A run is a pure function of
//! its inputs: there is no clock, no global state and no thread in this module.

mod event_queue;
mod hash;
mod quad_heap;
mod rng;
mod time;

pub use event_queue::{EventId, EventQueue, Scheduled};
pub use hash::{FastHash, IntHasher};
pub use rng::{stream_key, RandomStreams, StreamRng};
pub use time::{SimDuration, SimTime};
