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
    let mut header: Vec<String> = Vec::new();
    // Each array of tables seen, by its parts, with the index of its current element.
    let mut arrays: Vec<(Vec<String>, usize)> = Vec::new();
    for line in text[..line_start].lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix("[[").and_then(|l| l.split("]]").next()) {
            let Some(name) = dotted(name) else { continue };
            match arrays.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => arrays.push((name.clone(), 0)),
            }
            // An array of tables below another array's element restarts with the element.
            arrays.retain(|(n, _)| !(n.len() > name.len() && n.starts_with(&name)));
            header = name;
        } else if let Some(name) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            header = dotted(name).unwrap_or_default();
        }
    }
    let before = &text[line_start..offset];
    if !before.contains('=') {
        return None;
    }
    let mut path = header;
    path.extend(dotted(before.split('=').next()?)?);
    // Inside an inline table: the key nearest before the value.
    if let Some(brace) = before.rfind('{') {
        let inner = &before[brace + 1..];
        if let Some(last) = inner.rsplit(',').next().and_then(|part| {
            part.contains('=')
                .then(|| dotted(part.split('=').next()?))
                .flatten()
        }) {
            path.extend(last);
        }
    }
    Some(indexed(&path, &arrays))
}

/// A dotted path written out, with the index of each array of tables it lies in
/// (`staffing.targets[1].threshold`).
fn indexed(path: &[String], arrays: &[(Vec<String>, usize)]) -> String {
    let mut out = String::new();
    for (depth, part) in path.iter().enumerate() {
        if depth > 0 {
            out.push('.');
        }
        out.push_str(part);
        if let Some((_, index)) = arrays.iter().find(|(n, _)| *n == path[..=depth]) {
            out.push_str(&format!("[{index}]"));
        }
    }
    out
}

/// The parts of a dotted key or header name, each bare (letters, digits, `_`, `-`) or quoted
/// (`channels."web.chat"` is two parts; the quotes are dropped); `None` if it is not one.
fn dotted(name: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut rest = name.trim();
    loop {
        let (part, after) = if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"')?;
            (quoted[..end].to_string(), quoted[end + 1..].trim_start())
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let bare = rest[..end].trim_end();
            let valid = !bare.is_empty()
                && bare
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !valid {
                return None;
            }
            (bare.to_string(), &rest[end..])
        };
        parts.push(part);
        match after.strip_prefix('.') {
            Some(next) => rest = next.trim_start(),
            None if after.is_empty() => return Some(parts),
            None => return None,
        }
    }
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
    fn quoted_names_may_hold_dots() {
        let text = "[channels.\"web.chat\"]\n[[ staffing . targets ]]\nthreshold = 1e999\n";
        assert_eq!(
            at(text, "1e999").as_deref(),
            Some("staffing.targets[0].threshold")
        );
        let text = "[channels.\"web.chat\"]\npatience = 1e999\n";
        assert_eq!(
            at(text, "1e999").as_deref(),
            Some("channels.web.chat.patience")
        );
        // Nested arrays restart with each element of the outer one.
        let text = "[[a]]\n[[a.b]]\n[[a.b]]\n[[a]]\n[[a.b]]\nx = 1e999\n";
        assert_eq!(at(text, "1e999").as_deref(), Some("a[1].b[0].x"));
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
