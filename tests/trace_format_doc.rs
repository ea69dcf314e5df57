//! `docs/trace-format.md` is the trace format the reader reads: its events
//! are the parser's ops, in order; each event's field table names exactly
//! the fields the parser lists for it (`check::parse::op_fields`, itself
//! held to what the parser reads), and each field is read with the type,
//! the required-ness, the default and the words the table gives; the
//! header's and a regression file's fields are read as documented; the
//! limits are the reader's; every example line parses as its event, and
//! every example trace checks to exactly the output shown under it.
//!
//! The document is read as Markdown blocks: headings, tables, fenced code.
//! An event is a `### \`op\`` section under `## Events`; a field table is
//! one whose header is `| field | type | required | default | meaning |`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Cursor;
use std::process::Command;

use serde_json::{Map, Value, json};
use wdfreq::check::parse::{Names, Parsed, op_fields, parse_line};
use wdfreq::check::scan::{FIELDS_MAX, KEYS};
use wdfreq::check::trace::{LINE_BYTES_MAX, SYNC_LOOKAHEAD_EVENTS};
use wdfreq::check::write::write_trace;
use wdfreq::check::{DEAD_REMEMBERED, Event, Header, OPS, TraceErrorKind, TraceReader};
use wdfreq::regression::Regression;
use wdfreq::vocab::{Call, Completion, Observation, SendMode, Step, StepKind};

const FIELD_TABLE: [&str; 5] = ["field", "type", "required", "default", "meaning"];

/// One block of the document, with the headings it is under.
#[derive(Debug)]
struct Located {
    /// The `##` heading above it.
    section: String,
    /// The `###` heading above it within that section; empty if none.
    subsection: String,
    block: Block,
}

#[derive(Debug)]
enum Block {
    /// A table: its rows of trimmed cells, the header row first, the
    /// delimiter row left out.
    Table(Vec<Vec<String>>),
    /// A fenced code block: its info string and its text.
    Code { lang: String, text: String },
}

fn doc_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/trace-format.md");
    fs::read_to_string(path).expect("docs/trace-format.md")
}

fn blocks() -> Vec<Located> {
    let text = doc_text();
    let mut lines = text.lines().peekable();
    let (mut section, mut subsection) = (String::new(), String::new());
    let mut blocks = Vec::new();
    while let Some(line) = lines.next() {
        let block = if let Some(lang) = line.strip_prefix("```") {
            let mut code = String::new();
            for line in lines.by_ref().take_while(|l| *l != "```") {
                code.push_str(line);
                code.push('\n');
            }
            Block::Code {
                lang: lang.trim().to_owned(),
                text: code,
            }
        } else if line.starts_with('|') {
            let mut rows = vec![cells(line)];
            while let Some(row) = lines.next_if(|l| l.starts_with('|')) {
                rows.push(cells(row));
            }
            rows.retain(|row| !row.iter().all(|c| c.chars().all(|ch| "-: ".contains(ch))));
            Block::Table(rows)
        } else {
            if let Some(heading) = line.strip_prefix("### ") {
                subsection = heading.trim().to_owned();
            } else if let Some(heading) = line.strip_prefix("## ") {
                section = heading.trim().to_owned();
                subsection.clear();
            }
            continue;
        };
        blocks.push(Located {
            section: section.clone(),
            subsection: subsection.clone(),
            block,
        });
    }
    blocks
}

fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

/// `` `x` `` as `x`; `None` for a cell that is not one code span.
fn code_span(cell: &str) -> Option<&str> {
    let inner = cell.strip_prefix('`')?.strip_suffix('`')?;
    (!inner.contains('`')).then_some(inner)
}

/// Every code span in `text`.
fn code_spans(text: &str) -> BTreeSet<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// One row of a field table.
#[derive(Clone, Debug)]
struct FieldDoc {
    name: String,
    ty: String,
    required: bool,
    /// The default, where the table gives one as a JSON value.
    default: Option<Value>,
    meaning: String,
}

