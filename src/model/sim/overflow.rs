//! Pre-queue overflow: a queue's work-item limit and operating hours, route-to-queue's choice
//! of the first matching queue that does not overflow, and the actions end, transfer and
//! assign anyway.

use super::routing::{next_matching_rule, rule_queue};
use super::*;

/// Why a queue overflows now.
#[derive(Debug, Clone, Copy)]
struct Overflowing {
    /// Inside its operating hours (it overflows by its work-item limit only).
    open: bool,
    /// Time from now until its operating hours start (0 when open).
    opens_in: u64,
}

impl<O: Observer> Sim<'_, O> {
    /// Checks the conversation's queue for overflow just before it enters. Route-to-queue
    /// takes the first matching rule whose queue does not overflow; only when every matched
    /// queue overflows does an action apply: that of the first matched queue inside its
    /// operating hours, else of the one that opens first. An item in the fallback queue
    /// because no rule matched is not subject to that queue's overflow. Returns what happened,
    /// if an action applied.
    pub(super) fn apply_overflow(
        &mut self,
        now: SimTime,
        id: ConversationId,
    ) -> Option<OverflowOutcome> {
        let slot = id.slot as usize;
        let first_rule = self.conversations[slot].route_rule?;
        let queue_id = self.conversations[slot].info.queue;
        let first = self.overflowing(now, queue_id)?;
        let (channel, workstream) = {
            let info = &self.conversations[slot].info;
            (info.channel, info.workstream)
        };
        let mut matched = vec![(queue_id, first)];
        let mut from = first_rule as usize + 1;
        while let Some(rule) = next_matching_rule(
            self.scenario,
            channel,
            workstream,
            &self.conversations[slot].variables,
            from,
        ) {
            from = rule as usize + 1;
            let rule_def = &self.scenario.workstream(workstream).routing[rule as usize];
            let queue = rule_queue(rule_def, &mut self.channels[channel.index()].route_split);
            match self.overflowing(now, queue) {
                None => {
                    let conversation = &mut self.conversations[slot];
                    conversation.info.queue = queue;
                    conversation.route_rule = Some(rule);
                    return None;
                }
                Some(state) => matched.push((queue, state)),
            }
        }
        // `min_by_key` keeps the first of equal keys, so rule order breaks ties.
        let (chosen, _) = match matched.iter().find(|(_, state)| state.open) {
            Some(&open) => open,
            None => *matched.iter().min_by_key(|(_, state)| state.opens_in)?,
        };
        self.conversations[slot].info.queue = chosen;
        let action = self.scenario.queue(chosen).overflow.as_ref()?.action;
        Some(match action {
            OverflowAction::End => OverflowOutcome::Ended,
            OverflowAction::AssignAnyway => OverflowOutcome::AssignedAnyway,
            OverflowAction::Transfer(to) => {
                self.conversations[slot].info.queue = to;
                OverflowOutcome::Transferred
            }
        })
    }

    /// Whether the queue overflows now, and how (`None`: it does not).
    fn overflowing(&self, now: SimTime, queue_id: QueueId) -> Option<Overflowing> {
        let overflow = self.scenario.queue(queue_id).overflow.as_ref()?;
        let full = overflow
            .work_item_limit
            .is_some_and(|limit| self.queues[queue_id.index()].waiting.len() >= limit);
        let opens_in = overflow.operating_hours.map_or(0, |(start, end)| {
            let t = now.as_micros() % DAY;
            let (start, end) = (start.as_micros(), end.as_micros());
            let open = if start <= end {
                t >= start && t < end
            } else {
                t >= start || t < end
            };
            if open {
                0
            } else {
                (start + DAY - t) % DAY
            }
        });
        let closed = opens_in > 0;
        (full || closed).then_some(Overflowing {
            open: !closed,
            opens_in,
        })
    }
}
