//! The field path of a TOML syntax error: the text does not parse, so no table says where the
//! error is, but the lines above it do (the last `[table]` or `[[array]]` header, and the key
//! on the error's line), which is what a planner needs to find a bad value in a long file.

/// The field path of the value at byte `offset` of `text` (`agent_groups.day.count`,
/// `staffing.targets[1].threshold`, `channels.chat.patience.value` inside an inline table,
/// `channels.chat.arrivals.rates_per_hour[13]` inside an array, over as many lines as it
/// takes), or `None` when the offset is not in a value (a broken header, a key).
///
/// The text before the offset is read as TOML is written: headers, `key = value` lines, and
/// inside a value its arrays (counting elements by their commas) and inline tables (taking the
/// key being given), with strings (all four kinds) and comments skipped, so that a bracket or
/// a comma in them counts for nothing. It is a best effort on text that does not parse: any
/// offset into any text gives an answer, never a panic.
pub(super) fn field_path_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let bytes = &text.as_bytes()[..offset];
    let mut header: Vec<String> = Vec::new();
    // Each array of tables seen, by its parts, with the index of its current element.
    let mut arrays: Vec<(Vec<String>, usize)> = Vec::new();
    // The key of the top-level `key = value` being read (`None` before its `=`), and where
    // its text began on the line.
    let mut key: Option<Vec<String>> = None;
    let mut key_start: Option<usize> = None;
    // The value's open arrays and inline tables, outermost first.
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' => {
                if key.is_none() && key_start.is_none() {
                    key_start = Some(i);
                }
                if let Some(Frame::Table { key: None, start }) = frames.last_mut() {
                    start.get_or_insert(i);
                }
                i = skip_string(bytes, i);
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' if frames.is_empty() => {
                key = None;
                key_start = None;
            }
            b'[' if key.is_none() && key_start.is_none() => {
                let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                if line_end >= offset {
                    // The offset is in the header itself.
                    return None;
                }
                read_header(&text[i..line_end], &mut header, &mut arrays);
                i = line_end;
                continue;
            }
            b'=' if key.is_none() => {
                key = Some(dotted(&text[key_start.unwrap_or(i)..i])?);
            }
            _ if key.is_none() => {
                if !c.is_ascii_whitespace() && key_start.is_none() {
                    key_start = Some(i);
                }
            }
            b'[' => frames.push(Frame::Array { index: 0 }),
            b'{' => frames.push(Frame::Table {
                key: None,
                start: None,
            }),
            b']' if matches!(frames.last(), Some(Frame::Array { .. })) => {
                frames.pop();
            }
            b'}' if matches!(frames.last(), Some(Frame::Table { .. })) => {
                frames.pop();
            }
            _ => match frames.last_mut() {
                Some(Frame::Array { index }) if c == b',' => *index += 1,
                Some(Frame::Table { key, start }) if c == b',' => {
                    *key = None;
                    *start = None;
                }
                Some(Frame::Table {
                    key: key @ None,
                    start,
                }) if c == b'=' => {
                    *key = Some(dotted(&text[start.unwrap_or(i)..i])?);
                }
                Some(Frame::Table { key: None, start }) if !c.is_ascii_whitespace() => {
                    start.get_or_insert(i);
                }
                _ => {}
            },
        }
        i += 1;
    }
    let mut path = indexed(&header, &arrays);
    for part in key? {
        push_key(&mut path, &part);
    }
    for frame in frames {
        match frame {
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
            Frame::Table { key: Some(key), .. } => key.iter().for_each(|k| push_key(&mut path, k)),
            // Inside an inline table's key: the path ends with the table.
            Frame::Table { key: None, .. } => break,
        }
    }
    Some(path)
}

/// An array or inline table open in a value, as far as the text has got.
enum Frame {
    /// The element being read (the commas seen).
    Array { index: usize },
    /// The key being given (`None` while its name is read), and where its name began.
    Table {
        key: Option<Vec<String>>,
        start: Option<usize>,
    },
}

fn push_key(path: &mut String, part: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(&super::path::key(part));
}