fn field_table(rows: &[Vec<String>]) -> Option<Vec<FieldDoc>> {
    let (header, rows) = rows.split_first()?;
    if *header != FIELD_TABLE {
        return None;
    }
    let fields = rows.iter().map(|row| {
        let [name, ty, required, default, meaning] = &row[..] else {
            panic!("a field table row has five cells: {row:?}");
        };
        let required = match required.as_str() {
            "yes" => true,
            "no" => false,
            other => panic!("`required` is yes or no, not `{other}`"),
        };
        let default = code_span(default).map(|json| {
            serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("default `{json}` of `{name}` is not JSON: {e}"))
        });
        FieldDoc {
            name: code_span(name)
                .expect("a field's name is one code span")
                .to_owned(),
            ty: ty.clone(),
            required,
            default,
            meaning: meaning.clone(),
        }
    });
    Some(fields.collect())
}

/// The field tables of the blocks `within` selects, in order.
fn field_tables(blocks: &[Located], within: impl Fn(&Located) -> bool) -> Vec<Vec<FieldDoc>> {
    blocks
        .iter()
        .filter(|b| within(b))
        .filter_map(|b| match &b.block {
            Block::Table(rows) => field_table(rows),
            Block::Code { .. } => None,
        })
        .collect()
}

/// One event's section: its op, field table and example line.
struct EventDoc {
    op: String,
    fields: Vec<FieldDoc>,
    example: String,
}

fn events(blocks: &[Located]) -> Vec<EventDoc> {
    let mut ops: Vec<&str> = Vec::new();
    for located in blocks.iter().filter(|b| b.section == "Events") {
        if let Some(op) = code_span(&located.subsection)
            && ops.last() != Some(&op)
        {
            ops.push(op);
        }
    }
    ops.into_iter()
        .map(|op| {
            let within =
                |b: &Located| b.section == "Events" && code_span(&b.subsection) == Some(op);
            let mut tables = field_tables(blocks, within);
            assert_eq!(tables.len(), 1, "`{op}` has one field table");
            let examples: Vec<&String> = blocks
                .iter()
                .filter(|b| within(b))
                .filter_map(|b| match &b.block {
                    Block::Code { lang, text } if lang == "json" => Some(text),
                    _ => None,
                })
                .collect();
            let [example] = examples[..] else {
                panic!("`{op}` has one example: {examples:?}");
            };
            assert_eq!(example.lines().count(), 1, "`{op}`'s example is one line");
            EventDoc {
                op: op.to_owned(),
                fields: tables.remove(0),
                example: example.trim_end().to_owned(),
            }
        })
        .collect()
}

/// Every type a field table uses is one the type table defines, and one
/// this test knows how a wrong value of it is refused.
#[test]
fn every_field_type_is_defined() {
    let blocks = blocks();
    let defined: BTreeSet<String> = blocks
        .iter()
        .filter(|b| b.section == "Types")
        .filter_map(|b| match &b.block {
            Block::Table(rows) => Some(rows[1..].iter().map(|row| row[0].clone())),
            _ => None,
        })
        .flatten()
        .collect();
    let used: BTreeSet<String> = field_tables(&blocks, |_| true)
        .into_iter()
        .flatten()
        .map(|f| f.ty)
        .collect();
    assert!(
        used.is_subset(&defined),
        "used {used:?}, defined {defined:?}"
    );
    for ty in used.iter().filter(|ty| *ty != "object") {
        expected_for(ty);
    }
}

/// The `WrongType` expectation of a documented type.
fn expected_for(ty: &str) -> &'static str {
    match ty {
        "name" | "string" => "a string",
        "boolean" => "a boolean",
        "status" | "u64" | "integer" => "an integer",
        "array of strings" => "an array of strings",
        other => panic!("no such type in the document's type table: `{other}`"),
    }
}

/// Parses `line` after introducing the request it names, unless it
/// introduces one itself, with names of its own: so the results of two
/// lines that differ in one member compare.
fn parse_alone(line: &Map<String, Value>) -> Result<Parsed, TraceErrorKind> {
    let mut names = Names::default();
    let op = line.get("op").and_then(Value::as_str);
    if let (Some(req), false) = (line.get("req"), matches!(op, Some("create" | "receive"))) {
        let create = json!({"op": "create", "req": req}).to_string();
        // A `req` of the wrong type fails the create: the line is then
        // parsed without it, and fails on its own `req`.
        let _ = parse_line(&create, &mut names);
    }
    parse_line(&Value::Object(line.clone()).to_string(), &mut names)
}

