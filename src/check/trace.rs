//! The trace reader: trace format version 1 or 2 (JSON Lines), read one
//! line at a time, never the whole file; every error names the file, the
//! line and, where there is one, the field.
//!
//! What the reader accepts is exactly the reference's trace format: one
//! JSON object per line; blank lines are ignored; every event has `op` and
//! `req`; unknown fields are ignored; an unknown `op`, a missing required
//! field, a field of the wrong type, invalid JSON or invalid UTF-8 is
//! malformed ([`super::parse`] says what each line means). Version 2 adds
//! an optional header as the first non-blank line ([`super::header`]);
//! without one a trace is version 1. The reader also guarantees:
//!
//! - A `sync` send comes joined with its answer, as one
//!   [`Event::SyncSend`] at the send's line, when the request's next
//!   event is its `target_complete`: the send returns only after its
//!   target finished the request. The reader reads ahead for it past
//!   events of other requests, which follow the joined send in their own
//!   order; events of one request keep their order, and events come in
//!   line order. When the request's next event is something else, or
//!   none comes before the end or among the next
//!   [`SYNC_LOOKAHEAD_EVENTS`] events, the send comes without an answer:
//!   the framework answers only a send it accepted, so whether one was
//!   due is the judge's to say (`sync-send-unanswered`), not the
//!   reader's. A line that fails to parse while reading ahead is reported
//!   at once.
//! - A trace is UTF-8. A byte-order mark at its start (`EF BB BF`, as
//!   Windows tools write) is skipped, and columns on line 1 count from
//!   after it; one at the start of a later line is malformed
//!   ([`TraceErrorKind::ByteOrderMark`]: files joined). A trace in
//!   another Unicode encoding, told by its first line's byte-order mark
//!   or NUL bytes, is malformed at line 1 naming the encoding
//!   ([`TraceErrorKind::NotUtf8`]), not as invalid JSON.
//! - A trace with no events (an empty file, only blank lines, or only a
//!   header) is malformed: there is nothing to judge, which is more
//!   likely a broken recorder than a conforming driver.
//! - A line longer than [`LINE_BYTES_MAX`] is malformed, so that one
//!   newline-free file cannot make the reader hold all of it.
//! - After the first error, the trace is done: a malformed trace has no
//!   events beyond its first bad line.
//! - A request name is remembered for the window [`super::names`] states;
//!   a line naming it after that is malformed.
//!
//! # Memory
//!
//! The reader holds one line, at most [`SYNC_LOOKAHEAD_EVENTS`] events
//! read ahead, the request names (those not yet retired, the last
//! [`DEAD_REMEMBERED`] retired, and those forgotten while an event naming
//! them is still read ahead) and the names of other kinds those requests
//! hold ([`super::names`]). A trace of any length reads in memory bounded
//! by its live requests, not by its length nor by its distinct names.
//!
//! # Forgetting
//!
//! The reader may forget a name while it reads ahead, before the events
//! read earlier that name it were given out. So the name stays readable
//! ([`Names::request`]) until the event whose line made the reader forget
//! it is given out: every event naming the request comes before that line
//! (a later one is malformed), and events are given out in line order
//! (but for a `target_complete` joined to its send, which forgets
//! nothing), so by then each was given out, and judged. Then
//! [`TraceReader::forgotten`] names the request, for the judge to forget
//! it too; its name is dropped when the next event is read, with the
//! names of other kinds that only it held, unless
//! [`TraceReader::keep_forgotten`] keeps it (for a request the model still
//! holds alive, which the end of the trace may name).

use std::collections::VecDeque;
use std::io::BufRead;

use super::error::{TraceError, TraceErrorKind};
use super::header::{FORMAT_CONCURRENT, Header, parse_header};
use super::json::json_object;
pub use super::parse::DEAD_REMEMBERED;
use super::parse::{Event, Names, Object, Parsed, SyncAnswer, Timing, parse_object, parse_timing};
use super::scan::Flat;
use crate::vocab::{RequestId, Step};

pub use super::parse::OPS;

/// The longest line the reader accepts, in bytes (without its newline).
pub const LINE_BYTES_MAX: usize = 1 << 20;

/// A `sync` send's `target_complete` must be among the next this many
/// events: the most the reader reads ahead.
pub const SYNC_LOOKAHEAD_EVENTS: usize = 4096;

