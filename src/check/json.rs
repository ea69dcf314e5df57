//! serde_json's path: a line read as one JSON object, [`Members`], whose
//! members keep their order and their values the text they were written
//! with (so a message echoes `100000000000000000000000` as written, not as
//! the float `1e+23`). It promises:
//!
//! - Any JSON the line holds is read, whatever its shape; what is not JSON
//!   is [`TraceErrorKind::InvalidJson`] at the column serde_json stopped
//!   at, and JSON that is no object is [`TraceErrorKind::NotAnObject`].
//! - A key given twice (after its escapes are read: `"op"` and `"\u006fp"`
//!   are one key) is [`TraceErrorKind::DuplicateField`], naming it, once
//!   the whole line has proved to be JSON: a line that means two things is
//!   not judged as either. (serde_json's own map keeps the last.)
//! - Numbers are not converted here: each keeps its text, for the field
//!   that reads it to judge ([`super::parse`]).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::error::TraceErrorKind;

/// One member's value as written in the line.
#[derive(Debug)]
pub(super) enum JsonValue<'a> {
    /// A string, its escapes read.
    Str(Cow<'a, str>),
    /// A number, as written.
    Number(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An array or an object, as serde_json reads it.
    Nested(Value),
}

/// A line's object: its members in line order, each key once.
#[derive(Debug)]
pub(crate) struct Members<'a> {
    members: Vec<(Cow<'a, str>, &'a str, JsonValue<'a>)>,
}

impl<'a> Members<'a> {
    /// The value of member `key`.
    pub(super) fn get(&self, key: &str) -> Option<&JsonValue<'a>> {
        self.members
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, value)| value)
    }

    /// Whether the object has member `key`.
    pub(super) fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The text of member `key`'s value, as written.
    pub(crate) fn written(&self, key: &str) -> Option<&'a str> {
        self.members
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, written, _)| *written)
    }
}

/// Reads one non-blank line as a JSON object (see the module docs).
pub(crate) fn json_object(text: &str) -> Result<Members<'_>, TraceErrorKind> {
    let read: Line<'_> = serde_json::from_str(text).map_err(|e| json_error(&e, 0))?;
    let raw = match read {
        Line::Object(raw) => raw,
        Line::Duplicate(field) => return Err(TraceErrorKind::DuplicateField { field }),
        Line::Other(found) => return Err(TraceErrorKind::NotAnObject { found }),
    };
    let members = raw
        .into_iter()
        .map(|(key, raw)| {
            let written = raw.get();
            Ok((key, written, value(text, written)?))
        })
        .collect::<Result<_, TraceErrorKind>>()?;
    Ok(Members { members })
}

/// A member's value from its text, which serde_json read as a value.
fn value<'a>(text: &'a str, written: &'a str) -> Result<JsonValue<'a>, TraceErrorKind> {
    Ok(match written.as_bytes().first() {
        // INVARIANT: serde_json read the text as one value: a string
        // without an escape is its contents between the quotes.
        Some(b'"') if !written.contains('\\') => {
            JsonValue::Str(Cow::Borrowed(&written[1..written.len() - 1]))
        }
        Some(b'"') => JsonValue::Str(Cow::Owned(again(text, written)?)),
        Some(b't') => JsonValue::Bool(true),
        Some(b'f') => JsonValue::Bool(false),
        Some(b'n') => JsonValue::Null,
        Some(b'[' | b'{') => JsonValue::Nested(again(text, written)?),
        _ => JsonValue::Number(written),
    })
}

/// Reads a member's value, `written` within the line `text`, once more,
/// as a `T`: what serde_json checks only then (an escape naming half a
/// UTF-16 surrogate pair, nesting too deep) is reported at its column in
/// the line.
fn again<T: DeserializeOwned>(text: &str, written: &str) -> Result<T, TraceErrorKind> {
    serde_json::from_str(written).map_err(|e| {
        // `written` is a slice of `text`: its offset is where it starts.
        let offset = (written.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        json_error(&e, offset)
    })
}

/// serde_json's error for a line that is not JSON, its column moved on by
/// `offset` bytes.
fn json_error(error: &serde_json::Error, offset: usize) -> TraceErrorKind {
    TraceErrorKind::InvalidJson {
        column: error.column() + offset,
        message: serde_message(error),
    }
}

/// serde_json's message without the position it appends (` at line L
/// column C`), which every caller reports its own way (a trace's line, a
/// regression file's field).
pub(crate) fn serde_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

/// A line as the visitor below reads it.
enum Line<'a> {
    /// An object: every member, in line order, each key once.
    Object(Vec<(Cow<'a, str>, &'a RawValue)>),
    /// An object with this key given twice (the first such key).
    Duplicate(String),
    /// Any other JSON value, in words.
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Line<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LineVisitor)
    }
}

