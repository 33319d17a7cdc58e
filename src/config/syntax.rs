//! The field path of a TOML syntax error: the text does not parse, so no table says where the
//! error is, but the lines above it do (the last `[table]` or `[[array]]` header, and the key
//! on the error's line), which is what a planner needs to find a bad value in a long file.

/// The field path of the value at byte `offset` of `text` (`agent_groups.day.count`,
/// `staffing.targets[1].threshold`, `channels.chat.patience.value` inside an inline table), or
/// `None` when the offset is not in a `key = value` line (a broken header, a multi-line array).
pub(super) fn field_path_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut header = String::new();
    let mut arrays: Vec<(String, usize)> = Vec::new();
    for line in text[..line_start].lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix("[[").and_then(|l| l.split("]]").next()) {
            let name = squeeze(name);
            match arrays.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => arrays.push((name.clone(), 0)),
            }
            // An array of tables below another array's element restarts with the element.
            arrays.retain(|(n, _)| !n.starts_with(&format!("{name}.")));
            header = indexed(&name, &arrays);
        } else if let Some(name) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            header = indexed(&squeeze(name), &arrays);
        }
    }
    let before = &text[line_start..offset];
    let first_key = key_before_equals(before.split('=').next()?)?;
    if !before.contains('=') {
        return None;
    }
    let mut path = if header.is_empty() {
        first_key
    } else {
        format!("{header}.{first_key}")
    };
    // Inside an inline table: the key nearest before the value.
    if let Some(brace) = before.rfind('{') {
        let inner = &before[brace + 1..];
        if let Some(last) = inner.rsplit(',').next().and_then(|part| {
            part.contains('=')
                .then(|| key_before_equals(part.split('=').next()?))
                .flatten()
        }) {
            path = format!("{path}.{last}");
        }
    }
    Some(path)
}

/// A header's dotted name with the index of each array of tables it lies in.
fn indexed(name: &str, arrays: &[(String, usize)]) -> String {
    let mut out = String::new();
    let mut walked = String::new();
    for part in name.split('.') {
        if !walked.is_empty() {
            walked.push('.');
            out.push('.');
        }
        walked.push_str(part);
        out.push_str(part.trim_matches('"'));
        if let Some((_, index)) = arrays.iter().find(|(n, _)| *n == walked) {
            out.push_str(&format!("[{index}]"));
        }
    }
    out
}

/// A dotted name without the spaces TOML allows around its dots.
fn squeeze(name: &str) -> String {
    name.split('.').map(str::trim).collect::<Vec<_>>().join(".")
}

/// The key of `key =` (bare or quoted, possibly dotted), or `None` if it is not one.
fn key_before_equals(part: &str) -> Option<String> {
    let key = squeeze(part.trim());
    let ok = !key.is_empty()
        && key.split('.').all(|k| {
            k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                || (k.len() >= 2 && k.starts_with('"') && k.ends_with('"'))
        });
    ok.then(|| {
        key.split('.')
            .map(|k| k.trim_matches('"'))
            .collect::<Vec<_>>()
            .join(".")
    })
}

#[cfg(test)]
mod tests {
    use super::field_path_at;

    fn at(text: &str, needle: &str) -> Option<String> {
        field_path_at(text, text.find(needle).unwrap())
    }

    #[test]
    fn a_key_under_a_table_header() {
        let text = "name = \"x\"\n[agent_groups.day]\ncount = 99999999999999999999\n";
        assert_eq!(at(text, "9999").as_deref(), Some("agent_groups.day.count"));
        assert_eq!(at("seed = 1e999\n", "1e").as_deref(), Some("seed"));
    }

    #[test]
    fn arrays_of_tables_are_indexed() {
        let text = "[staffing]\n[[staffing.targets]]\nname = \"a\"\n[[staffing.targets]]\nthreshold = 1e999\n";
        assert_eq!(
            at(text, "1e999").as_deref(),
            Some("staffing.targets[1].threshold")
        );
    }

    #[test]
    fn a_value_inside_an_inline_table() {
        let text = "[channels.\"web chat\"]\npatience = { kind = \"constant\", value = 1e999 }\n";
        assert_eq!(
            at(text, "1e999").as_deref(),
            Some("channels.web chat.patience.value")
        );
    }

    #[test]
    fn no_path_outside_a_key_line() {
        assert_eq!(at("[queues.sales\nx = 1\n", "sales"), None);
        assert_eq!(at("q = [\n  1e999,\n]\n", "1e999"), None);
    }

    /// Any offset into any text gives an answer, never a panic (inside a character too).
    #[test]
    fn every_offset_of_odd_text_is_safe() {
        let text = "[a.\"é\"]\n[[b]]\nk = { x = \"ü\", y = 1e999 }\n= 3\n[\n{=\n";
        for offset in 0..=text.len() + 2 {
            let _ = field_path_at(text, offset);
        }
        assert_eq!(
            field_path_at(text, text.find("1e999").unwrap()).as_deref(),
            Some("b[0].k.y")
        );
    }
}