/// Appends to `bytes` the input up to and including its next newline, or
/// up to `limit` bytes, whichever comes first; the bytes read (0 at the
/// end of the input). What `read_until` on `take(limit)` does, with the
/// newline found by `memchr`, which short lines pay less for.
fn read_line_into<R: BufRead>(
    input: &mut R,
    bytes: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<usize> {
    let mut read = 0;
    while read < limit {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let room = &available[..available.len().min(limit - read)];
        let (taken, done) = match memchr::memchr(b'\n', room) {
            Some(newline) => (newline + 1, true),
            None => (room.len(), false),
        };
        bytes.extend_from_slice(&room[..taken]);
        input.consume(taken);
        read += taken;
        if done {
            break;
        }
    }
    Ok(read)
}

/// The byte-order mark of UTF-8 (U+FEFF), which Windows tools write at
/// the start of a file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The encoding of a trace whose first line is `first` (as read, its
/// newline included), when it is a Unicode encoding other than UTF-8:
/// told by its byte-order mark, or by the NUL bytes that an encoding
/// wider than a byte gives the line's first character when it is ASCII
/// (a JSON line starts with `{` or a blank). `None` for anything else,
/// which the reader judges as UTF-8.
pub(crate) fn other_encoding(first: &[u8]) -> Option<&'static str> {
    const MARKS: [(&[u8], &str); 4] = [
        (b"\xFF\xFE\0\0", "UTF-32 (little-endian)"),
        (b"\0\0\xFE\xFF", "UTF-32 (big-endian)"),
        (b"\xFF\xFE", "UTF-16 (little-endian)"),
        (b"\xFE\xFF", "UTF-16 (big-endian)"),
    ];
    if let Some((_, name)) = MARKS.iter().find(|(mark, _)| first.starts_with(mark)) {
        return Some(name);
    }
    let ascii = |c: &u8| c.is_ascii() && *c != 0;
    match first {
        [0, 0, 0, c, ..] if ascii(c) => Some("UTF-32 (big-endian)"),
        [0, c, ..] if ascii(c) => Some("UTF-16 (big-endian)"),
        [c, 0, 0, 0, ..] if ascii(c) => Some("UTF-32 (little-endian)"),
        [c, 0, ..] if ascii(c) => Some("UTF-16 (little-endian)"),
        _ => None,
    }
}

/// One event line parsed and not yet given out.
#[derive(Debug)]
struct Ahead {
    line: u64,
    parsed: Parsed,
    /// The request whose name reading this line forgot.
    forgets: Option<RequestId>,
    /// Where the line stands in time, in a concurrent trace.
    timing: Option<Timing>,
}

/// Reads a trace one event at a time.
///
/// After the first error, [`TraceReader::next_event`] keeps returning that
/// the trace is done.
pub struct TraceReader<R> {
    input: R,
    file: String,
    /// The line read last, without its line ending.
    text: String,
    /// The fast path's scan of the line read last.
    flat: Flat,
    line: u64,
    last_event_line: u64,
    events: u64,
    names: Names,
    /// The header, once the first non-blank line was read.
    header: Option<Header>,
    /// Events read but not yet given out, in line order: the lines read
    /// ahead for a `sync` send's answer, or the first event when the
    /// reader looked for a header. At most [`SYNC_LOOKAHEAD_EVENTS`].
    ahead: VecDeque<Ahead>,
    /// The request whose name the last event given out forgot; its name
    /// is dropped when the next event is read.
    forgotten: Option<RequestId>,
    /// The timing of the last event given out, in a concurrent trace.
    timing: Option<Timing>,
    failed: bool,
}

impl<R: BufRead> TraceReader<R> {
    /// A reader of `input`, whose errors name `file`.
    pub fn new(file: &str, input: R) -> Self {
        TraceReader {
            input,
            file: file.to_owned(),
            text: String::new(),
            flat: Flat::default(),
            line: 0,
            last_event_line: 0,
            events: 0,
            names: Names::default(),
            header: None,
            ahead: VecDeque::new(),
            forgotten: None,
            timing: None,
            failed: false,
        }
    }

