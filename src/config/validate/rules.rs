//! Validation of a workstream's rules: route-to-queue rules (with percentage splits),
//! classification rules, and the conditions on context variables they share.

use super::*;

impl Validator<'_> {
    /// The route-to-queue rules of a workstream, in order.
    pub(super) fn routing_rules(
        &mut self,
        path: &str,
        workstream: &WorkstreamFile,
        file: &ScenarioFile,
        names: &Names,
        ws_channels: &[usize],
    ) -> Vec<RouteRule> {
        let mut routing = Vec::new();
        for (rule_idx, rule) in workstream.routing.iter().enumerate() {
            let rule_path = format!("{path}.routing[{rule_idx}]");
            let mut split = Vec::new();
            let queue = match (&rule.queue, &rule.split) {
                (Some(queue), None) => {
                    self.resolve(&format!("{rule_path}.queue"), "queue", queue, &names.queues)
                }
                (None, Some(parts)) => {
                    let mut ok = true;
                    if parts.is_empty() || parts.len() > 5 {
                        self.problem(
                            &format!("{rule_path}.split"),
                            format!(
                                "expected 1 to 5 queues (as the product allows), got {}",
                                parts.len()
                            ),
                        );
                        ok = false;
                    }
                    for (idx, part) in parts.iter().enumerate() {
                        let found = self.resolve(
                            &format!("{rule_path}.split[{idx}].queue"),
                            "queue",
                            &part.queue,
                            &names.queues,
                        );
                        if !(part.percent.is_finite() && part.percent > 0.0) {
                            self.problem(
                                &format!("{rule_path}.split[{idx}].percent"),
                                format!("expected a percentage above 0, got {}", part.percent),
                            );
                            ok = false;
                        }
                        match found {
                            Some(q) => split.push((QueueId::from_index(q), part.percent)),
                            None => ok = false,
                        }
                    }
                    let sum: f64 = parts.iter().map(|p| p.percent).sum();
                    if ok && (sum - 100.0).abs() > 1e-6 {
                        self.problem(
                            &format!("{rule_path}.split"),
                            format!("percentages add up to {sum}, not 100"),
                        );
                        ok = false;
                    }
                    split.first().filter(|_| ok).map(|(q, _)| q.index())
                }
                _ => {
                    self.problem(
                        &rule_path,
                        "give either `queue` or `split` (a percentage split across queues)",
                    );
                    None
                }
            };
            let conditions =
                self.conditions(&rule_path, &rule.when, file, &names.channels, ws_channels);
            if let (Some(queue), Some(conditions)) = (queue, conditions) {
                routing.push(RouteRule {
                    conditions,
                    queue: QueueId::from_index(queue),
                    split,
                });
            }
        }
        routing
    }

    /// The classification rules of a workstream, in order.
    pub(super) fn classification_rules(
        &mut self,
        path: &str,
        workstream: &WorkstreamFile,
        file: &ScenarioFile,
        names: &Names,
        ws_channels: &[usize],
    ) -> Vec<ClassificationRule> {
        let mut classification = Vec::new();
        for (rule_idx, rule) in workstream.classification.iter().enumerate() {
            let rule_path = format!("{path}.classification[{rule_idx}]");
            let conditions =
                self.conditions(&rule_path, &rule.when, file, &names.channels, ws_channels);
            let skills = self.ratings(
                &format!("{rule_path}.skills"),
                rule.skills.as_ref(),
                &names.skills,
            );
            if rule.skills.is_none() && rule.priority.is_none() && rule.capacity_profiles.is_none()
            {
                self.problem(
                    &rule_path,
                    "a classification rule needs `skills`, `priority` or `capacity_profiles`",
                );
            }
            let mut profiles_ok = true;
            let mut capacity_profiles = Vec::new();
            for (idx, profile) in rule.capacity_profiles.iter().flatten().enumerate() {
                let profile_path = format!("{rule_path}.capacity_profiles[{idx}]");
                match self.resolve(&profile_path, "capacity profile", profile, &names.profiles) {
                    // Appending the workstream's own profile (or one twice) changes nothing.
                    Some(found)
                        if workstream
                            .capacity_profiles
                            .iter()
                            .flatten()
                            .any(|p| p == profile)
                            || capacity_profiles.contains(&ProfileId::from_index(found)) => {}
                    Some(found) => capacity_profiles.push(ProfileId::from_index(found)),
                    None => profiles_ok = false,
                }
            }
            if let (Some(skills), Some(conditions), true) = (skills, conditions, profiles_ok) {
                classification.push(ClassificationRule {
                    conditions,
                    skills,
                    priority: rule.priority.unwrap_or(0),
                    capacity_profiles,
                });
            }
        }
        classification
    }

    /// The conditions of a rule's `when` list; `None` if any is invalid (each problem is
    /// recorded with its path).
    pub(super) fn conditions(
        &mut self,
        rule_path: &str,
        when: &[ConditionFile],
        file: &ScenarioFile,
        channel_names: &[&String],
        ws_channels: &[usize],
    ) -> Option<Vec<Condition>> {
        let conditions: Vec<Option<Condition>> = when
            .iter()
            .enumerate()
            .map(|(idx, condition)| {
                let path = format!("{rule_path}.when[{idx}]");
                self.condition(&path, condition, file, channel_names, ws_channels)
            })
            .collect();
        conditions.into_iter().collect()
    }

    pub(super) fn condition(
        &mut self,
        path: &str,
        file: &ConditionFile,
        scenario: &ScenarioFile,
        channel_names: &[&String],
        ws_channels: &[usize],
    ) -> Option<Condition> {
        let n_tests = [
            file.equals.is_some(),
            file.not_equals.is_some(),
            file.one_of.is_some(),
            file.not_in.is_some(),
            file.less_than.is_some(),
            file.at_most.is_some(),
            file.greater_than.is_some(),
            file.at_least.is_some(),
        ]
        .iter()
        .filter(|&&g| g)
        .count();
        if n_tests != 1 {
            self.problem(path, "give exactly one test: `equals`, `not_equals`, `in`, `not_in`, `less_than`, `at_most`, `greater_than` or `at_least`");
            return None;
        }
        // Where the variable sits on each channel of the workstream.
        let mut variable_by_channel = vec![None; channel_names.len()];
        let mut text_values: Vec<Option<&Vec<String>>> = vec![None; channel_names.len()];
        let mut found_text = false;
        let mut found_number = false;
        for &channel_idx in ws_channels {
            let channel = &scenario.channels[channel_names[channel_idx]];
            if let Some(position) = channel.variables.keys().position(|k| *k == file.variable) {
                variable_by_channel[channel_idx] = Some(position);
                let variable = &channel.variables[&file.variable];
                match &variable.values {
                    Some(values) => {
                        text_values[channel_idx] = Some(values);
                        found_text = true;
                    }
                    None => found_number = true,
                }
            }
        }
        if !found_text && !found_number {
            self.problem(
                &format!("{path}.variable"),
                format!(
                    "no channel of this workstream has a context variable \"{}\"",
                    file.variable
                ),
            );
            return None;
        }
        let text_test = |wanted: &[String], this: &mut Self| -> Option<Vec<Vec<u32>>> {
            if found_number {
                this.problem(
                    path,
                    format!(
                        "variable \"{}\" is a number on some channel: use a number test",
                        file.variable
                    ),
                );
                return None;
            }
            let mut by_channel = vec![Vec::new(); channel_names.len()];
            for want in wanted {
                let mut known_somewhere = false;
                for (channel_idx, values) in text_values.iter().enumerate() {
                    if let Some(position) = values.and_then(|v| v.iter().position(|x| x == want)) {
                        by_channel[channel_idx].push(position as u32);
                        known_somewhere = true;
                    }
                }
                if !known_somewhere {
                    this.problem(path, format!("\"{want}\" is never a value of variable \"{}\", so this test can never match", file.variable));
                    return None;
                }
            }
            Some(by_channel)
        };
        let number = |value: &toml::Value| {
            value
                .as_float()
                .or_else(|| value.as_integer().map(|i| i as f64))
        };
        let test = if let Some(value) = file.equals.as_ref().or(file.not_equals.as_ref()) {
            let negate = file.not_equals.is_some();
            match (value.as_str(), number(value)) {
                (Some(text), _) => {
                    let values_by_channel = text_test(&[text.to_string()], self)?;
                    if negate {
                        ConditionTest::TextNotIn { values_by_channel }
                    } else {
                        ConditionTest::TextIn { values_by_channel }
                    }
                }
                (None, Some(n)) if !negate && !found_text => ConditionTest::Number {
                    op: NumberOp::Equal,
                    value: n,
                },
                _ => {
                    self.problem(path, "expected a text value, or a number for a number variable (`not_equals` takes text)");
                    return None;
                }
            }
        } else if let Some(list) = &file.one_of {
            ConditionTest::TextIn {
                values_by_channel: text_test(list, self)?,
            }
        } else if let Some(list) = &file.not_in {
            ConditionTest::TextNotIn {
                values_by_channel: text_test(list, self)?,
            }
        } else {
            if found_text {
                self.problem(
                    path,
                    format!(
                        "variable \"{}\" is text on some channel: compare it with `equals` or `in`",
                        file.variable
                    ),
                );
                return None;
            }
            let (op, value) = [
                (NumberOp::Less, file.less_than),
                (NumberOp::AtMost, file.at_most),
                (NumberOp::Greater, file.greater_than),
                (NumberOp::AtLeast, file.at_least),
            ]
            .into_iter()
            .find_map(|(op, v)| v.map(|v| (op, v)))?;
            ConditionTest::Number { op, value }
        };
        Some(Condition {
            variable_by_channel,
            test,
        })
    }
}
