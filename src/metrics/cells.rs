//! The finest figures the collector keeps: one cell per (channel, workstream, queue) a
//! conversation was seen in, each with its flows, semantic counts and queue-length integral
//! per interval. Every event updates one cell; the overall, channel, workstream and queue
//! figures are sums of cells, formed once when the run ends. All of them are integer counts,
//! exact integrals and mergeable histograms, so the sums equal figures kept per scope.

use std::borrow::Cow;

use crate::model::ConversationInfo;

use super::flows::{Flow, SemanticFlow};
use super::level::Level;

/// The cells of a run, created as conversations first reach each (channel, workstream,
/// queue); see the module docs.
#[derive(Debug)]
pub(super) struct Cells {
    n_intervals: usize,
    /// Per queue: (channel, workstream, cell) of the cells seen so far. A queue is reached from
    /// a handful of workstreams, so a scan of its short list beats a map.
    by_queue: Vec<Vec<(u32, u32, u32)>>,
    /// (channel, workstream, queue) index of each cell.
    keys: Vec<[usize; 3]>,
    /// Indexed [cell * n_intervals + interval].
    flows: Vec<Flow>,
    /// Indexed like `flows`.
    semantics: Vec<SemanticFlow>,
    /// Queue length of each cell (its areas only: maxima are kept per scope).
    queue_lengths: Vec<Level>,
    empty_flow: Flow,
    interval: u64,
    /// Whether measuring has begun: a cell first seen after that measures its queue length
    /// from the start (it was zero until then).
    measuring: bool,
}

impl Cells {
    pub fn new(n_queues: usize, n_thresholds: usize, interval: u64, n_intervals: usize) -> Cells {
        Cells {
            n_intervals,
            by_queue: vec![Vec::new(); n_queues],
            keys: Vec::new(),
            flows: Vec::new(),
            semantics: Vec::new(),
            queue_lengths: Vec::new(),
            empty_flow: Flow {
                answered_within: vec![0; n_thresholds],
                ..Flow::default()
            },
            interval,
            measuring: false,
        }
    }

    /// The cell of `c`'s channel, workstream and queue, created on first sight.
    #[inline]
    pub fn of(&mut self, c: &ConversationInfo) -> usize {
        let (channel, workstream) = (c.channel.index() as u32, c.workstream.index() as u32);
        let seen = &self.by_queue[c.queue.index()];
        match seen
            .iter()
            .find(|&&(ch, ws, _)| ch == channel && ws == workstream)
        {
            Some(&(_, _, cell)) => cell as usize,
            None => self.add(c),
        }
    }

    #[cold]
    fn add(&mut self, c: &ConversationInfo) -> usize {
        let cell = self.keys.len();
        self.keys
            .push([c.channel.index(), c.workstream.index(), c.queue.index()]);
        self.by_queue[c.queue.index()].push((
            c.channel.index() as u32,
            c.workstream.index() as u32,
            cell as u32,
        ));
        self.flows.extend(std::iter::repeat_n(
            self.empty_flow.clone(),
            self.n_intervals,
        ));
        self.semantics.extend(std::iter::repeat_n(
            SemanticFlow::default(),
            self.n_intervals,
        ));
        let mut level = Level::new(self.interval, self.n_intervals);
        if self.measuring {
            level.restart(0);
        }
        self.queue_lengths.push(level);
        cell
    }

    /// The cells seen so far.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn flow(&mut self, cell: usize, interval: usize) -> &mut Flow {
        &mut self.flows[cell * self.n_intervals + interval]
    }

    pub fn semantics(&mut self, cell: usize, interval: usize) -> &mut SemanticFlow {
        &mut self.semantics[cell * self.n_intervals + interval]
    }

    pub fn queue_length(&mut self, cell: usize) -> &mut Level {
        &mut self.queue_lengths[cell]
    }

    /// Starts measuring every queue length at `now`, and those of cells seen later.
    pub fn start_measuring(&mut self, now: u64) {
        self.measuring = true;
        for level in &mut self.queue_lengths {
            level.restart(now);
        }
    }

    pub fn queue_lengths(&mut self) -> impl Iterator<Item = &mut Level> {
        self.queue_lengths.iter_mut()
    }

    /// The figures of every scope per interval, indexed [interval * n_scopes + scope], where a
    /// cell counts in the scopes `scopes_of` gives for its (channel, workstream, queue). A
    /// scope of one cell borrows that cell's flows (the common case: a queue fed by one
    /// workstream of one channel, or a centre of one queue), so only scopes of several cells
    /// pay for merging histograms.
    pub fn by_scope(
        &self,
        n_scopes: usize,
        scopes_of: impl Fn([usize; 3]) -> [usize; 4],
    ) -> ByScope<'_> {
        let n = self.n_intervals * n_scopes;
        let scopes: Vec<[usize; 4]> = self.keys.iter().map(|&key| scopes_of(key)).collect();
        // The only cell of each scope, if it has exactly one.
        let mut only: Vec<Option<Option<usize>>> = vec![None; n_scopes];
        for (cell, cell_scopes) in scopes.iter().enumerate() {
            for &scope in cell_scopes {
                only[scope] = match only[scope] {
                    None => Some(Some(cell)),
                    Some(_) => Some(None),
                };
            }
        }
        let mut flows: Vec<Cow<'_, Flow>> = Vec::with_capacity(n);
        for interval in 0..self.n_intervals {
            for scope_only in &only {
                flows.push(match scope_only {
                    Some(Some(cell)) => {
                        Cow::Borrowed(&self.flows[cell * self.n_intervals + interval])
                    }
                    _ => Cow::Owned(self.empty_flow.clone()),
                });
            }
        }
        let mut out = ByScope {
            only_cell: only.iter().map(|o| o.flatten()).collect(),
            flows,
            semantics: vec![SemanticFlow::default(); n],
            queue_areas: vec![0; n],
        };
        for (cell, cell_scopes) in scopes.iter().enumerate() {
            let level = &self.queue_lengths[cell];
            for interval in 0..self.n_intervals {
                let from = cell * self.n_intervals + interval;
                for &scope in cell_scopes {
                    let to = interval * n_scopes + scope;
                    if only[scope] != Some(Some(cell)) {
                        out.flows[to].to_mut().merge(&self.flows[from]);
                    }
                    out.semantics[to].merge(&self.semantics[from]);
                    out.queue_areas[to] += level.area(0, interval);
                }
            }
        }
        out
    }
}

/// The figures of every scope, summed from the cells.
#[derive(Debug)]
pub(super) struct ByScope<'a> {
    /// The only cell of each scope, if it has exactly one: such scopes have that cell's
    /// figures.
    pub only_cell: Vec<Option<usize>>,
    pub flows: Vec<Cow<'a, Flow>>,
    pub semantics: Vec<SemanticFlow>,
    /// Queue-length integral (conversation-microseconds).
    pub queue_areas: Vec<i128>,
}