    /// The trace's header: its own for a version 2 trace, the defaults of
    /// version 1 otherwise; or the error of its first line. Reads the
    /// first non-blank line if no event was read yet. After an error, the
    /// header read so far (version 1 when none was).
    pub fn header(&mut self) -> Result<Header, TraceError> {
        if self.failed {
            return Ok(self.header.unwrap_or_else(Header::version_1));
        }
        let result = self.start();
        self.failed = result.is_err();
        result
    }

    /// The next event and its line, `None` at the end of the trace, or the
    /// error of the first bad line.
    pub fn next_event(&mut self) -> Result<Option<(u64, Event)>, TraceError> {
        if self.failed {
            return Ok(None);
        }
        if let Some(request) = self.forgotten.take() {
            self.names.release(request);
        }
        let result = self.start().and_then(|_| self.read_event());
        self.failed = result.is_err();
        result
    }

    /// Reads the first non-blank line, once: a header, or the first event
    /// (kept for [`TraceReader::read_event`]).
    fn start(&mut self) -> Result<Header, TraceError> {
        if let Some(header) = self.header {
            return Ok(header);
        }
        let header = match self.read_text()? {
            Some(line) => match self.header_line().map_err(|kind| self.error(line, kind))? {
                Some(header) => header,
                None => {
                    let first = self.parsed(line)?;
                    self.ahead.push_back(first);
                    Header::version_1()
                }
            },
            None => Header::version_1(),
        };
        self.header = Some(header);
        Ok(header)
    }

    fn read_event(&mut self) -> Result<Option<(u64, Event)>, TraceError> {
        let next = match self.ahead.pop_front() {
            Some(entry) => Some(entry),
            None => self.read_parsed()?,
        };
        let Some(Ahead {
            line,
            parsed,
            forgets,
            timing,
        }) = next
        else {
            if self.events == 0 {
                return Err(self.error(self.line.max(1), TraceErrorKind::NoEvents));
            }
            return Ok(None);
        };
        self.forgotten = forgets;
        self.timing = timing;
        match parsed {
            Parsed::Event(event) => Ok(Some((line, event))),
            Parsed::SyncSend {
                request,
                target,
                timeout,
                ignore_state,
            } => {
                // A concurrent trace's answer is found by time, not by
                // the line that follows (`super::concurrent`).
                let answer = if self.timing.is_some() {
                    None
                } else {
                    self.answer(request)?
                };
                let event = Event::SyncSend {
                    request,
                    target,
                    timeout,
                    ignore_state,
                    answer,
                };
                Ok(Some((line, event)))
            }
        }
    }

    /// The `target_complete` answering the `sync` send of `request`, if
    /// the request's next event is one: read ahead as far as needed (at
    /// most [`SYNC_LOOKAHEAD_EVENTS`]) and taken out of the events read
    /// ahead; the events of other requests stay there, in order.
    fn answer(&mut self, request: RequestId) -> Result<Option<SyncAnswer>, TraceError> {
        for index in 0..SYNC_LOOKAHEAD_EVENTS {
            if index == self.ahead.len() {
                match self.read_parsed()? {
                    Some(entry) => self.ahead.push_back(entry),
                    None => return Ok(None),
                }
            }
            let Some(found) = self.ahead.get(index) else {
                break;
            };
            if found.parsed.request() != Some(request) {
                continue;
            }
            // INVARIANT: a `target_complete` retires nothing, so taking it
            // out of line order forgets no name early.
            if let Parsed::Event(Event::Step(Step::TargetComplete { completion, .. })) =
                found.parsed
            {
                let answer = SyncAnswer {
                    completion,
                    line: found.line,
                };
                self.ahead.remove(index);
                return Ok(Some(answer));
            }
            return Ok(None);
        }
        Ok(None)
    }

    /// The line in the buffer as a header, or `None` when it is an event
    /// line.
    fn header_line(&self) -> Result<Option<Header>, TraceErrorKind> {
        let text = self.text.as_str();
        let mut flat = Flat::default();
        let object = Object::read(text, &mut flat)?;
        if !object.contains("wdfreq") {
            return Ok(None);
        }
        // A header is read by serde_json, whatever its shape.
        match object {
            Object::Json(members) => parse_header(&members),
            Object::Flat(_) => parse_header(&json_object(text)?),
        }
        .map(Some)
    }

