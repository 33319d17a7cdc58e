//! Arrivals and routing: a new conversation's customer attributes, context variables,
//! classification, route-to-queue rules with percentage splits, and the fallback queue.

use super::*;

impl<O: Observer> Sim<'_, O> {
    pub(super) fn schedule_next_arrival(&mut self, channel: ChannelId, now: SimTime) {
        let process = &self.scenario.channel(channel).arrivals;
        let streams = &mut self.channels[channel.index()];
        if let Some(time) = streams
            .cursor
            .next_after(process, now, &mut streams.arrivals)
        {
            if time <= self.horizon {
                self.events.schedule_source(time, Event::Arrival(channel));
            }
        }
    }

    pub(super) fn on_arrival(&mut self, now: SimTime, channel_id: ChannelId) {
        self.schedule_next_arrival(channel_id, now);
        self.stats.arrivals += 1;
        let channel = self.scenario.channel(channel_id);
        let slot = self.allocate_slot();

        // Every customer attribute is drawn now, from the channel's own streams, so that the
        // n-th customer of a channel is the same whatever the distribution policy does.
        let streams = &mut self.channels[channel_id.index()];
        let handle_time =
            SimDuration::from_secs_f64(channel.handle_time.sample(&mut streams.handle_time));
        let patience_deadline = match &channel.patience {
            Some(patience) => {
                now + SimDuration::from_secs_f64(patience.sample(&mut streams.patience))
            }
            None => SimTime::NEVER,
        };
        let conversation = &mut self.conversations[slot as usize];
        conversation.variables.clear();
        for (variable, rng) in channel.variables.iter().zip(&mut streams.variables) {
            conversation
                .variables
                .push(draw_variable(&variable.generator, rng));
        }
        let workstream_id = channel.workstream;
        let (queue_id, route_rule) = route(
            self.scenario,
            channel_id,
            workstream_id,
            &conversation.variables,
            &mut streams.route_split,
        );
        conversation.route_rule = route_rule;
        let workstream = self.scenario.workstream(workstream_id);
        conversation.class = if workstream.classification.is_empty() {
            None
        } else {
            classify(
                self.scenario,
                channel_id,
                workstream_id,
                &conversation.variables,
            )
        };
        let priority = conversation
            .class
            .map_or(0, |rule| workstream.classification[rule as usize].priority);
        let seq = self.next_wait_seq;
        self.next_wait_seq += 1;
        conversation.info = ConversationInfo {
            channel: channel_id,
            workstream: workstream_id,
            queue: queue_id,
            arrived: now,
            queued_from: now,
        };
        conversation.state = State::Open;
        conversation.handle_time = handle_time;
        conversation.patience_deadline = patience_deadline;
        conversation.abandon_event = None;
        conversation.agent = None;
        conversation.wait_key = (1, -priority, now, seq);
        conversation.held = 0;
        conversation.holding = false;
        conversation.queued = false;
        conversation.entered_queue = false;
        conversation.segment = 0;
        conversation.resumed_at = now;
        conversation.last_agent = None;
        conversation.affinity_offer = false;
        conversation.declines.clear();
        self.draw_preferred(slot as usize);
        let conversation = &self.conversations[slot as usize];
        let id = ConversationId {
            slot,
            generation: conversation.generation,
        };
        let has_bot = self.scenario.workstream(workstream_id).bot.is_some();
        // Overflow is checked before the arrival is reported, so that a transfer is counted in
        // the queue the item ends up in; behind a bot it is checked at escalation.
        let overflow = if has_bot {
            None
        } else {
            self.apply_overflow(now, id)
        };
        let info = self.conversations[slot as usize].info;
        self.observer.arrived(now, &info);
        if let Some(outcome) = overflow {
            self.observer.overflowed(now, &info, outcome);
            if outcome == OverflowOutcome::Ended {
                self.release_slot(id);
                return;
            }
        }
        if let Some(bot) = &self.scenario.workstream(workstream_id).bot {
            let streams = &mut self.channels[channel_id.index()];
            let contained = streams.bot_containment.random::<f64>() < bot.containment_probability;
            let time = SimDuration::from_secs_f64(bot.handling_time.sample(&mut streams.bot_time));
            self.conversations[slot as usize].state = State::WithBot;
            self.events
                .schedule(now + time, Event::BotEnd(id, contained));
            return;
        }
        self.enter_queue(now, id);
    }
}

