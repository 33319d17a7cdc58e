//! Validation of `[agent_groups]`: count, capacity and profiles, queues, skills and ratings,
//! notification responses, pick habits, shifts and breaks, away episodes.

use super::*;

impl Validator<'_> {
    pub(super) fn agent_group(
        &mut self,
        path: &str,
        name: &str,
        file: &AgentGroupFile,
        queue_names: &[&String],
        skill_names: &[&String],
        profiles: &std::collections::BTreeMap<String, crate::config::file::CapacityProfileFile>,
    ) -> Option<AgentGroup> {
        let profile_names: Vec<&String> = profiles.keys().collect();
        let mut capacity_profiles = Vec::new();
        for (idx, profile) in file.capacity_profiles.iter().flatten().enumerate() {
            if let Some(found) = self.resolve(
                &format!("{path}.capacity_profiles[{idx}]"),
                "capacity profile",
                profile,
                &profile_names,
            ) {
                let default = u32::try_from(profiles[profile].work_item_limit).unwrap_or(0);
                capacity_profiles.push((ProfileId::from_index(found), default));
            }
        }
        for (profile, &limit) in file.profile_limits.iter().flatten() {
            let lpath = format!("{path}.profile_limits.{profile}");
            let Some(idx) = profile_names.iter().position(|n| *n == profile) else {
                self.problem(&lpath, format!("unknown capacity profile \"{profile}\""));
                continue;
            };
            match (capacity_profiles.iter_mut().find(|(p, _)| p.index() == idx), u32::try_from(limit)) {
                (Some(entry), Ok(limit)) if limit <= 100 => entry.1 = limit,
                (None, _) => self.problem(&lpath, format!("the group does not hold profile \"{profile}\" (list it in `capacity_profiles`)")),
                _ => self.problem(&lpath, format!("expected a work-item limit from 0 to 100, got {limit}")),
            }
        }
        let staffing_curve = match &file.staffing {
            None => Some(None),
            Some(value) => self
                .staffing_curve(&format!("{path}.staffing"), value)
                .map(Some),
        };
        let count = match (file.count, &staffing_curve) {
            (Some(_), Some(Some(_))) => {
                self.problem(
                    &format!("{path}.count"),
                    "give either `count` or `staffing` (agents per interval), not both",
                );
                None
            }
            (None, Some(Some(curve))) if i64::from(curve.peak()) > limits::MAX_AGENTS_PER_GROUP => {
                self.problem(
                    &format!("{path}.staffing"),
                    format!(
                        "expected at most {} agents in a group, the curve peaks at {}",
                        limits::MAX_AGENTS_PER_GROUP,
                        curve.peak()
                    ),
                );
                None
            }
            (None, Some(Some(curve))) => Some(curve.peak()),
            (None, None) => None,
            (None, Some(None)) => {
                self.problem(
                    path,
                    "an agent group needs `count` (or `staffing`, agents per interval of the day)",
                );
                None
            }
            (Some(count), _) => match u32::try_from(count) {
                Ok(n) if n >= 1 && count <= limits::MAX_AGENTS_PER_GROUP => Some(n),
                _ if count < 1 => {
                    self.problem(
                        &format!("{path}.count"),
                        format!("an agent group needs at least 1 agent, got {count}"),
                    );
                    None
                }
                _ => {
                    self.problem(
                        &format!("{path}.count"),
                        format!(
                            "expected at most {} agents in a group, got {count}",
                            limits::MAX_AGENTS_PER_GROUP
                        ),
                    );
                    None
                }
            },
        };
        if file.staffing.is_some() && file.shift.is_some() {
            self.problem(
                &format!("{path}.shift"),
                "a group with a staffing curve logs in and out by the curve; leave `shift` out",
            );
        }
        let capacity_units = file.capacity_units.unwrap_or(1);
        if capacity_units == 0 {
            self.problem(
                &format!("{path}.capacity_units"),
                "expected at least 1 unit of capacity",
            );
        }
        if file.queues.is_empty() {
            self.problem(
                &format!("{path}.queues"),
                "an agent group needs at least one queue to work",
            );
        }
        let mut queues: Vec<QueueId> = Vec::new();
        for (idx, queue) in file.queues.iter().enumerate() {
            let found = self.resolve(
                &format!("{path}.queues[{idx}]"),
                "queue",
                queue,
                queue_names,
            );
            queues.extend(found.map(QueueId::from_index));
        }
        queues.dedup();
        let shift = match &file.shift {
            Some(shift) => Some(self.shift(&format!("{path}.shift"), shift)?),
            None => None,
        };
        let response = self.agent_response(
            &format!("{path}.notifications"),
            file.notifications.as_ref(),
        );
        let picking = self.picking(&format!("{path}.picking"), file.picking.as_ref());
        let skills = self.ratings(&format!("{path}.skills"), file.skills.as_ref(), skill_names);
        let away_episodes = match &file.away_episodes {
            None => Some(None),
            Some(away) => {
                let rate_ok = away.per_hour.is_finite()
                    && away.per_hour >= 0.0
                    && away.per_hour <= limits::MAX_AWAY_EPISODES_PER_HOUR;
                if !rate_ok {
                    self.problem(
                        &format!("{path}.away_episodes.per_hour"),
                        format!(
                            "expected from 0 to {} episodes per hour (one a minute), got {}",
                            limits::MAX_AWAY_EPISODES_PER_HOUR,
                            away.per_hour
                        ),
                    );
                }
                let duration = self.distribution(
                    &format!("{path}.away_episodes.duration"),
                    &away.duration,
                    Quantity::Duration,
                );
                match (rate_ok, duration) {
                    (true, Some(duration)) => Some(Some(AwayEpisodes {
                        per_hour: away.per_hour,
                        duration,
                    })),
                    _ => None,
                }
            }
        };
        Some(AgentGroup {
            capacity_profiles,
            away_episodes: away_episodes?,
            name: name.to_string(),
            count: count?,
            capacity_units,
            queues,
            shift,
            staffing_curve: staffing_curve?,
            response: response?,
            picking: picking?,
            skills: skills?,
        })
    }

    /// Skill ratings (`{ english = 7 }`): each a whole number of at least 1.
    pub(super) fn ratings(
        &mut self,
        path: &str,
        file: Option<&std::collections::BTreeMap<String, i64>>,
        skill_names: &[&String],
    ) -> Option<Vec<(SkillId, u32)>> {
        let mut ratings = Vec::new();
        let mut ok = true;
        for (skill, &rating) in file.into_iter().flatten() {
            let id = skill_names
                .iter()
                .position(|n| *n == skill)
                .map(SkillId::from_index);
            match (id, u32::try_from(rating)) {
                (Some(id), Ok(rating)) if rating >= 1 => ratings.push((id, rating)),
                _ => {
                    self.problem(
                        &path::join(path, skill),
                        format!("expected a rating of 1 or more, got {rating}"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(ratings)
    }

    pub(super) fn picking(&mut self, path: &str, file: Option<&PickingFile>) -> Option<PickHabit> {
        let default_think = || Distribution::exponential(30.0).expect("a positive mean is valid");
        let Some(file) = file else {
            return Some(PickHabit {
                think_time: default_think(),
                when: PickWhen::FreeCapacity,
            });
        };
        let think_time = match &file.think_time {
            Some(d) => self.distribution(&format!("{path}.think_time"), d, Quantity::Duration),
            None => Some(default_think()),
        };
        let when = match file.when.as_deref() {
            None | Some("free_capacity") => Some(PickWhen::FreeCapacity),
            Some("always") => Some(PickWhen::Always),
            Some(other) => {
                self.problem(
                    &format!("{path}.when"),
                    format!("expected \"free_capacity\" or \"always\", got \"{other}\""),
                );
                None
            }
        };
        Some(PickHabit {
            think_time: think_time?,
            when: when?,
        })
    }

    pub(super) fn agent_response(
        &mut self,
        path: &str,
        file: Option<&AgentNotificationsFile>,
    ) -> Option<AgentResponse> {
        let mut response = AgentResponse::default();
        let Some(file) = file else {
            return Some(response);
        };
        let mut ok = true;
        if let Some(d) = &file.response_time {
            response.response_time =
                self.distribution(&format!("{path}.response_time"), d, Quantity::Duration);
            ok &= response.response_time.is_some();
        }
        if let Some(p) = file.reject_probability {
            response.reject_probability = self
                .probability(&format!("{path}.reject_probability"), p)
                .unwrap_or_else(|| {
                    ok = false;
                    0.0
                });
        }
        if let Some(p) = file.miss_probability {
            response.miss_probability = self
                .probability(&format!("{path}.miss_probability"), p)
                .unwrap_or_else(|| {
                    ok = false;
                    0.0
                });
        }
        if ok && response.reject_probability + response.miss_probability > 1.0 {
            self.problem(
                path,
                format!(
                    "reject_probability + miss_probability is {}, more than 1",
                    response.reject_probability + response.miss_probability
                ),
            );
            ok = false;
        }
        if let Some(text) = &file.presence_reset {
            match self.positive_duration(&format!("{path}.presence_reset"), text) {
                Some(d) => response.presence_reset = d,
                None => ok = false,
            }
        }
        match file.when_absent.as_deref() {
            None | Some("miss") => {}
            Some("answer") => response.when_absent = WhenAbsent::Answer,
            Some(other) => {
                self.problem(
                    &format!("{path}.when_absent"),
                    format!("expected \"miss\" or \"answer\", got \"{other}\""),
                );
                ok = false;
            }
        }
        ok.then_some(response)
    }

    pub(super) fn shift(&mut self, path: &str, file: &ShiftFile) -> Option<Shift> {
        let start = self.check(&format!("{path}.start"), parse_time_of_day(&file.start));
        let end = self.check(&format!("{path}.end"), parse_time_of_day(&file.end));
        let (start, end) = (start?, end?);
        let start = SimDuration::from_micros(start.as_micros() % DAY.as_micros());
        let end = SimDuration::from_micros(end.as_micros() % DAY.as_micros());
        if start == end {
            self.problem(path, "a shift must not start and end at the same time (leave `shift` out for round-the-clock work)");
            return None;
        }
        // Offsets into the shift, to check that breaks lie inside it and do not overlap.
        let into_shift = |t: SimDuration| {
            (t.as_micros() + DAY.as_micros() - start.as_micros()) % DAY.as_micros()
        };
        let length = into_shift(end);
        let mut breaks = Vec::new();
        for (idx, brk) in file.breaks.iter().enumerate() {
            let bpath = format!("{path}.breaks[{idx}]");
            let b_start = self.check(&format!("{bpath}.start"), parse_time_of_day(&brk.start));
            let b_end = self.check(&format!("{bpath}.end"), parse_time_of_day(&brk.end));
            let (Some(b_start), Some(b_end)) = (b_start, b_end) else {
                continue;
            };
            let b_start = SimDuration::from_micros(b_start.as_micros() % DAY.as_micros());
            let b_end = SimDuration::from_micros(b_end.as_micros() % DAY.as_micros());
            let (from, to) = (into_shift(b_start), into_shift(b_end));
            if from == 0 || to <= from || to >= length {
                self.problem(
                    &bpath,
                    format!(
                        "the break {} to {} must lie strictly inside the shift {} to {}",
                        brk.start, brk.end, file.start, file.end
                    ),
                );
                continue;
            }
            breaks.push((
                from,
                to,
                Break {
                    start: b_start,
                    end: b_end,
                },
            ));
        }
        breaks.sort_by_key(|b| b.0);
        if breaks.windows(2).any(|w| w[1].0 < w[0].1) {
            self.problem(&format!("{path}.breaks"), "breaks must not overlap");
            return None;
        }
        Some(Shift {
            start,
            end,
            breaks: breaks.into_iter().map(|b| b.2).collect(),
        })
    }
}
