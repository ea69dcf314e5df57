//! `--format`: how `check` and `hunt` write their results on standard
//! output; `text`, the default, is the report for people, the others are
//! [`crate::report`]'s machine-readable documents.

/// `check --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// One line per finding, then a summary line.
    #[default]
    Text,
    /// One JSON document: the findings and the summary.
    Json,
    /// A SARIF 2.1.0 log (GitHub code scanning, SARIF viewers).
    Sarif,
}

/// `hunt --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum HuntFormat {
    /// The report for people.
    #[default]
    Text,
    /// One JSON document: counts, coverage, verdict, divergence.
    Json,
}