struct LineVisitor;

impl<'de> Visitor<'de> for LineVisitor {
    type Value = Line<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Line<'de>, A::Error> {
        let mut members: Vec<(Cow<'de, str>, &'de RawValue)> = Vec::new();
        let mut duplicate = None;
        while let Some(Key(key)) = map.next_key()? {
            let value = map.next_value()?;
            // Read on to the end all the same: a line that is not JSON
            // further on is reported as that.
            if duplicate.is_none() && members.iter().any(|(k, _)| *k == key) {
                duplicate = Some(key.clone().into_owned());
            }
            members.push((key, value));
        }
        Ok(match duplicate {
            Some(key) => Line::Duplicate(key),
            None => Line::Object(members),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Line<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Line::Other("an array"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Line<'de>, E> {
        Ok(Line::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Line<'de>, E> {
        Ok(Line::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Line<'de>, E> {
        Ok(Line::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Line<'de>, E> {
        Ok(Line::Other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Line<'de>, E> {
        Ok(Line::Other("a string"))
    }

    fn visit_unit<E>(self) -> Result<Line<'de>, E> {
        Ok(Line::Other("null"))
    }
}

/// A member's key: borrowed from the line unless it has an escape.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_their_order_and_their_text() {
        let line =
            r#"{"b" : 1.50, "a":"x\"y", "c":[1, 2], "d":null, "e":100000000000000000000000}"#;
        let members = json_object(line).expect("an object");
        let keys: Vec<&str> = members.members.iter().map(|(k, _, _)| k.as_ref()).collect();
        assert_eq!(keys, ["b", "a", "c", "d", "e"]);
        assert_eq!(members.written("b"), Some("1.50"));
        assert_eq!(members.written("c"), Some("[1, 2]"));
        assert!(matches!(members.get("a"), Some(JsonValue::Str(s)) if s == "x\"y"));
        assert!(matches!(
            members.get("e"),
            Some(JsonValue::Number("100000000000000000000000"))
        ));
        assert!(matches!(members.get("d"), Some(JsonValue::Null)));
        assert!(!members.contains("x"));
    }

    #[test]
    fn a_key_given_twice_is_named_however_it_is_spelt() {
        for (line, key) in [
            (r#"{"op":"delete","op":"format"}"#, "op"),
            (r#"{"op":"delete","req":"r","\u006fp":"format"}"#, "op"),
            (r#"{"x":1,"y":2,"x":[3]}"#, "x"),
        ] {
            assert!(
                matches!(
                    json_object(line),
                    Err(TraceErrorKind::DuplicateField { field }) if field == key
                ),
                "{line}"
            );
        }
    }

    #[test]
    fn what_is_not_json_is_reported_before_a_duplicate_and_at_its_column() {
        assert!(matches!(
            json_object(r#"{"op":1,"op":2,}"#),
            Err(TraceErrorKind::InvalidJson { column: 16, .. })
        ));
        // A lone surrogate is found when the string is read again, and
        // reported where reading the whole line as a value reports it.
        for line in [
            r#"{"op":"create", "req":"\ud800"}"#,
            r#"{"op":"create", "flags": [ "a", "\udc00" ]}"#,
        ] {
            let whole = serde_json::from_str::<Value>(line).expect_err("a lone surrogate");
            let Err(TraceErrorKind::InvalidJson { column, message }) = json_object(line) else {
                panic!("{line}: invalid JSON");
            };
            assert_eq!(
                (column, message),
                (whole.column(), serde_message(&whole)),
                "{line}"
            );
        }
    }

    #[test]
    fn json_that_is_no_object_is_named_by_its_type() {
        for (line, found) in [
            ("[1, {}]", "an array"),
            ("true", "a boolean"),
            ("-1.5", "a number"),
            ("\"op\"", "a string"),
            ("null", "null"),
        ] {
            assert!(
                matches!(
                    json_object(line),
                    Err(TraceErrorKind::NotAnObject { found: f }) if f == found
                ),
                "{line}"
            );
        }
    }
}
