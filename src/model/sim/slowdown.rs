//! Concurrency slowdown (SPEC §5): a conversation's handle time stretches with the number of
//! conversations its agent holds at once, processor-sharing style.
//!
//! A conversation with a slowdown carries its remaining work (microseconds of unstretched
//! handle time). While its agent holds `n` conversations (Active or in wrap-up; a ringing
//! offer does not count) the work goes down by `1 / factor[n]` per microsecond. Whenever the
//! agent's count changes, every Active conversation of that agent is brought up to date and
//! its service end is rescheduled at the new pace (the old event is cancelled), so the
//! factor applies to the remaining work, not only at assignment. Without any slowdown in the
//! scenario none of this runs and a service end is scheduled once, as before.
//!
//! It must not change how much work a conversation is (only its pace), and it does not
//! stretch wrap-up.

use super::*;

impl<'a, O: Observer> Sim<'a, O> {
    /// The factors that apply to a conversation of this channel: its own, else its
    /// workstream's (empty: no slowdown).
    fn slowdown_factors(&self, channel: ChannelId) -> &'a [f64] {
        let scenario: &'a Scenario = self.scenario;
        let channel = scenario.channel(channel);
        if channel.concurrency_slowdown.is_empty() {
            &scenario.workstream(channel.workstream).concurrency_slowdown
        } else {
            &channel.concurrency_slowdown
        }
    }

    /// Schedules the end of the service that starts now; the agent's count of held
    /// conversations already includes this one.
    pub(super) fn schedule_service_end(
        &mut self,
        now: SimTime,
        id: ConversationId,
        agent_id: AgentId,
    ) {
        let slot = id.slot as usize;
        let handle_time = self.conversations[slot].handle_time;
        let factors = if self.any_slowdown {
            self.slowdown_factors(self.conversations[slot].info.channel)
        } else {
            &[]
        };
        if factors.is_empty() {
            self.events
                .schedule(now + handle_time, Event::ServiceEnd(id));
            return;
        }
        let factor = factor_at(factors, self.agents[agent_id.index()].active);
        let work = handle_time.as_micros() as f64;
        let event = self
            .events
            .schedule(now + stretched(work, factor), Event::ServiceEnd(id));
        let conversation = &mut self.conversations[slot];
        conversation.work_left = work;
        conversation.work_since = now;
        conversation.work_factor = factor;
        conversation.service_event = Some(event);
        self.agents[agent_id.index()].serving.push(id);
    }

    /// The agent's count of held conversations changed: each of its Active conversations with
    /// a slowdown goes on at the pace of the new count.
    #[inline]
    pub(super) fn concurrency_changed(&mut self, now: SimTime, agent_id: AgentId) {
        // Inlined so that a scenario without slowdown pays a test, not a call, at every start
        // and end of service.
        if self.any_slowdown {
            self.restretch(now, agent_id);
        }
    }

    fn restretch(&mut self, now: SimTime, agent_id: AgentId) {
        if self.agents[agent_id.index()].serving.is_empty() {
            return;
        }
        let held = self.agents[agent_id.index()].active;
        let serving = std::mem::take(&mut self.agents[agent_id.index()].serving);
        for &id in &serving {
            let slot = id.slot as usize;
            let factor = factor_at(
                self.slowdown_factors(self.conversations[slot].info.channel),
                held,
            );
            let conversation = &mut self.conversations[slot];
            if factor == conversation.work_factor {
                continue;
            }
            let elapsed = now.since(conversation.work_since).as_micros() as f64;
            conversation.work_left =
                (conversation.work_left - elapsed / conversation.work_factor).max(0.0);
            conversation.work_since = now;
            conversation.work_factor = factor;
            if let Some(event) = conversation.service_event.take() {
                self.events.cancel(event);
            }
            let end = now + stretched(conversation.work_left, factor);
            self.conversations[slot].service_event =
                Some(self.events.schedule(end, Event::ServiceEnd(id)));
        }
        self.agents[agent_id.index()].serving = serving;
    }

    /// The service of `id` is over: it leaves its agent's list of paced conversations. Call
    /// before the agent's count changes.
    pub(super) fn service_ended(&mut self, now: SimTime, id: ConversationId, agent_id: AgentId) {
        if !self.any_slowdown {
            return;
        }
        let conversation = &mut self.conversations[id.slot as usize];
        if conversation.service_event.take().is_none() {
            return;
        }
        let elapsed = now.since(conversation.work_since).as_micros() as f64;
        let left = conversation.work_left - elapsed / conversation.work_factor;
        debug_assert!(left <= 1.0, "a service ended with {left} µs of work left");
        let serving = &mut self.agents[agent_id.index()].serving;
        if let Some(position) = serving.iter().position(|&s| s == id) {
            serving.swap_remove(position);
        }
    }
}

/// The factor while the agent holds `held` conversations (the last one beyond the list).
fn factor_at(factors: &[f64], held: u32) -> f64 {
    let n = (held.max(1) as usize).min(factors.len());
    factors[n - 1]
}

/// The time `work` microseconds take at `factor`, rounded up so no work is cut short.
fn stretched(work: f64, factor: f64) -> SimDuration {
    SimDuration::from_secs_f64((work * factor).ceil() / 1e6)
}
