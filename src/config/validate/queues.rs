//! Validation of `[queues]`: assignment method, priority, block size and overflow rules.

use super::*;

impl Validator<'_> {
    /// Every queue.
    pub(super) fn queues(&mut self, file: &ScenarioFile, names: &Names) -> Vec<Queue> {
        let queue_names = &names.queues;
        file
            .queues
            .iter()
            .filter_map(|(name, queue)| {
                let path = path::join("queues", name);
                let assignment = match queue.assignment.as_deref().unwrap_or("highest_capacity") {
                    "highest_capacity" => AssignmentMethod::HighestCapacity,
                    "round_robin" => AssignmentMethod::RoundRobin,
                    "least_active" => AssignmentMethod::LeastActive,
                    other => {
                        self.problem(&format!("{path}.assignment"), format!("unknown assignment method \"{other}\" (expected one of: \"highest_capacity\", \"round_robin\", \"least_active\")"));
                        return None;
                    }
                };
                let block_size = queue.block_size.unwrap_or(100);
                if block_size == 0 {
                    self.problem(&format!("{path}.block_size"), "expected at least 1");
                    return None;
                }
                let overflow = match &queue.overflow {
                    None => None,
                    Some(file) => Some(self.overflow(&format!("{path}.overflow"), name, file, queue_names)?),
                };
                Some(Queue { name: name.clone(), priority: queue.priority.unwrap_or(0), assignment, block_size, custom_ordering: None, overflow })
            })
            .collect()
    }

    pub(super) fn overflow(
        &mut self,
        path: &str,
        queue: &str,
        file: &OverflowFile,
        queue_names: &[&String],
    ) -> Option<Overflow> {
        let work_item_limit = match file.work_item_limit {
            None => None,
            Some(limit) if (1..=100).contains(&limit) => Some(limit as usize),
            Some(other) => {
                self.problem(
                    &format!("{path}.work_item_limit"),
                    format!(
                        "expected a limit from 1 to 100 open items (the product's range), got {other}"
                    ),
                );
                return None;
            }
        };
        let operating_hours = match &file.operating_hours {
            None => None,
            Some(hours) => {
                let start = self.check(
                    &format!("{path}.operating_hours.start"),
                    parse_time_of_day(&hours.start),
                );
                let end = self.check(
                    &format!("{path}.operating_hours.end"),
                    parse_time_of_day(&hours.end),
                );
                let (start, end) = (start?, end?);
                let (start, end) = (
                    SimDuration::from_micros(start.as_micros() % DAY.as_micros()),
                    SimDuration::from_micros(end.as_micros() % DAY.as_micros()),
                );
                if start == end {
                    self.problem(&format!("{path}.operating_hours"), "opening and closing times are equal (leave `operating_hours` out for a queue open round the clock)");
                    return None;
                }
                Some((start, end))
            }
        };
        if work_item_limit.is_none() && operating_hours.is_none() {
            self.problem(path, "give `work_item_limit`, `operating_hours` or both: the conditions under which the queue overflows");
            return None;
        }
        let action = match (file.action.as_str(), &file.transfer_to) {
            ("end", None) => OverflowAction::End,
            ("assign_anyway", None) => OverflowAction::AssignAnyway,
            ("transfer", Some(to)) => {
                let found =
                    self.resolve(&format!("{path}.transfer_to"), "queue", to, queue_names)?;
                if queue_names[found] == queue {
                    self.problem(
                        &format!("{path}.transfer_to"),
                        "a queue cannot overflow into itself",
                    );
                    return None;
                }
                OverflowAction::Transfer(QueueId::from_index(found))
            }
            ("transfer", None) => {
                self.problem(
                    &format!("{path}.transfer_to"),
                    "action \"transfer\" needs `transfer_to`, the queue to send items to",
                );
                return None;
            }
            ("end" | "assign_anyway", Some(_)) => {
                self.problem(
                    &format!("{path}.transfer_to"),
                    "`transfer_to` applies only to action \"transfer\"",
                );
                return None;
            }
            (other, _) => {
                self.problem(
                    &format!("{path}.action"),
                    format!("expected \"end\", \"transfer\" or \"assign_anyway\", got \"{other}\""),
                );
                return None;
            }
        };
        Some(Overflow {
            work_item_limit,
            operating_hours,
            action,
        })
    }
}