fn object(line: &str) -> Map<String, Value> {
    match serde_json::from_str(line) {
        Ok(Value::Object(map)) => map,
        _ => panic!("not a JSON object: {line}"),
    }
}

fn with(line: &Map<String, Value>, field: &str, value: Value) -> Map<String, Value> {
    let mut line = line.clone();
    line.insert(field.to_owned(), value);
    line
}

fn without(line: &Map<String, Value>, field: &str) -> Map<String, Value> {
    let mut line = line.clone();
    line.shift_remove(field);
    line
}

#[test]
fn the_documented_events_are_the_parsers_ops_in_order() {
    let blocks = blocks();
    let sections: Vec<String> = events(&blocks).into_iter().map(|e| e.op).collect();
    assert_eq!(
        sections, OPS,
        "the `### \\`op\\`` sections under `## Events`"
    );
    let summary = summary_table(&blocks);
    let listed: Vec<&str> = summary
        .iter()
        .map(|row| code_span(&row[0]).expect("an op"))
        .collect();
    assert_eq!(listed, OPS, "the summary table under `## Events`");
}

/// The table of events under `## Events`, without its header row.
fn summary_table(blocks: &[Located]) -> Vec<Vec<String>> {
    let tables: Vec<&Vec<Vec<String>>> = blocks
        .iter()
        .filter(|b| b.section == "Events" && b.subsection.is_empty())
        .filter_map(|b| match &b.block {
            Block::Table(rows) if rows[0][0] == "op" => Some(rows),
            _ => None,
        })
        .collect();
    let [table] = tables[..] else {
        panic!(
            "one summary table under `## Events`, found {}",
            tables.len()
        );
    };
    table[1..].to_vec()
}

#[test]
fn each_event_documents_exactly_the_fields_the_parser_lists() {
    for event in events(&blocks()) {
        let documented: Vec<(&str, bool)> = event
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.required))
            .collect();
        let listed: Vec<(&str, bool)> = op_fields(&event.op)
            .unwrap_or_else(|| panic!("`{}` is no op of the parser", event.op))
            .iter()
            .map(|f| (f.name, f.required))
            .collect();
        assert_eq!(
            documented.iter().collect::<BTreeSet<_>>(),
            listed.iter().collect::<BTreeSet<_>>(),
            "`{}`: the document's (field, required) against the parser's",
            event.op
        );
        assert_eq!(
            documented.len(),
            listed.len(),
            "`{}` names a field twice",
            event.op
        );
    }
}

#[test]
fn each_events_framework_names_are_the_vocabularys() {
    for row in summary_table(&blocks()) {
        let op = code_span(&row[0]).expect("an op");
        let (kmdf, umdf1) = (&row[1], &row[2]);
        match StepKind::from_name(op) {
            Some(StepKind::Call(call)) => {
                assert!(kmdf.contains(call.kmdf()), "`{op}`: {kmdf}");
                assert!(umdf1.contains(call.umdf1()), "`{op}`: {umdf1}");
            }
            Some(StepKind::Target(target)) => {
                assert!(kmdf.contains(target.kmdf()), "`{op}`: {kmdf}")
            }
            _ => {}
        }
    }
}

#[test]
fn every_example_line_parses_as_its_event_with_documented_fields_only() {
    for event in events(&blocks()) {
        let line = object(&event.example);
        let parsed = parse_alone(&line)
            .unwrap_or_else(|e| panic!("`{}`'s example: {}: {e}", event.op, event.example));
        assert_eq!(parsed.op_name(), event.op, "{}", event.example);
        for key in line.keys().filter(|k| *k != "op") {
            assert!(
                event.fields.iter().any(|f| f.name == *key),
                "`{}`'s example has `{key}`, which its table does not document",
                event.op
            );
        }
    }
}

