//! Validation of a workstream's `preferred_agents`: the text variable that chooses them, the
//! value → agents table (up to 3 per value, each a group or one agent of a group), and the
//! fallback; push workstreams only.

use crate::config::file::PreferredAgentsFile;
use crate::model::{GroupId, PreferredAgent, PreferredAgents, PreferredFallback};

use super::*;

impl Validator<'_> {
    pub(super) fn preferred_agents(
        &mut self,
        path: &str,
        file: &PreferredAgentsFile,
        mode: Option<DistributionMode>,
        scenario: &ScenarioFile,
        names: &Names,
        ws_channels: &[usize],
    ) -> Option<PreferredAgents> {
        let mut ok = true;
        if mode == Some(DistributionMode::Pick) {
            self.problem(
                path,
                "preferred agents work only in a push workstream (pick items are not assigned)",
            );
            ok = false;
        }
        let fallback = match file.fallback.as_deref() {
            None | Some("next_best") => PreferredFallback::NextBest,
            Some("leave_in_queue") => PreferredFallback::LeaveInQueue,
            Some(other) => {
                self.problem(
                    &format!("{path}.fallback"),
                    format!("expected \"next_best\" or \"leave_in_queue\", got \"{other}\""),
                );
                ok = false;
                PreferredFallback::NextBest
            }
        };
        // Where the variable sits on each channel of the workstream, and its values there.
        let n_channels = names.channels.len();
        let mut variable_by_channel = vec![None; n_channels];
        let mut values_by_channel: Vec<&[String]> = vec![&[]; n_channels];
        for &channel_idx in ws_channels {
            let channel = &scenario.channels[names.channels[channel_idx]];
            let Some(position) = channel.variables.keys().position(|k| *k == file.variable) else {
                continue;
            };
            match &channel.variables[&file.variable].values {
                Some(values) => {
                    variable_by_channel[channel_idx] = Some(position);
                    values_by_channel[channel_idx] = values;
                }
                None => {
                    self.problem(
                        &format!("{path}.variable"),
                        format!(
                            "variable \"{}\" is a number on channel \"{}\": preferred agents are chosen by a text variable",
                            file.variable, names.channels[channel_idx]
                        ),
                    );
                    ok = false;
                }
            }
        }
        if ok && variable_by_channel.iter().all(Option::is_none) {
            self.problem(
                &format!("{path}.variable"),
                format!(
                    "no channel of this workstream has a text context variable \"{}\"",
                    file.variable
                ),
            );
            ok = false;
        }
        let group_names: Vec<&String> = scenario.agent_groups.keys().collect();
        let mut by_value: Vec<(&String, Vec<PreferredAgent>)> = Vec::new();
        for (value, entries) in &file.by_value {
            let value_path = format!("{path}.by_value.{value}");
            if ok && !values_by_channel.iter().any(|v| v.contains(value)) {
                self.problem(
                    &value_path,
                    format!(
                        "\"{value}\" is never a value of variable \"{}\"",
                        file.variable
                    ),
                );
                ok = false;
            }
            if entries.is_empty() || entries.len() > 3 {
                self.problem(
                    &value_path,
                    format!(
                        "expected 1 to 3 preferred agents (as the product allows), got {}",
                        entries.len()
                    ),
                );
                ok = false;
                continue;
            }
            let mut agents = Vec::new();
            for (idx, entry) in entries.iter().enumerate() {
                let entry_path = format!("{value_path}[{idx}]");
                let (group, number) = match entry.split_once(':') {
                    Some((group, number)) => (group, Some(number)),
                    None => (entry.as_str(), None),
                };
                let Some(group_idx) = self.resolve(&entry_path, "agent group", group, &group_names)
                else {
                    ok = false;
                    continue;
                };
                let count = scenario.agent_groups[group_names[group_idx]].count;
                let agent = match number {
                    None => None,
                    Some(text) => match text.parse::<i64>() {
                        Ok(n) if n >= 1 && n <= count => Some((n - 1) as u32),
                        _ => {
                            self.problem(
                                &entry_path,
                                format!("expected \"{group}\" or \"{group}:N\" with N an agent of the group, from 1 to {count}, got \"{entry}\""),
                            );
                            ok = false;
                            continue;
                        }
                    },
                };
                agents.push(PreferredAgent {
                    group: GroupId::from_index(group_idx),
                    agent,
                });
            }
            by_value.push((value, agents));
        }
        if !ok {
            return None;
        }
        let by_channel_value = (0..n_channels)
            .map(|channel| {
                values_by_channel[channel]
                    .iter()
                    .map(|value| {
                        by_value
                            .iter()
                            .find(|(v, _)| *v == value)
                            .map_or_else(Vec::new, |(_, agents)| agents.clone())
                    })
                    .collect()
            })
            .collect();
        Some(PreferredAgents {
            variable_by_channel,
            by_channel_value,
            fallback,
        })
    }
}