    /// The next event line, parsed; `None` at the end of the input.
    fn read_parsed(&mut self) -> Result<Option<Ahead>, TraceError> {
        match self.read_text()? {
            Some(line) => self.parsed(line).map(Some),
            None => Ok(None),
        }
    }

    /// Parses the event line `line`, in the buffer, counting it, and
    /// retires the request it ends.
    fn parsed(&mut self, line: u64) -> Result<Ahead, TraceError> {
        let concurrent = self.header.is_some_and(|h| h.format == FORMAT_CONCURRENT);
        let (parsed, timing) = Object::read(&self.text, &mut self.flat)
            .and_then(|object| {
                let parsed = parse_object(&object, &mut self.names)?;
                let callback = matches!(parsed, Parsed::Event(Event::Callback(_)));
                let timing = concurrent
                    .then(|| parse_timing(&object, callback))
                    .transpose()?;
                Ok((parsed, timing))
            })
            .map_err(|k| self.error(line, k))?;
        self.events += 1;
        self.last_event_line = line;
        let forgets = parsed.retires().and_then(|r| self.names.retire(r));
        Ok(Ahead {
            line,
            parsed,
            forgets,
            timing,
        })
    }

    /// Reads the next non-blank line into the buffer, checked to be
    /// UTF-8, and returns its line; `None` at the end of the input.
    fn read_text(&mut self) -> Result<Option<u64>, TraceError> {
        loop {
            if !self.read_line()? {
                return Ok(None);
            }
            if self.text.trim().is_empty() {
                continue;
            }
            return Ok(Some(self.line));
        }
    }

