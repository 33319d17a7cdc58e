//! Bots: a workstream's bot holds a new conversation first and contains or escalates it.

use super::*;

impl<O: Observer> Sim<'_, O> {
    pub(super) fn on_bot_end(&mut self, now: SimTime, id: ConversationId, contained: bool) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        let info = conversation.info;
        if contained {
            self.observer.contained(now, &info);
            self.release_slot(id);
            return;
        }
        // Escalated: the customer starts waiting for a human now, with its patience from now.
        let conversation = &mut self.conversations[id.slot as usize];
        conversation.info.queued_from = now;
        if conversation.patience_deadline < SimTime::NEVER {
            conversation.patience_deadline =
                now + conversation.patience_deadline.since(info.arrived);
        }
        conversation.wait_key.2 = now;
        conversation.state = State::Open;
        if let Some(outcome) = self.apply_overflow(now, id) {
            let info = self.conversations[id.slot as usize].info;
            self.observer.overflowed(now, &info, outcome);
            if outcome == OverflowOutcome::Ended {
                self.release_slot(id);
                return;
            }
        }
        self.enter_queue(now, id);
    }
}
