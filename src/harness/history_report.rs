//! How a history that no order explains is shown: its events in time
//! order, each with its thread, then the longest order the framework
//! accepts and why nothing can follow it.

use std::fmt;

use crate::linearize::Counterexample;
use crate::vocab::History;

/// Writes the part of `history` that `counterexample` is about.
pub(super) fn write(
    f: &mut fmt::Formatter<'_>,
    history: &History,
    counterexample: &Counterexample,
) -> fmt::Result {
    let requests: Vec<String> = counterexample
        .requests
        .iter()
        .map(ToString::to_string)
        .collect();
    writeln!(
        f,
        "error: threads ran at once, and no order of what they did on {} is one the framework \
         allows",
        requests.join(", ")
    )?;
    writeln!(f, "history (logical time, thread, event):")?;
    // Every event of the part, in time order.
    let mut events: Vec<(u64, String)> = Vec::new();
    for &index in &counterexample.operations {
        let op = &history.operations[index];
        events.push((
            op.invoked,
            format!("t{:<3} #{index:<3} invokes `{}`", op.thread.0, op.step),
        ));
        if let Some((returned, answered)) = op.returned {
            events.push((
                returned,
                format!("t{:<3} #{index:<3} {answered}", op.thread.0),
            ));
        }
    }
    for run in &history.callbacks {
        if counterexample.requests.contains(&run.delivery.request) {
            let thread = if run.thread.0 == u32::MAX {
                "t?  ".to_owned()
            } else {
                format!("t{:<3}", run.thread.0)
            };
            events.push((run.at, format!("{thread}      callback: {}", run.delivery)));
        }
    }
    events.sort();
    for (at, event) in events {
        writeln!(f, "  {at:>5}  {event}")?;
    }
    let longest: Vec<String> = counterexample
        .longest
        .iter()
        .map(|i| format!("#{i}"))
        .collect();
    writeln!(
        f,
        "the longest order the framework accepts: {}",
        if longest.is_empty() {
            "none".to_owned()
        } else {
            longest.join(", ")
        }
    )?;
    for (index, blocked) in &counterexample.blocked {
        writeln!(
            f,
            "  then #{index} `{}`: {blocked}",
            history.operations[*index].step
        )?;
    }
    for &index in &counterexample.unexplained {
        let run = &history.callbacks[index];
        writeln!(
            f,
            "  and the callback at {} ({}) is owed by no operation: {}",
            run.at, run.thread, run.delivery
        )?;
    }
    Ok(())
}
