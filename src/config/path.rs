//! Field paths as messages print them (`channels."web.chat".handle_time`): a name that is not
//! a bare TOML key (letters, digits, `_`, `-`) is written quoted, as the file writes it, so a
//! path names one field however its names are spelt.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `name` may be written as a bare TOML key.
pub(crate) fn is_bare(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `name` as one segment of a field path: itself if bare, else a quoted TOML basic string.
pub(crate) fn key(name: &str) -> Cow<'_, str> {
    if is_bare(name) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    Cow::Owned(out)
}

/// `prefix.name`, the name quoted where it must be (`name` alone when `prefix` is empty).
pub(crate) fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        key(name).into_owned()
    } else {
        format!("{prefix}.{}", key(name))
    }
}

/// Splits a field path into its segments: names (bare, or quoted as TOML writes them, `"..."`
/// with escapes or `'...'` as written) joined by dots, each followed by any number of list
/// indices (`routing[1]`). Returns each name or index, or what is wrong with the text.
pub(crate) fn split(text: &str) -> Result<Vec<Segment>, String> {
    let example = "expected names joined by dots, e.g. agent_groups.tier1.count";
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        let (name, after) = match rest.chars().next() {
            Some('"') => basic_string(&rest[1..]).ok_or_else(|| {
                format!("\"{text}\": a quoted name is not closed or has a bad escape")
            })?,
            Some('\'') => {
                let close = rest[1..]
                    .find('\'')
                    .ok_or_else(|| format!("\"{text}\": a quoted name is not closed"))?;
                (rest[1..1 + close].to_string(), &rest[2 + close..])
            }
            _ => {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                if end == 0 || rest[..end].contains(['"', '\'', ']']) {
                    return Err(format!("\"{text}\" is not a field path ({example})"));
                }
                (rest[..end].to_string(), &rest[end..])
            }
        };
        segments.push(Segment::Key(name));
        rest = after;
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner
                .find(']')
                .ok_or_else(|| format!("\"{text}\": unclosed `[`"))?;
            let index = inner[..close]
                .parse::<usize>()
                .map_err(|_| format!("\"{text}\": `[{}]` is not a list index", &inner[..close]))?;
            segments.push(Segment::Index(index));
            rest = &inner[close + 1..];
        }
        match rest.strip_prefix('.') {
            Some(next) => rest = next,
            None if rest.is_empty() => return Ok(segments),
            None => {
                return Err(format!(
                    "\"{text}\": expected `.` or `[` after a name or `]`"
                ))
            }
        }
    }
}

/// One segment of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// The content of a basic string whose opening quote is just before `text`, and the text
/// after its closing quote; `None` if it does not close or has an escape TOML does not have.
fn basic_string(text: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((out, &text[at + 1..])),
            '\\' => {
                let (_, escape) = chars.next()?;
                match escape {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'e' => out.push('\u{1b}'),
                    'u' | 'U' => {
                        let digits = if escape == 'u' { 4 } else { 8 };
                        let hex: String = (0..digits)
                            .map(|_| chars.next().map(|(_, h)| h))
                            .collect::<Option<_>>()?;
                        let code = u32::from_str_radix(&hex, 16).ok()?;
                        out.push(char::from_u32(code)?);
                    }
                    _ => return None,
                }
            }
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<Segment> {
        split(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn bare_names_stay_as_they_are_and_others_are_quoted() {
        assert_eq!(key("tier1"), "tier1");
        assert_eq!(key("web-chat_2"), "web-chat_2");
        assert_eq!(key("web.calls"), "\"web.calls\"");
        assert_eq!(key("tier 1"), "\"tier 1\"");
        assert_eq!(key(""), "\"\"");
        assert_eq!(key("say \"hi\"\\"), r#""say \"hi\"\\""#);
        assert_eq!(key("a\tb\u{1}"), r#""a\tb\u0001""#);
        assert_eq!(key("café"), "\"café\"");
        assert_eq!(join("channels", "web.calls"), "channels.\"web.calls\"");
        assert_eq!(join("", "chat"), "chat");
    }

    #[test]
    fn a_quoted_name_reads_back_as_one_segment() {
        let k = |s: &str| Segment::Key(s.to_string());
        assert_eq!(
            keys("agent_groups.\"web.calls\".count"),
            vec![k("agent_groups"), k("web.calls"), k("count")]
        );
        assert_eq!(
            keys("workstreams.'a.b'.routing[1][2].queue"),
            vec![
                k("workstreams"),
                k("a.b"),
                k("routing"),
                Segment::Index(1),
                Segment::Index(2),
                k("queue")
            ]
        );
        assert_eq!(keys("agent_groups.tier 1.count")[1], k("tier 1"));
        for name in [
            "web.calls",
            "tier 1",
            "say \"hi\"\\",
            "a\tb\u{1}",
            "café",
            "",
        ] {
            let path = join("queues", name);
            assert_eq!(keys(&path), vec![k("queues"), k(name)], "{path}");
        }
    }

    #[test]
    fn malformed_paths_are_refused() {
        for text in [
            "",
            "a..b",
            "a.",
            ".a",
            "a.\"b",
            "a.\"b\"c",
            "a.'b",
            "a[x]",
            "a[1",
            "a[1]b",
            "a.\"\\q\"",
            "a.b\"c",
        ] {
            assert!(split(text).is_err(), "{text:?} was accepted");
        }
    }
}
