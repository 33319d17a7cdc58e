//! Validation of `[workstreams]`: mode, allowed presences, fallback queue, capacity demand,
//! notifications, affinity, auto-close, wrap-up, skill matching, bots and self-selection.

use super::*;

impl Validator<'_> {
    /// One workstream: mode, presences, routing, notifications, settings, bot, classification.
    pub(super) fn workstream(
        &mut self,
        name: &str,
        workstream: &WorkstreamFile,
        file: &ScenarioFile,
        names: &Names,
    ) -> Option<Workstream> {
        let path = path::join("workstreams", name);
        let mode = match workstream.mode.as_deref().unwrap_or("push") {
            "push" => Some(DistributionMode::Push),
            "pick" => Some(DistributionMode::Pick),
            other => {
                self.problem(
                    &format!("{path}.mode"),
                    format!("unknown mode \"{other}\" (expected \"push\" or \"pick\")"),
                );
                None
            }
        };
        let allowed = match &workstream.allowed_presences {
            None => Some(PresenceSet::of(&[Presence::Available, Presence::Busy])),
            Some(names) => {
                let mut presences = Vec::new();
                for (idx, presence) in names.iter().enumerate() {
                    let found = self.check(
                        &format!("{path}.allowed_presences[{idx}]"),
                        parse_presence(presence),
                    );
                    presences.extend(found);
                }
                if names.is_empty() {
                    // The product asks for at least one; none would never give out an item.
                    self.problem(
                        &format!("{path}.allowed_presences"),
                        "expected at least one presence (such as [\"available\"]): with none, \
                         no agent is ever eligible and no item is given out",
                    );
                }
                Some(PresenceSet::of(&presences))
            }
        };
        let fallback = self.resolve(
            &format!("{path}.fallback_queue"),
            "queue",
            &workstream.fallback_queue,
            &names.queues,
        );
        let ws_channels: Vec<usize> = workstream
            .channels
            .iter()
            .filter_map(|c| names.channels.iter().position(|n| *n == c))
            .collect();
        let routing = self.routing_rules(&path, workstream, file, names, &ws_channels);
        let notifications = self.notifications(
            &format!("{path}.notifications"),
            workstream.notifications.as_ref(),
        );
        let kinds: Vec<ChannelKind> = workstream
            .channels
            .iter()
            .filter_map(|c| file.channels.get(c))
            .filter_map(|c| {
                ChannelKind::ALL
                    .iter()
                    .copied()
                    .find(|k| k.as_str() == c.kind)
            })
            .collect();
        let settings = self.workstream_settings(&path, workstream, mode, &kinds);
        let skill_matching = match workstream.skill_matching.as_deref().unwrap_or("exact") {
            "exact" => Some(SkillMatching::Exact),
            "closest" => Some(SkillMatching::Closest),
            "none" => Some(SkillMatching::None),
            other => {
                self.problem(
                    &format!("{path}.skill_matching"),
                    format!("expected \"exact\", \"closest\" or \"none\", got \"{other}\""),
                );
                None
            }
        };
        let bot = match &workstream.bot {
            None => Some(None),
            Some(bot) => {
                if mode == Some(DistributionMode::Pick) {
                    self.problem(
                        &format!("{path}.bot"),
                        "a bot works only in a push workstream",
                    );
                }
                let p = self.probability(
                    &format!("{path}.bot.containment_probability"),
                    bot.containment_probability,
                );
                let time = self.distribution(
                    &format!("{path}.bot.handling_time"),
                    &bot.handling_time,
                    Quantity::Duration,
                );
                match (p, time) {
                    (Some(containment_probability), Some(handling_time)) => Some(Some(Bot {
                        containment_probability,
                        handling_time,
                    })),
                    _ => None,
                }
            }
        };
        let classification =
            self.classification_rules(&path, workstream, file, names, &ws_channels);
        let preferred_agents = match &workstream.preferred_agents {
            None => Some(None),
            Some(preferred) => self
                .preferred_agents(
                    &format!("{path}.preferred_agents"),
                    preferred,
                    mode,
                    file,
                    names,
                    &ws_channels,
                )
                .map(Some),
        };
        let concurrency_slowdown = self.concurrency_slowdown(
            &format!("{path}.concurrency_slowdown"),
            workstream.concurrency_slowdown.as_deref(),
        );
        let self_selection = match workstream.allow_self_selection {
            Some(true) if mode == Some(DistributionMode::Pick) => {
                self.problem(&format!("{path}.allow_self_selection"), "selecting from push-based workstreams applies to push workstreams; a pick workstream is always picked from");
                SelfSelection::Off
            }
            Some(true) => SelfSelection::On,
            _ => SelfSelection::Off,
        };
        if let (
            Some(mode),
            Some(allowed_presences),
            Some(fallback_queue),
            Some(notifications),
            Some((affinity, auto_close_after, wrap_up_blocking)),
            Some(skill_matching),
            Some(bot),
            Some(concurrency_slowdown),
            Some(preferred_agents),
        ) = (
            mode,
            allowed,
            fallback,
            notifications,
            settings,
            skill_matching,
            bot,
            concurrency_slowdown,
            preferred_agents,
        ) {
            let mut ws_profiles = Vec::new();
            for (idx, profile) in workstream.capacity_profiles.iter().flatten().enumerate() {
                let found = self.resolve(
                    &format!("{path}.capacity_profiles[{idx}]"),
                    "capacity profile",
                    profile,
                    &names.profiles,
                );
                ws_profiles.extend(found.map(ProfileId::from_index));
            }
            // A profile-based workstream takes no units unless it says so.
            let default_units = if ws_profiles.is_empty() { 1 } else { 0 };
            let capacity_units = workstream.capacity_units.unwrap_or(default_units);
            return Some(Workstream {
                preferred_agents,
                concurrency_slowdown,
                capacity_profiles: ws_profiles,
                name: name.to_string(),
                mode,
                capacity_units,
                allowed_presences,
                routing,
                fallback_queue: QueueId::from_index(fallback_queue),
                notifications,
                affinity,
                auto_close_after,
                wrap_up_blocking,
                self_selection,
                classification,
                skill_matching,
                bot,
            });
        }
        None
    }

    pub(super) fn notifications(
        &mut self,
        path: &str,
        file: Option<&NotificationsFile>,
    ) -> Option<NotificationSettings> {
        let mut settings = NotificationSettings::default();
        let Some(file) = file else {
            return Some(settings);
        };
        if let Some(text) = &file.timeout {
            settings.timeout = self.positive_duration(&format!("{path}.timeout"), text)?;
        }
        if file.reject_button == Some(false) {
            settings.reject = RejectButton::Hidden;
        }
        if file.missed_sets_inactive == Some(true) {
            settings.on_missed = MissedNotification::SetInactive;
        }
        if file.reject_sets_busy_dnd == Some(true) {
            settings.on_reject = RejectedNotification::SetBusyDnd;
        }
        if file.reserve_capacity_on_offer == Some(false) {
            settings.offer_capacity = OfferCapacity::OnAccept;
        }
        Some(settings)
    }

    pub(super) fn workstream_settings(
        &mut self,
        path: &str,
        file: &WorkstreamFile,
        mode: Option<DistributionMode>,
        kinds: &[ChannelKind],
    ) -> Option<(Affinity, SimDuration, WrapUpBlocking)> {
        let affinity = match file.affinity {
            Some(true) if mode == Some(DistributionMode::Pick) => {
                self.problem(&format!("{path}.affinity"), "agent affinity works only with push workstreams (set `mode = \"push\"` or leave `affinity` out)");
                None
            }
            Some(true) => Some(Affinity::On),
            Some(false) => Some(Affinity::Off),
            // The product turns it on for persistent chat, SMS, social and Teams workstreams.
            None if mode == Some(DistributionMode::Push)
                && !kinds.is_empty()
                && kinds.iter().all(|k| k.affinity_by_default()) =>
            {
                Some(Affinity::On)
            }
            None => Some(Affinity::Off),
        };
        let auto_close_after = match &file.auto_close_after {
            Some(text) => self.positive_duration(&format!("{path}.auto_close_after"), text),
            None => Some(DAY),
        };
        let wrap_up_blocking = match file.wrap_up_blocking.as_deref() {
            None | Some("always") => Some(WrapUpBlocking::Always),
            Some("never") => Some(WrapUpBlocking::Never),
            Some(text) => match parse_duration(text) {
                Ok(duration) if duration > SimDuration::ZERO => Some(WrapUpBlocking::For(duration)),
                _ => {
                    self.problem(&format!("{path}.wrap_up_blocking"), format!("expected \"always\", \"never\" or a duration such as \"5m\", got \"{text}\""));
                    None
                }
            },
        };
        Some((affinity?, auto_close_after?, wrap_up_blocking?))
    }
}