/// Property: every documented field of every event is read with its
/// documented type (a value of the wrong type is refused naming the field
/// and the type), is required or optional as documented, counts as
/// absent when `null` and as its default when it has one; the words its
/// meaning lists are those it takes; a status or an information takes
/// exactly its documented range. A member of the format the table does
/// not list is ignored.
#[test]
fn every_documented_field_is_read_as_documented() {
    for event in events(&blocks()) {
        let op = &event.op;
        let base = object(&event.example);
        let parsed = parse_alone(&base).expect("the example parses");
        for field in &event.fields {
            let name = field.name.as_str();
            let context = format!("`{op}`, field `{name}`");
            match parse_alone(&with(&base, name, json!({}))) {
                Err(TraceErrorKind::WrongType {
                    field: f, expected, ..
                }) if f == name => {
                    assert_eq!(expected, expected_for(&field.ty), "{context}")
                }
                other => panic!("{context}: an object is refused naming it, not {other:?}"),
            }
            check_values(&base, field, &context);
            let absent = parse_alone(&without(&base, name));
            if field.required {
                assert!(
                    matches!(absent, Err(TraceErrorKind::MissingField { field: f }) if f == name),
                    "{context}: required, yet {absent:?}"
                );
                continue;
            }
            let absent = absent.unwrap_or_else(|e| panic!("{context}: optional, yet {e}"));
            let null = parse_alone(&with(&base, name, Value::Null));
            assert_eq!(
                null.ok().as_ref(),
                Some(&absent),
                "{context}: null is absent"
            );
            if let Some(default) = &field.default {
                let given = parse_alone(&with(&base, name, default.clone()));
                assert_eq!(
                    given.ok().as_ref(),
                    Some(&absent),
                    "{context}: default {default}"
                );
            }
        }
        for key in KEYS.iter().filter(|k| **k != "op") {
            if event.fields.iter().all(|f| f.name != *key) {
                let ignored = parse_alone(&with(&base, key, json!({})));
                assert_eq!(
                    ignored.as_ref().ok(),
                    Some(&parsed),
                    "`{op}` ignores `{key}`"
                );
            }
        }
    }
}

/// The words and ranges `field`'s type and meaning give.
fn check_values(base: &Map<String, Value>, field: &FieldDoc, context: &str) {
    let name = field.name.as_str();
    let parses = |value: Value| parse_alone(&with(base, name, value));
    let out_of_range = |value: Value| {
        let result = parses(value.clone());
        assert!(
            matches!(&result, Err(TraceErrorKind::OutOfRange { field: f, .. }) if *f == name),
            "{context}: {value} is out of range, yet {result:?}"
        );
    };
    let unknown_word = |value: Value| match parses(value) {
        Err(TraceErrorKind::UnknownValue {
            field: f, expected, ..
        }) if f == name => {
            let words: BTreeSet<&str> = expected.iter().copied().collect();
            assert_eq!(
                code_spans(&field.meaning).intersection(&words).count(),
                words.len(),
                "{context}: the meaning lists every word of {words:?}: {}",
                field.meaning
            );
            for word in words {
                let value = if field.ty == "string" {
                    json!(word)
                } else {
                    json!([word])
                };
                assert!(parses(value).is_ok(), "{context}: `{word}`");
            }
        }
        other => panic!("{context}: an unknown word is refused naming it, not {other:?}"),
    };
    match field.ty.as_str() {
        "status" => {
            for ok in [json!(-2147483648_i64), json!(4294967295_u64)] {
                assert!(parses(ok.clone()).is_ok(), "{context}: {ok}");
            }
            out_of_range(json!(-2147483649_i64));
            out_of_range(json!(4294967296_u64));
        }
        "u64" => {
            assert!(parses(json!(u64::MAX)).is_ok(), "{context}: u64::MAX");
            out_of_range(json!(-1));
        }
        "string" => unknown_word(json!("no-such-word")),
        "array of strings" => unknown_word(json!(["no-such-word"])),
        _ => {}
    }
}

/// The header table's rows, and the first line of the header section's
/// example trace, the header probed.
fn header_doc(blocks: &[Located]) -> (Vec<FieldDoc>, Map<String, Value>) {
    let within = |b: &Located| b.section == "Versions and the header";
    let mut tables = field_tables(blocks, within);
    assert_eq!(tables.len(), 1, "one header field table");
    let example = blocks
        .iter()
        .filter(|b| within(b))
        .find_map(|b| match &b.block {
            Block::Code { lang, text } if lang == "json" => text.lines().next(),
            _ => None,
        })
        .expect("an example with a header");
    (tables.remove(0), object(example))
}

fn header(line: &Map<String, Value>) -> Result<Header, TraceErrorKind> {
    let text = format!(
        "{}\n{{\"op\":\"create\",\"req\":\"r\"}}\n",
        Value::Object(line.clone())
    );
    TraceReader::new("t", Cursor::new(text))
        .header()
        .map_err(|e| e.kind)
}

