//! The fast path of the trace reader: a line scanned in place as the flat
//! JSON object a recorder writes (`{"op":"send","req":"r1","target":"t0"}`),
//! with no allocation and no copy.
//!
//! [`Flat::scan`] accepts a strict subset of JSON: one object, at most
//! [`FIELDS_MAX`] members, each key a plain string given once, each value
//! a plain string, an integer that fits 64 bits, `true`, `false` or
//! `null`; spaces between tokens; no control character anywhere in the
//! line (not even a tab). A plain string has no escape.
//! Anything else (an escape, a nested value, a fraction or an exponent, a
//! key given twice, a syntax error) makes it answer false, and the line
//! goes to serde_json's path (the `json` module, which refuses a key
//! given twice), whose reading and whose error messages are the
//! reference: the fast path never refuses a line, so every error reads
//! exactly as serde_json's path writes it. `parse::tests` and the
//! `trace_line` fuzz target hold the two paths to the same result on
//! every line.
//!
//! A [`Flat`] holds offsets into the line, not the line: one buffer serves
//! every line of a trace ([`Flat::scan`] overwrites it), and a member of
//! the trace format is found by a table lookup ([`KEYS`]), not by
//! comparing names.

/// The most members a line may have on the fast path.
pub const FIELDS_MAX: usize = 8;

/// The members the trace format reads, each found in one lookup; any
/// other member is found by its name.
pub const KEYS: [&str; 17] = [
    "op",
    "req",
    "status",
    "information",
    "target",
    "kind",
    "mode",
    "callback",
    "context",
    "timeout",
    "ignore_target_state",
    "irp",
    "queue",
    "value",
    "action",
    "flags",
    "wdfreq",
];

/// The place of `key` in [`KEYS`]: a match the compiler folds away where
/// `key` is a literal the caller inlined.
#[inline(always)]
fn key_index(key: &str) -> Option<usize> {
    Some(match key {
        "op" => 0,
        "req" => 1,
        "status" => 2,
        "information" => 3,
        "target" => 4,
        "kind" => 5,
        "mode" => 6,
        "callback" => 7,
        "context" => 8,
        "timeout" => 9,
        "ignore_target_state" => 10,
        "irp" => 11,
        "queue" => 12,
        "value" => 13,
        "action" => 14,
        "flags" => 15,
        "wdfreq" => 16,
        _ => return None,
    })
}