    /// Reads the next line into `text`, without its line ending, checked
    /// to be UTF-8; false at the end of the input. The line's bytes go in
    /// the last line's allocation, and become its text without a copy.
    fn read_line(&mut self) -> Result<bool, TraceError> {
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        bytes.clear();
        // The line and "\r\n"; on line 1, a byte-order mark before them.
        let mark = if self.line == 0 { UTF8_BOM.len() } else { 0 };
        let limit = LINE_BYTES_MAX + 2 + mark;
        let read = read_line_into(&mut self.input, &mut bytes, limit)
            .map_err(|e| self.error(self.line + 1, TraceErrorKind::Read(e)))?;
        if read == 0 {
            return Ok(false);
        }
        self.line += 1;
        if self.line == 1 {
            if let Some(encoding) = other_encoding(&bytes) {
                return Err(self.error(1, TraceErrorKind::NotUtf8 { encoding }));
            }
            if bytes.starts_with(UTF8_BOM) {
                // Shifting the line is paid once per trace.
                bytes.drain(..UTF8_BOM.len());
            }
        } else if bytes.starts_with(UTF8_BOM) {
            return Err(self.error(self.line, TraceErrorKind::ByteOrderMark));
        }
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        }
        if bytes.len() > LINE_BYTES_MAX {
            let kind = TraceErrorKind::LineTooLong {
                max: LINE_BYTES_MAX,
            };
            return Err(self.error(self.line, kind));
        }
        self.text = String::from_utf8(bytes).map_err(|e| {
            let kind = TraceErrorKind::InvalidUtf8 {
                column: e.utf8_error().valid_up_to() + 1,
            };
            self.error(self.line, kind)
        })?;
        Ok(true)
    }

    fn error(&self, line: u64, kind: TraceErrorKind) -> TraceError {
        TraceError {
            file: self.file.clone(),
            line,
            kind,
        }
    }

    /// The name the reader's errors give the trace.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The names read so far.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// The request whose name reading the last event given out forgot: no
    /// event after names it (see the module's "Forgetting").
    pub fn forgotten(&self) -> Option<RequestId> {
        self.forgotten
    }

    /// Keeps the name of [`TraceReader::forgotten`]'s request for good,
    /// for messages about it; no line can name it still.
    pub fn keep_forgotten(&mut self) {
        self.forgotten = None;
    }

    /// Where the last event given out stands in time: `Some` in a
    /// concurrent trace (format version 3) alone.
    pub fn timing(&self) -> Option<&Timing> {
        self.timing.as_ref()
    }

    /// The line of the last event read (0 before the first).
    pub fn last_event_line(&self) -> u64 {
        self.last_event_line
    }

    /// The number of events read so far (a `sync` send and its
    /// `target_complete` are two).
    pub fn events(&self) -> u64 {
        self.events
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{Call, SendMode, Status};

    fn read_all(text: &str) -> Result<Vec<(u64, Event)>, TraceError> {
        let mut reader = TraceReader::new("t", text.as_bytes());
        let mut events = Vec::new();
        while let Some(event) = reader.next_event()? {
            events.push(event);
        }
        Ok(events)
    }

    fn lines(text: &str) -> Vec<u64> {
        read_all(text)
            .expect("well formed")
            .iter()
            .map(|(line, _)| *line)
            .collect()
    }

    #[test]
    fn reader_skips_blank_lines_and_strips_crlf() {
        let text = "\n{\"op\":\"create\",\"req\":\"a\"}\r\n  \n{\"op\":\"delete\",\"req\":\"a\"}";
        assert_eq!(lines(text), vec![2, 4]);
    }

    #[test]
    fn another_unicode_encoding_is_told_by_its_mark_or_its_nul_bytes() {
        let line = "{\"op\":1}\n";
        let utf16 = |big: bool| -> Vec<u8> {
            line.encode_utf16()
                .flat_map(|u| {
                    if big {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    }
                })
                .collect()
        };
        let utf32 = |big: bool| -> Vec<u8> {
            line.chars()
                .flat_map(|c| {
                    let c = u32::from(c);
                    if big {
                        c.to_be_bytes()
                    } else {
                        c.to_le_bytes()
                    }
                })
                .collect()
        };
        let marked = |mark: &[u8], rest: Vec<u8>| [mark, &rest].concat();
        for (bytes, name) in [
            (marked(b"\xFF\xFE", utf16(false)), "UTF-16 (little-endian)"),
            (marked(b"\xFE\xFF", utf16(true)), "UTF-16 (big-endian)"),
            (utf16(false), "UTF-16 (little-endian)"),
            (utf16(true), "UTF-16 (big-endian)"),
            (
                marked(b"\xFF\xFE\0\0", utf32(false)),
                "UTF-32 (little-endian)",
            ),
            (marked(b"\0\0\xFE\xFF", utf32(true)), "UTF-32 (big-endian)"),
            (utf32(false), "UTF-32 (little-endian)"),
            (utf32(true), "UTF-32 (big-endian)"),
        ] {
            assert_eq!(other_encoding(&bytes), Some(name), "{bytes:?}");
            let error = read_all_bytes(&bytes).expect_err(name);
            assert_eq!(error.line, 1);
            assert_eq!(
                error.to_string(),
                format!("t:1: malformed: the trace is {name}, not UTF-8: save it as UTF-8")
            );
        }
        for bytes in [
            &b"{\"op\":1}"[..],
            b"\xEF\xBB\xBF{}",
            b"",
            b"\0\0",
            b"\n",
            b"\xFF",
        ] {
            assert_eq!(other_encoding(bytes), None, "{bytes:?}");
        }
    }

    fn read_all_bytes(bytes: &[u8]) -> Result<Vec<(u64, Event)>, TraceError> {
        let mut reader = TraceReader::new("t", bytes);
        let mut events = Vec::new();
        while let Some(event) = reader.next_event()? {
            events.push(event);
        }
        Ok(events)
    }

    #[test]
    fn a_utf8_byte_order_mark_is_skipped_on_line_1_and_named_on_any_other() {
        let text =
            "\u{feff}{\"wdfreq\":2,\"flavor\":\"kmdf\"}\n{\"op\":\"create\",\"req\":\"a\"}\n";
        let mut reader = TraceReader::new("t", text.as_bytes());
        assert_eq!(reader.header().map(|h| h.format).ok(), Some(2));
        assert!(matches!(reader.next_event(), Ok(Some((2, _)))));
        // Columns count from after the mark, as an editor shows them.
        let error = read_all("\u{feff}{\"op\":}").expect_err("invalid JSON");
        assert!(
            matches!(error.kind, TraceErrorKind::InvalidJson { column: 7, .. }),
            "{error}"
        );
        let error = read_all("{\"op\":\"create\",\"req\":\"a\"}\n\u{feff}\n").expect_err("a mark");
        assert!(
            matches!(error.kind, TraceErrorKind::ByteOrderMark),
            "{error}"
        );
        assert_eq!(error.line, 2);
    }

    #[test]
    fn overlong_line_is_refused_without_reading_the_rest() {
        let mut text = vec![b' '; LINE_BYTES_MAX + 1];
        text.extend_from_slice(b"\n");
        let mut reader = TraceReader::new("t", &text[..]);
        let error = reader.next_event().expect_err("too long");
        assert!(matches!(error.kind, TraceErrorKind::LineTooLong { .. }));
        assert_eq!(error.line, 1);
    }

    #[test]
    fn line_of_exactly_the_maximum_is_read() {
        let mut text = br#"{"op":"create","req":"a"}"#.to_vec();
        text.resize(LINE_BYTES_MAX, b' ');
        text.extend_from_slice(b"\r\n");
        let mut reader = TraceReader::new("t", &text[..]);
        assert!(matches!(reader.next_event(), Ok(Some((1, _)))));
    }

    #[test]
    fn a_first_line_of_exactly_the_maximum_after_a_byte_order_mark_is_read_whole() {
        let mut text = b"\xEF\xBB\xBF{\"op\":\"create\",\"req\":\"a\"}".to_vec();
        text.resize(UTF8_BOM.len() + LINE_BYTES_MAX, b' ');
        text.extend_from_slice(b"\r\n{\"op\":\"delete\",\"req\":\"a\"}\n");
        assert_eq!(read_all_bytes(&text).map(|e| e.len()).ok(), Some(2));
        text.insert(UTF8_BOM.len(), b' ');
        let error = read_all_bytes(&text).expect_err("one byte too long");
        assert!(matches!(error.kind, TraceErrorKind::LineTooLong { .. }));
        assert_eq!(error.line, 1);
    }

    #[test]
    fn header_is_read_before_the_first_event_and_is_no_event() {
        let text = "{\"wdfreq\":2,\"flavor\":\"kmdf\"}\n{\"op\":\"create\",\"req\":\"a\"}\n";
        let mut reader = TraceReader::new("t", text.as_bytes());
        let header = reader.header().expect("header");
        assert_eq!(
            (header.format, header.settings.version.to_string()),
            (2, "1.11".into())
        );
        assert!(matches!(reader.next_event(), Ok(Some((2, _)))));
        assert!(matches!(reader.next_event(), Ok(None)));
        assert_eq!(reader.events(), 1);
        let only_header = read_all("{\"wdfreq\":2}\n").expect_err("no events");
        assert!(matches!(only_header.kind, TraceErrorKind::NoEvents));
    }

    #[test]
    fn sync_send_is_joined_with_its_answer_past_other_requests() {
        let text = r#"{"op":"create","req":"a"}
{"op":"create","req":"b"}
{"op":"send","req":"a","target":"t","mode":"sync"}
{"op":"send","req":"b","target":"t","mode":"sync"}
{"op":"format","req":"b","kind":"read"}
{"op":"target_complete","req":"a","status":0,"information":4}
{"op":"delete","req":"a"}
"#;
        let lines_and_ops = |events: &[(u64, Event)]| -> Vec<(u64, &str)> {
            events.iter().map(|(l, e)| (*l, e.op_name())).collect()
        };
        let unanswered = read_all(text).expect("well formed");
        assert_eq!(
            lines_and_ops(&unanswered),
            vec![
                (1, "create"),
                (2, "create"),
                (3, "send"),
                (4, "send"),
                (5, "format"),
                (7, "delete")
            ],
            "b's next event is a format: its send comes unanswered, the format after it"
        );
        assert!(matches!(
            unanswered[3].1,
            Event::SyncSend { answer: None, .. }
        ));
        let text = text.replace(
            r#""format","req":"b","kind":"read""#,
            r#""target_complete","req":"b","status":1"#,
        );
        let events = read_all(&text).expect("well formed");
        assert_eq!(
            lines_and_ops(&events),
            vec![
                (1, "create"),
                (2, "create"),
                (3, "send"),
                (4, "send"),
                (7, "delete")
            ]
        );
        let answer = |event: &Event| match *event {
            Event::SyncSend {
                answer: Some(answer),
                ..
            } => answer,
            _ => panic!("an answered sync send: {event:?}"),
        };
        let (a, b) = (answer(&events[2].1), answer(&events[3].1));
        assert_eq!((a.completion.information, a.line), (4, 6));
        assert_eq!((b.completion.status, b.line), (Status(1), 5));
    }

    #[test]
    fn async_and_forget_sends_are_steps_in_their_mode() {
        let text = r#"{"op":"create","req":"a"}
{"op":"send","req":"a","target":"t"}
{"op":"send","req":"a","target":"t","mode":"forget"}
"#;
        let modes: Vec<SendMode> = read_all(text)
            .expect("well formed")
            .into_iter()
            .filter_map(|(_, e)| match e {
                Event::Step(Step::Call {
                    call: Call::Send { mode, .. },
                    ..
                }) => Some(mode),
                _ => None,
            })
            .collect();
        assert_eq!(modes, vec![SendMode::Async, SendMode::Forget]);
    }

    #[test]
    fn sync_send_answered_too_far_ahead_or_never_comes_unanswered_at_its_line() {
        let mut text = String::from(
            "{\"op\":\"create\",\"req\":\"a\"}\n{\"op\":\"create\",\"req\":\"b\"}\n\
             {\"op\":\"send\",\"req\":\"a\",\"target\":\"t\",\"mode\":\"sync\"}\n",
        );
        let unanswered = |events: &[(u64, Event)]| {
            matches!(events[2], (3, Event::SyncSend { answer: None, .. }))
        };
        let at_end = read_all(&text).expect("well formed");
        assert!(unanswered(&at_end), "never answered: {at_end:?}");
        for _ in 0..SYNC_LOOKAHEAD_EVENTS {
            text.push_str("{\"op\":\"cancel\",\"req\":\"b\"}\n");
        }
        text.push_str("{\"op\":\"target_complete\",\"req\":\"a\",\"status\":0}\n");
        let too_far = read_all(&text).expect("well formed");
        assert!(unanswered(&too_far), "answered too far ahead");
        let last = too_far.last().expect("events");
        assert_eq!(
            (last.0, last.1.op_name()),
            (4 + SYNC_LOOKAHEAD_EVENTS as u64, "target_complete"),
            "the answer too far ahead is an event of its own"
        );
    }

    #[test]
    fn sync_send_answered_at_the_lookahead_limit_is_read() {
        let mut text = String::from(
            "{\"op\":\"create\",\"req\":\"a\"}\n{\"op\":\"create\",\"req\":\"b\"}\n\
             {\"op\":\"send\",\"req\":\"a\",\"target\":\"t\",\"mode\":\"sync\"}\n",
        );
        for _ in 0..SYNC_LOOKAHEAD_EVENTS - 1 {
            text.push_str("{\"op\":\"cancel\",\"req\":\"b\"}\n");
        }
        text.push_str("{\"op\":\"target_complete\",\"req\":\"a\",\"status\":0}\n");
        let events = read_all(&text).expect("within the lookahead");
        assert_eq!(events.len(), 2 + 1 + SYNC_LOOKAHEAD_EVENTS - 1);
    }

    #[test]
    fn a_line_is_read_up_to_its_newline_or_the_limit_across_buffer_refills() {
        use std::io::BufReader;
        // A buffer of three bytes: every line spans several refills.
        let mut input = BufReader::with_capacity(3, "ab\r\ncdefgh\nxyz".as_bytes());
        let mut line = Vec::new();
        assert_eq!(read_line_into(&mut input, &mut line, 100).ok(), Some(4));
        assert_eq!(line, b"ab\r\n");
        line.clear();
        // The limit stops a line that is too long, the rest left unread.
        assert_eq!(read_line_into(&mut input, &mut line, 4).ok(), Some(4));
        assert_eq!(line, b"cdef");
        line.clear();
        assert_eq!(read_line_into(&mut input, &mut line, 100).ok(), Some(3));
        assert_eq!(line, b"gh\n");
        line.clear();
        // The last line needs no newline; then the input is done.
        assert_eq!(read_line_into(&mut input, &mut line, 100).ok(), Some(3));
        assert_eq!(line, b"xyz");
        line.clear();
        assert_eq!(read_line_into(&mut input, &mut line, 100).ok(), Some(0));
    }
}
