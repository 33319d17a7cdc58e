//! Pre-queue overflow: a queue's work-item limit and operating hours, and the actions end,
//! transfer and assign anyway.

use super::*;

impl<O: Observer> Sim<'_, O> {
    /// Checks the conversation's queue for overflow and applies a transfer; returns what
    /// happened, if the queue overflowed.
    pub(super) fn apply_overflow(
        &mut self,
        now: SimTime,
        id: ConversationId,
    ) -> Option<OverflowOutcome> {
        let queue_id = self.conversations[id.slot as usize].info.queue;
        let overflow = self.scenario.queue(queue_id).overflow.as_ref()?;
        let full = overflow
            .work_item_limit
            .is_some_and(|limit| self.queues[queue_id.index()].waiting.len() >= limit);
        let closed = overflow.operating_hours.is_some_and(|(start, end)| {
            let t = now.as_micros() % DAY;
            let (start, end) = (start.as_micros(), end.as_micros());
            let open = if start <= end {
                t >= start && t < end
            } else {
                t >= start || t < end
            };
            !open
        });
        if !full && !closed {
            return None;
        }
        Some(match overflow.action {
            OverflowAction::End => OverflowOutcome::Ended,
            OverflowAction::AssignAnyway => OverflowOutcome::AssignedAnyway,
            OverflowAction::Transfer(to) => {
                self.conversations[id.slot as usize].info.queue = to;
                OverflowOutcome::Transferred
            }
        })
    }
}