/// One member's value on the fast path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scalar<'a> {
    /// A string without escapes, as written.
    Str(&'a str),
    /// A negative integer, down to `i64::MIN`.
    Int(i64),
    /// A non-negative integer, up to `u64::MAX`.
    UInt(u64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// A member's value as offsets into its line.
#[derive(Clone, Copy, Debug)]
enum Raw {
    Str(u32, u32),
    Int(i64),
    UInt(u64),
    Bool(bool),
    Null,
}

/// The members of the line scanned last, as offsets into it.
#[derive(Clone, Debug)]
pub struct Flat {
    /// Each member's key (start, end) and value.
    members: [((u32, u32), Raw); FIELDS_MAX],
    len: usize,
    /// For each of [`KEYS`], 1 + the place of its member, or 0.
    slots: [u8; KEYS.len()],
}

impl Default for Flat {
    fn default() -> Self {
        Flat {
            members: [((0, 0), Raw::Null); FIELDS_MAX],
            len: 0,
            slots: [0; KEYS.len()],
        }
    }
}

impl Flat {
    /// Scans `text` into this buffer; false where serde_json must read it
    /// (see the module docs), and then the buffer is to be ignored.
    pub fn scan(&mut self, text: &str) -> bool {
        self.len = 0;
        self.slots = [0; KEYS.len()];
        // A longer line is not the fast path's: offsets are 32 bits. A
        // control character is serde_json's to refuse (in a string) or
        // skip (a tab between tokens): looked for once, over the whole
        // line, in a loop the compiler can run many bytes at a time.
        // Spaces are looked for in the same pass: a recorder writes none,
        // and then no blank is looked for between tokens.
        let (controls, spaces) = text.bytes().fold((false, false), |(c, s), b| {
            (c | (b < 0x20), s | (b == b' '))
        });
        if controls || u32::try_from(text.len()).is_err() {
            return false;
        }
        self.scan_members(text, spaces).is_some()
    }

    fn scan_members(&mut self, text: &str, spaces: bool) -> Option<()> {
        let mut scanner = Scanner {
            bytes: text.as_bytes(),
            at: 0,
            spaces,
        };
        scanner.blank();
        scanner.expect(b'{')?;
        scanner.blank();
        if scanner.eat(b'}') {
            scanner.blank();
            return scanner.done().then_some(());
        }
        loop {
            let key = scanner.string()?;
            scanner.blank();
            scanner.expect(b':')?;
            scanner.blank();
            let value = scanner.value(text)?;
            if self.len == FIELDS_MAX {
                return None;
            }
            let name = &text[key.0 as usize..key.1 as usize];
            // A key given twice is serde_json's path's to refuse. A key of
            // the table is checked by its slot; any other, by comparing it
            // with the keys before (a recorder's line has none).
            match key_index(name) {
                Some(slot) if self.slots[slot] != 0 => return None,
                Some(slot) => self.slots[slot] = self.len as u8 + 1,
                None if self.members[..self.len]
                    .iter()
                    .any(|((start, end), _)| &text[*start as usize..*end as usize] == name) =>
                {
                    return None;
                }
                None => {}
            }
            self.members[self.len] = (key, value);
            self.len += 1;
            scanner.blank();
            if scanner.eat(b',') {
                scanner.blank();
                continue;
            }
            scanner.expect(b'}')?;
            scanner.blank();
            return scanner.done().then_some(());
        }
    }

    /// The line `text` this buffer scanned, read through it.
    pub(super) fn on<'a>(&'a self, text: &'a str) -> FlatLine<'a> {
        FlatLine { flat: self, text }
    }
}

/// A scanned line: the buffer and the line it scanned.
#[derive(Clone, Copy, Debug)]
pub(super) struct FlatLine<'a> {
    flat: &'a Flat,
    text: &'a str,
}

impl<'a> FlatLine<'a> {
    /// The value of member `key`, if there is one.
    #[inline(always)]
    pub(super) fn get(&self, key: &str) -> Option<Scalar<'a>> {
        let member = match key_index(key) {
            Some(slot) => match self.flat.slots[slot] {
                0 => return None,
                place => self.flat.members[usize::from(place) - 1].1,
            },
            None => {
                self.flat.members[..self.flat.len]
                    .iter()
                    .find(|((start, end), _)| &self.text[*start as usize..*end as usize] == key)?
                    .1
            }
        };
        Some(match member {
            Raw::Str(start, end) => Scalar::Str(&self.text[start as usize..end as usize]),
            Raw::Int(i) => Scalar::Int(i),
            Raw::UInt(u) => Scalar::UInt(u),
            Raw::Bool(b) => Scalar::Bool(b),
            Raw::Null => Scalar::Null,
        })
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Whether the line has a space anywhere.
    spaces: bool,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let eaten = self.peek() == Some(byte);
        self.at += usize::from(eaten);
        eaten
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    #[inline(always)]
    fn blank(&mut self) {
        if self.spaces {
            while self.peek() == Some(b' ') {
                self.at += 1;
            }
        }
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// A string without escapes or control characters: the offsets of
    /// its contents, without the quotes.
    fn string(&mut self) -> Option<(u32, u32)> {
        self.expect(b'"')?;
        let start = self.at;
        // No control character is left in the line (see `Flat::scan`).
        let end = start + memchr::memchr2(b'"', b'\\', &self.bytes[start..])?;
        if self.bytes[end] == b'\\' {
            return None;
        }
        self.at = end + 1;
        // The line is shorter than 4 GiB (checked by `Flat::scan`).
        Some((start as u32, end as u32))
    }

    fn value(&mut self, text: &str) -> Option<Raw> {
        match self.peek()? {
            b'"' => self.string().map(|(start, end)| Raw::Str(start, end)),
            b't' => self.word("true").map(|()| Raw::Bool(true)),
            b'f' => self.word("false").map(|()| Raw::Bool(false)),
            b'n' => self.word("null").map(|()| Raw::Null),
            b'-' | b'0'..=b'9' => self.integer(text),
            _ => None,
        }
    }

    fn word(&mut self, word: &str) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| self.at = end)
    }

    /// An integer as JSON writes one (no `+`, no leading zero), that fits
    /// 64 bits signed or unsigned; a fraction or an exponent is not one.
    fn integer(&mut self, text: &str) -> Option<Raw> {
        let start = self.at;
        self.eat(b'-');
        let digits = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        let count = self.at - digits;
        let leading_zero = count > 1 && self.bytes[digits] == b'0';
        if count == 0 || leading_zero || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        // `-0` is an integer as written, 0, on both paths.
        let number = &text[start..self.at];
        if start == digits {
            number.parse::<u64>().ok().map(Raw::UInt)
        } else {
            number.parse::<i64>().ok().map(Raw::Int)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(text: &str) -> Option<Flat> {
        let mut flat = Flat::default();
        flat.scan(text).then_some(flat)
    }

    #[test]
    fn every_key_of_the_table_is_found_where_it_is() {
        for (slot, key) in KEYS.iter().enumerate() {
            assert_eq!(key_index(key), Some(slot), "{key}");
        }
        assert_eq!(key_index("x"), None);
        assert_eq!(key_index("oq"), None);
        assert_eq!(key_index(""), None);
    }

    #[test]
    fn a_recorder_line_is_scanned_member_by_member() {
        let line = r#"{"op":"target_complete", "req":"r1","status":-1073741536,"information":512,"x":null,"b":true}"#;
        let flat = scanned(line).expect("flat");
        let flat = flat.on(line);
        assert_eq!(flat.get("op"), Some(Scalar::Str("target_complete")));
        assert_eq!(flat.get("status"), Some(Scalar::Int(-1_073_741_536)));
        assert_eq!(flat.get("information"), Some(Scalar::UInt(512)));
        assert_eq!(flat.get("x"), Some(Scalar::Null));
        assert_eq!(flat.get("b"), Some(Scalar::Bool(true)));
        assert_eq!(flat.get("absent"), None);
        assert_eq!(flat.get("target"), None);
        let minus_zero = r#"{"status":-0}"#;
        let flat = scanned(minus_zero).expect("flat");
        assert_eq!(flat.on(minus_zero).get("status"), Some(Scalar::Int(0)));
        let big = "{\"v\":18446744073709551615}";
        let flat = scanned(big).expect("flat");
        assert_eq!(flat.on(big).get("v"), Some(Scalar::UInt(u64::MAX)));
    }

    #[test]
    fn a_buffer_scanned_again_forgets_the_last_line() {
        let mut flat = Flat::default();
        assert!(flat.scan(r#"{"op":"send","target":"t0"}"#));
        let next = r#"{"op":"create"}"#;
        assert!(flat.scan(next));
        assert_eq!(flat.on(next).get("target"), None);
        assert_eq!(flat.on(next).get("op"), Some(Scalar::Str("create")));
    }

    #[test]
    fn anything_unusual_is_left_to_serde_json() {
        for line in [
            r#"{"op":"a\"b"}"#,
            r#"{"flags":["new_irp"]}"#,
            r#"{"status":1.0}"#,
            r#"{"status":1e3}"#,
            r#"{"status":01}"#,
            r#"{"status":18446744073709551616}"#,
            r#"{"status":-}"#,
            r#"{"op":"x","op":"y"}"#,
            r#"{"op":"x","z":1,"req":"r","z":2}"#,
            r#"{"op":"x",}"#,
            r#"{"op":"x"} trailing"#,
            r#"["op"]"#,
            r#"{"op":tru}"#,
            "{\"op\":\"a\tb\"}",
            r#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}"#,
            "",
        ] {
            assert!(scanned(line).is_none(), "{line}");
        }
    }
}