/// Property: each documented header field is read with its documented
/// type and default; an `object` one is left to regression files.
#[test]
fn every_documented_header_field_is_read_as_documented() {
    let (fields, base) = header_doc(&blocks());
    let read = header(&base).expect("the example's header is read");
    assert_eq!(read.format, 2);
    for field in &fields {
        let name = field.name.as_str();
        let wrong = header(&with(&base, name, json!({})));
        if field.ty == "object" {
            assert_eq!(wrong.ok(), Some(read), "`{name}` is ignored by the checker");
            continue;
        }
        match wrong {
            Err(TraceErrorKind::WrongType {
                field: f, expected, ..
            }) if f == name => assert_eq!(expected, expected_for(&field.ty), "`{name}`"),
            other => panic!("header `{name}`: an object is refused naming it, not {other:?}"),
        }
        if let Some(default) = &field.default {
            let given = header(&with(&base, name, default.clone()));
            let absent = header(&without(&base, name));
            assert_eq!(
                given.ok(),
                absent.ok(),
                "header `{name}`: default {default}"
            );
        }
    }
}

/// The regression table's rows and the regression file example.
fn regression_doc(blocks: &[Located]) -> (Vec<FieldDoc>, String) {
    let within = |b: &Located| b.subsection == "Regression files";
    let mut tables = field_tables(blocks, within);
    assert_eq!(tables.len(), 1, "one regression field table");
    let example = blocks
        .iter()
        .filter(|b| within(b))
        .find_map(|b| match &b.block {
            Block::Code { lang, text } if lang == "json" => Some(text.clone()),
            _ => None,
        })
        .expect("a regression file example");
    (tables.remove(0), example)
}