pub(super) fn draw_variable(generator: &VariableGenerator, rng: &mut StreamRng) -> VariableValue {
    match generator {
        VariableGenerator::Text { weights, .. } => {
            let total: f64 = weights.iter().sum();
            let mut u = rng.random::<f64>() * total;
            for (idx, &weight) in weights.iter().enumerate() {
                if u < weight {
                    return VariableValue::Text(idx as u32);
                }
                u -= weight;
            }
            // Rounding can leave u just above the last weight: that draw belongs to the last
            // value with positive weight.
            let last = weights.iter().rposition(|&w| w > 0.0).unwrap_or(0);
            VariableValue::Text(last as u32)
        }
        VariableGenerator::Number(distribution) => VariableValue::Number(distribution.sample(rng)),
    }
}

/// Whether every condition holds for a conversation of `channel` with these variables.
pub(super) fn conditions_hold(
    conditions: &[Condition],
    channel: usize,
    variables: &[VariableValue],
) -> bool {
    conditions.iter().all(|condition| {
        let Some(variable) = condition.variable_by_channel[channel] else {
            return false;
        };
        match (&condition.test, variables[variable]) {
            (ConditionTest::TextIn { values_by_channel }, VariableValue::Text(value)) => {
                values_by_channel[channel].contains(&value)
            }
            (ConditionTest::TextNotIn { values_by_channel }, VariableValue::Text(value)) => {
                !values_by_channel[channel].contains(&value)
            }
            (ConditionTest::Number { op, value }, VariableValue::Number(number)) => {
                op.holds(number, *value)
            }
            _ => false,
        }
    })
}

/// The queue a conversation goes to, with the route-to-queue rule that chose it: the first
/// rule whose conditions all hold, else the workstream's fallback queue (no rule: `None`).
/// Overflow may later move it to a later matching rule's queue (`sim/overflow.rs`).
pub(super) fn route(
    scenario: &Scenario,
    channel: ChannelId,
    workstream: WorkstreamId,
    variables: &[VariableValue],
    split_rng: &mut StreamRng,
) -> (QueueId, Option<u32>) {
    match next_matching_rule(scenario, channel, workstream, variables, 0) {
        Some(rule) => (
            rule_queue(
                &scenario.workstream(workstream).routing[rule as usize],
                split_rng,
            ),
            Some(rule),
        ),
        None => (scenario.workstream(workstream).fallback_queue, None),
    }
}

/// The first route-to-queue rule from index `from` on whose conditions all hold.
pub(super) fn next_matching_rule(
    scenario: &Scenario,
    channel: ChannelId,
    workstream: WorkstreamId,
    variables: &[VariableValue],
    from: usize,
) -> Option<u32> {
    let routing = &scenario.workstream(workstream).routing;
    (from..routing.len())
        .find(|&idx| conditions_hold(&routing[idx].conditions, channel.index(), variables))
        .map(|idx| idx as u32)
}

/// A matched rule's queue: its own, or one drawn from its percentage split.
pub(super) fn rule_queue(rule: &RouteRule, split_rng: &mut StreamRng) -> QueueId {
    if rule.split.is_empty() {
        return rule.queue;
    }
    let mut u = split_rng.random::<f64>() * 100.0;
    for &(queue, percent) in &rule.split {
        if u < percent {
            return queue;
        }
        u -= percent;
    }
    rule.split[rule.split.len() - 1].0
}

/// The first classification rule whose conditions all hold.
pub(super) fn classify(
    scenario: &Scenario,
    channel: ChannelId,
    workstream: WorkstreamId,
    variables: &[VariableValue],
) -> Option<u32> {
    let workstream = scenario.workstream(workstream);
    workstream
        .classification
        .iter()
        .position(|rule| conditions_hold(&rule.conditions, channel.index(), variables))
        .map(|idx| idx as u32)
}
