//! `Text`: the name and measure of a result row, a string that is either a literal or shared,
//! so that forming a run's thousands of rows (and cloning them into sweeps) allocates nothing
//! per row.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// An immutable string: a `&'static str` (the measure names) or an `Arc<str>` (entity names
/// and the measures named after a scenario's thresholds), cloned by copying a pointer or
/// counting a reference. It compares, orders and hashes as the `str` it holds, so it can key a
/// map looked up by `&str`.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Text {
    /// A shared copy of `text` (one allocation; `From<String>` reuses none of the `String`'s).
    pub fn copy_of(text: &str) -> Text {
        Text(Repr::Shared(text.into()))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(text) => text,
            Repr::Shared(text) => text,
        }
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Repr::Static(""))
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Text {
        Text(Repr::Static(text))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text(Repr::Shared(text.into()))
    }
}

impl From<&String> for Text {
    fn from(text: &String) -> Text {
        Text::copy_of(text)
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.as_str().to_string()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn literal_and_shared_texts_are_the_same_string() {
        let literal = Text::from("asa_s");
        let shared = Text::from(String::from("asa_s"));
        assert_eq!(literal, shared);
        assert_eq!(literal.cmp(&shared), Ordering::Equal);
        assert!(literal == "asa_s" && shared == *"asa_s");
        let (a, b) = (Text::from("a"), Text::from(String::from("b")));
        assert!(a < b && b > literal);
        assert_eq!(format!("{shared} {shared:?}"), "asa_s \"asa_s\"");
        // Hash agrees with `str`'s, so a map keyed by `Text` is found by `&str`.
        let map: HashMap<Text, u8> = [(shared, 1)].into_iter().collect();
        assert_eq!(map.get("asa_s"), Some(&1));
        assert_eq!(map.get("wait_mean_s"), None);
    }
}