/// The index just past the string that opens at `at` (basic or literal, on one line or
/// several), or the end of the text if it does not close. A one-line string closes at the
/// end of its line at the latest, as the parser gives up there too.
fn skip_string(bytes: &[u8], at: usize) -> usize {
    let quote = bytes[at];
    let triple = bytes[at..].starts_with(&[quote; 3]);
    let mut i = at + if triple { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 1,
            b'\n' if !triple => return i,
            c if c == quote && (!triple || bytes[i..].starts_with(&[quote; 3])) => {
                // A closing triple may carry one or two more quotes of the content before it.
                let mut end = i + if triple { 3 } else { 1 };
                while triple && end < bytes.len() && bytes[end] == quote && end < i + 5 {
                    end += 1;
                }
                return end;
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Takes in a `[table]` or `[[array]]` header line: the header it sets, and the element of
/// each array of tables it opens.
fn read_header(line: &str, header: &mut Vec<String>, arrays: &mut Vec<(Vec<String>, usize)>) {
    let line = line.trim();
    if let Some(name) = line.strip_prefix("[[").and_then(|l| l.split("]]").next()) {
        let Some(name) = dotted(name) else { return };
        match arrays.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => arrays.push((name.clone(), 0)),
        }
        // An array of tables below another array's element restarts with the element.
        arrays.retain(|(n, _)| !(n.len() > name.len() && n.starts_with(&name)));
        *header = name;
    } else if let Some(name) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
        *header = dotted(name).unwrap_or_default();
    }
}

/// A dotted path written out, with the index of each array of tables it lies in
/// (`staffing.targets[1].threshold`).
fn indexed(path: &[String], arrays: &[(Vec<String>, usize)]) -> String {
    let mut out = String::new();
    for (depth, part) in path.iter().enumerate() {
        push_key(&mut out, part);
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
            Some("channels.\"web chat\".patience.value")
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
            Some("channels.\"web.chat\".patience")
        );
        // Nested arrays restart with each element of the outer one.
        let text = "[[a]]\n[[a.b]]\n[[a.b]]\n[[a]]\n[[a.b]]\nx = 1e999\n";
        assert_eq!(at(text, "1e999").as_deref(), Some("a[1].b[0].x"));
    }

    #[test]
    fn no_path_outside_a_key_line() {
        assert_eq!(at("[queues.sales\nx = 1\n", "sales"), None);
        assert_eq!(at("x = 1\nkey_without_value\n", "without"), None);
        assert_eq!(at("a.b c = 1\n", "c ="), None);
    }

    #[test]
    fn an_element_of_an_array_over_several_lines() {
        let text =
            "[channels.chat]\narrivals = { rates_per_hour = [\n  600, 380,\n  300 300,\n] }\n";
        assert_eq!(
            at(text, "300 300").as_deref(),
            Some("channels.chat.arrivals.rates_per_hour[2]")
        );
        let text = "q = [\n  1e999,\n]\n";
        assert_eq!(at(text, "1e999").as_deref(), Some("q[0]"));
        // Arrays in arrays, and inline tables in arrays.
        let text = "m = [[1, 2], [3, 1e999]]\nt = [{ a = 1 }, { b = [0, 1e999] }]\n";
        assert_eq!(at(text, "1e999]]").as_deref(), Some("m[1][1]"));
        assert_eq!(at(text, "1e999] }]").as_deref(), Some("t[1].b[1]"));
        // The value after an array is closed belongs to the next key.
        let text = "a = [\n 1,\n 2,\n]\nb = 1e999\n";
        assert_eq!(at(text, "1e999").as_deref(), Some("b"));
    }

    /// Brackets, braces, commas, `=` and `#` inside strings and comments count for nothing.
    #[test]
    fn strings_and_comments_are_skipped() {
        let text = "a = [\n  \"x,[y\", # one, [two]\n  'z,{', \"q\\\"\",\n  1e999,\n]\n";
        assert_eq!(at(text, "1e999").as_deref(), Some("a[3]"));
        let text = "description = \"\"\"\n[not.a.header]\nx = \"\"\"\ncount = 1e999\n";
        assert_eq!(at(text, "1e999").as_deref(), Some("count"));
        let text = "\"key = odd\" = '''\nline [1,\n'''\n[t]\nv = 1e999\n";
        assert_eq!(at(text, "1e999").as_deref(), Some("t.v"));
        // Inside a multi-line string: the string's own key.
        let text = "[t]\nnote = \"\"\"\nsome text\n";
        assert_eq!(at(text, "text").as_deref(), Some("t.note"));
    }

    /// Any offset into any text gives an answer, never a panic (inside a character too).
    #[test]
    fn every_offset_of_odd_text_is_safe() {
        let text = "[a.\"é\"]\n[[b]]\nk = { x = \"ü\", y = 1e999 }\n= 3\n[\n{=\n";
        for offset in 0..=text.len() + 2 {
            let _ = field_path_at(text, offset);
        }
        // Strings and arrays left open, an escape at the very end, stray closers.
        let open = "a = [1, {b = \"\"\"x\n]}\nc = '''\u{e9}\n[[d]]\ne = \"\\\n} ] = [{\"\\";
        for offset in 0..=open.len() {
            let _ = field_path_at(open, offset);
        }
        assert_eq!(
            field_path_at(text, text.find("1e999").unwrap()).as_deref(),
            Some("b[0].k.y")
        );
    }
}