/// The regression file `text` with its `regression` object changed by
/// `change`, read.
fn regression_with(text: &str, change: impl FnOnce(&mut Map<String, Value>)) -> Result<(), String> {
    let (first, rest) = text.split_once('\n').expect("a header and steps");
    let mut header = object(first);
    let Some(Value::Object(expected)) = header.get_mut("regression") else {
        panic!("the example's header has a `regression` object");
    };
    change(expected);
    let text = format!("{}\n{rest}", Value::Object(header));
    Regression::parse("r.jsonl", &text)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Property: the regression table names exactly the members a
/// regression file's `regression` object takes (the reader's refusal of
/// an unknown one lists them), each required as documented.
#[test]
fn the_regression_table_is_what_regression_files_take() {
    let (fields, example) = regression_doc(&blocks());
    regression_with(&example, |_| {}).expect("the example is a regression file");
    let refusal = regression_with(&example, |r| {
        r.insert("no_such_member".into(), json!(1));
    })
    .expect_err("an unknown member is refused");
    let (_, accepted) = refusal
        .split_once("expected one of")
        .unwrap_or_else(|| panic!("the refusal lists the members: {refusal}"));
    let accepted = code_spans(accepted);
    let documented: BTreeSet<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(documented, accepted);
    for field in &fields {
        let name = field.name.as_str();
        let absent = regression_with(&example, |r| {
            r.shift_remove(name);
        });
        match (field.required, absent) {
            (true, Err(message)) => {
                assert!(
                    message.contains(&format!("missing field `{name}`")),
                    "{message}"
                )
            }
            (false, Ok(())) => {}
            (required, absent) => panic!("`{name}`: required {required}, yet {absent:?}"),
        }
    }
}

/// The limits table: its rows by name, with their values.
fn limits(blocks: &[Located]) -> BTreeMap<String, u64> {
    let table = blocks
        .iter()
        .filter(|b| b.section == "Limits")
        .find_map(|b| match &b.block {
            Block::Table(rows) => Some(rows),
            _ => None,
        })
        .expect("a limits table");
    table[1..]
        .iter()
        .map(|row| {
            let digits: String = row[1]
                .split(' ')
                .next()
                .unwrap_or("")
                .chars()
                .filter(|c| *c != ',')
                .collect();
            let value = digits
                .parse()
                .unwrap_or_else(|_| panic!("a number: {row:?}"));
            (row[0].clone(), value)
        })
        .collect()
}

#[test]
fn the_documented_limits_are_the_readers() {
    let documented = limits(&blocks());
    // Names of every kind are ids of 32 bits, never reused in a trace
    // (`check::names`): a limit no trace can meet by adding names one at
    // a time in a test.
    let names = [u64::from(u32::MAX)];
    let actual: BTreeMap<String, u64> = [
        ("line length", LINE_BYTES_MAX as u64),
        ("names per kind", names[0]),
        ("remembered request names", DEAD_REMEMBERED as u64),
        ("sync lookahead", SYNC_LOOKAHEAD_EVENTS as u64),
        ("fast-path members", FIELDS_MAX as u64),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(documented, actual);
}

const COMMAND: &str = "$ wdfreq check trace.jsonl\n";

/// Every example trace (a `json` block outside the events' sections) with
/// the output shown in the `text` block right after it.
fn example_traces(blocks: &[Located]) -> Vec<(&Located, String, String)> {
    let mut found = Vec::new();
    for (i, located) in blocks.iter().enumerate() {
        let Block::Code { lang, text } = &located.block else {
            continue;
        };
        let in_event = located.section == "Events" && code_span(&located.subsection).is_some();
        if lang != "json" || in_event {
            continue;
        }
        let output = match blocks.get(i + 1).map(|b| &b.block) {
            Some(Block::Code { lang, text: output }) if lang == "text" => output,
            _ => panic!("the example trace is followed by its output:\n{text}"),
        };
        let output = output
            .strip_prefix(COMMAND)
            .unwrap_or_else(|| panic!("the output starts with `{COMMAND}`: {output}"));
        found.push((located, text.clone(), output.to_owned()));
    }
    found
}

/// `wdfreq check trace.jsonl` of `trace`: its standard output, then its
/// standard error, then its exit status.
fn run_check(trace: &str, index: usize) -> String {
    let dir = std::env::temp_dir().join(format!(
        "wdfreq-trace-format-doc-{}-{index}",
        std::process::id()
    ));
    fs::create_dir_all(&dir).expect("a scratch directory");
    fs::write(dir.join("trace.jsonl"), trace).expect("the trace written");
    let output = Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(["check", "trace.jsonl"])
        .current_dir(&dir)
        .output()
        .expect("wdfreq runs");
    let _ = fs::remove_dir_all(&dir);
    let status = output.status.code().expect("an exit status");
    format!(
        "{}{}exit status: {status}\n",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn every_example_trace_checks_to_the_output_shown() {
    let blocks = blocks();
    let examples = example_traces(&blocks);
    assert!(
        examples.len() >= 5,
        "only {} example traces",
        examples.len()
    );
    for (index, (_, trace, shown)) in examples.iter().enumerate() {
        pretty_assertions::assert_eq!(&run_check(trace, index), shown, "{trace}");
    }
}

/// Property: the `--trace-out` examples are in the writer's layout: read
/// and written again, they come out the same, but for names, which the
/// writer takes from the ids the reader gives in order of first
/// appearance.
#[test]
fn trace_out_examples_are_laid_out_as_the_writer_writes() {
    let blocks = blocks();
    let name_fields: BTreeSet<String> = events(&blocks)
        .iter()
        .flat_map(|e| e.fields.iter())
        .filter(|f| f.ty == "name")
        .map(|f| f.name.clone())
        .collect();
    let examples: Vec<String> = example_traces(&blocks)
        .into_iter()
        .filter(|(b, _, _)| b.subsection.contains("--trace-out"))
        .map(|(_, trace, _)| trace)
        .collect();
    assert!(!examples.is_empty(), "a `--trace-out` example");
    for trace in examples {
        let mut reader = TraceReader::new("t", Cursor::new(trace.as_bytes()));
        let mut observations = Vec::new();
        while let Some((_, event)) = reader.next_event().expect("well formed") {
            observations.push(observation(&event));
        }
        let settings = reader.header().expect("a header").settings;
        let mut written = Vec::new();
        write_trace(&mut written, settings, &observations).expect("written");
        let written = String::from_utf8(written).expect("UTF-8");
        pretty_assertions::assert_eq!(written, renamed_in_order(&trace, &name_fields));
    }
}

/// What the writer writes `event` from.
fn observation(event: &Event) -> Observation {
    match *event {
        Event::SyncSend {
            request,
            target,
            timeout,
            ignore_state,
            answer: None,
        } => Observation::Refused(Step::Call {
            request,
            call: Call::Send {
                target,
                mode: SendMode::Sync(Completion::SUCCESS),
                timeout,
                ignore_state,
            },
        }),
        Event::Status {
            request,
            value: Some(status),
            information,
        } => Observation::Status {
            request,
            completion: Completion::new(status, information.unwrap_or(0)),
        },
        Event::Callback(delivery) => Observation::Callback(delivery),
        _ => Observation::Step(event.step().expect("a step")),
    }
}

/// `trace` with the values of `fields` renamed per field, in order of
/// first appearance, as the writer names ids (`req` `r0`, `target` `t0`,
/// ...), and each line written compactly.
fn renamed_in_order(trace: &str, fields: &BTreeSet<String>) -> String {
    let prefix = |field: &str| match field {
        "req" => "r",
        "target" => "t",
        "queue" => "q",
        "callback" => "cb",
        "context" => "ctx",
        other => panic!("no id prefix for the name field `{other}`"),
    };
    let mut renames: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = String::new();
    for line in trace.lines() {
        let mut line = object(line);
        for (key, value) in line.iter_mut() {
            let (true, Some(name)) = (fields.contains(key), value.as_str()) else {
                continue;
            };
            let renamed = renames
                .entry((key.clone(), name.to_owned()))
                .or_insert_with(|| {
                    let count = counts.entry(key.clone()).or_default();
                    *count += 1;
                    format!("{}{}", prefix(key), *count - 1)
                });
            *value = json!(renamed);
        }
        out.push_str(&Value::Object(line).to_string());
        out.push('\n');
    }
    out
}

/// Guards the document's reader itself: it finds every fenced block and
/// every event, so a test above cannot pass by reading nothing.
#[test]
fn the_document_reader_finds_every_block() {
    let text = doc_text();
    let fences = text.lines().filter(|l| l.starts_with("```")).count();
    let blocks = blocks();
    let code = blocks
        .iter()
        .filter(|b| matches!(b.block, Block::Code { .. }))
        .count();
    assert_eq!(code * 2, fences, "every fence opens or closes a block");
    assert_eq!(events(&blocks).len(), OPS.len());
}

/// The concurrent traces' field table names exactly the fields the reader
/// reads on every line of a version 3 trace
/// (`check::parse::TIMING_FIELDS`), with their required-ness; a value of
/// the wrong type is refused naming the field, and a required one left out
/// is missing.
#[test]
fn the_concurrent_field_table_is_what_the_reader_reads() {
    use wdfreq::check::parse::TIMING_FIELDS;
    let blocks = blocks();
    let mut tables = field_tables(&blocks, |b| b.section == "Concurrent traces (version 3)");
    assert_eq!(tables.len(), 1, "one concurrent field table");
    let fields = tables.remove(0);
    let documented: Vec<(&str, bool)> = fields
        .iter()
        .map(|f| (f.name.as_str(), f.required))
        .collect();
    let read: Vec<(&str, bool)> = TIMING_FIELDS.iter().map(|f| (f.name, f.required)).collect();
    assert_eq!(documented, read);
    let base = object(r#"{"op":"create","req":"r","thread":"t","call":1,"return":2}"#);
    let kind = |line: &Map<String, Value>| {
        let text = format!("{{\"wdfreq\":3}}\n{}\n", Value::Object(line.clone()));
        wdfreq::check::check("t", Cursor::new(text), &mut |_| {})
            .map(|_| ())
            .map_err(|e| e.kind)
    };
    assert!(kind(&base).is_ok(), "the base line checks");
    for field in &fields {
        let name = field.name.as_str();
        match kind(&with(&base, name, json!({}))) {
            Err(TraceErrorKind::WrongType {
                field: f, expected, ..
            }) if f == name => assert_eq!(expected, expected_for(&field.ty), "`{name}`"),
            other => panic!("`{name}`: an object is refused naming it, not {other:?}"),
        }
        if field.required {
            assert!(
                matches!(kind(&without(&base, name)), Err(TraceErrorKind::MissingField { field: f }) if f == name),
                "`{name}` is required"
            );
        } else {
            assert!(kind(&without(&base, name)).is_ok(), "`{name}` is optional");
        }
    }
}
