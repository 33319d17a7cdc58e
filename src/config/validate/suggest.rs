//! "Did you mean": the closest of the known names to a misspelt one, by edit distance
//! (insertions, deletions, substitutions and swaps of neighbours, case ignored). A suggestion
//! is made only when one name is clearly closest and close enough to be a typo.

/// ` (did you mean "x"?)` when one of `known` is a likely intended spelling of `name`, else
/// an empty string, ready to append to a message.
pub(crate) fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.into_iter().collect();
    match closest_or_prefix(name, known.iter().copied()) {
        Some(best) => format!(" (did you mean \"{best}\"?)"),
        None => String::new(),
    }
}

/// The one name in `known` nearest to `name`, if within a typo's distance (a third of the
/// name's length, at least one edit) and strictly nearer than any other.
pub(crate) fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for candidate in known {
        if candidate == name {
            return None;
        }
        let distance = edit_distance(&name.to_lowercase(), &candidate.to_lowercase());
        if distance > limit {
            continue;
        }
        match best {
            Some((d, _)) if distance > d => {}
            Some((d, _)) if distance == d => tied = true,
            _ => {
                best = Some((distance, candidate));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, candidate)| candidate)
}

/// [`closest`], or else the one name in `known` that starts with `name` (`block` for
/// `block_size`), for names of three characters or more.
pub(crate) fn closest_or_prefix<'a>(
    name: &str,
    known: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    if let Some(best) = closest(name, known.clone()) {
        return Some(best);
    }
    if name.chars().count() < 3 {
        return None;
    }
    let lower = name.to_lowercase();
    let mut prefixed = known
        .into_iter()
        .filter(|k| k.to_lowercase().starts_with(&lower) && *k != name);
    match (prefixed.next(), prefixed.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// Optimal string alignment distance: Levenshtein plus swaps of two neighbouring characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the dynamic programme: two back (for swaps), one back, current.
    let mut two_back = vec![0; b.len() + 1];
    let mut one_back: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (one_back[j] + 1)
                .min(current[j - 1] + 1)
                .min(one_back[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(two_back[j - 2] + 1);
            }
        }
        std::mem::swap(&mut two_back, &mut one_back);
        std::mem::swap(&mut one_back, &mut current);
    }
    one_back[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_inserts_deletes_substitutions_and_swaps() {
        for (a, b, d) in [
            ("", "", 0),
            ("", "abc", 3),
            ("english", "english", 0),
            ("englsh", "english", 1),
            ("englihs", "english", 1),
            ("engilsh", "english", 1),
            ("french", "english", 6),
            ("horizon", "horzon", 1),
        ] {
            assert_eq!(edit_distance(a, b), d, "{a} / {b}");
            assert_eq!(edit_distance(b, a), d, "{b} / {a}");
        }
    }

    #[test]
    fn a_suggestion_is_made_only_for_a_clear_near_miss() {
        let known = ["english", "french", "english_early"];
        assert_eq!(closest("englsh", known), Some("english"));
        assert_eq!(closest("French", known), Some("french"));
        assert_eq!(closest("spanish", known), None);
        assert_eq!(
            closest("english", known),
            None,
            "an exact name needs no hint"
        );
        // Two names equally near: no guess.
        assert_eq!(closest("ab", ["aa", "bb"]), None);
        assert_eq!(
            did_you_mean("servce_level", ["service_level", "seed"]),
            " (did you mean \"service_level\"?)"
        );
        assert_eq!(did_you_mean("zzz", ["service_level"]), "");
        assert_eq!(
            closest_or_prefix("block", ["block_size", "priority"]),
            Some("block_size")
        );
        assert_eq!(closest_or_prefix("over", ["overflow", "overtime"]), None);
    }
}
