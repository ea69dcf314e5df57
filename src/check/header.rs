//! The header of trace format version 2: an optional first line
//! `{"wdfreq":2,"flavor":"kmdf","version":"1.9","verifier":true}` naming
//! the settings the trace was recorded under. `parse_header` accepts
//! exactly a header whose `wdfreq` is 2 (or 3, a concurrent trace:
//! [`super::concurrent`]) and whose settings exist ([`Settings::new`]);
//! every refusal names its field.
//!
//! - `flavor`, `version` and `verifier` are optional; each absent one is
//!   [`Settings::default`]'s (UMDF 1, 1.11, verifier on), so
//!   `{"wdfreq":2,"flavor":"kmdf"}` is KMDF 1.11.
//! - `flavor` is `umdf1` or `kmdf` (`umdf2` is read as `kmdf`, as on the
//!   command line); `version` is a string `MAJOR.MINOR` (a JSON number
//!   cannot tell 1.1 from 1.10).
//! - Settings that do not exist (UMDF 1 1.7) are refused naming `version`,
//!   or `flavor` when no version is given.
//! - Unknown fields are ignored, as in events.
//! - A trace without a header is version 1, judged for the defaults.

use super::error::TraceErrorKind;
use super::json::Members;
use super::parse::{Fields, integer};
use crate::vocab::settings::UMDF2;
use crate::vocab::{Flavor, FrameworkVersion, Settings, SettingsError};

/// The trace format version a header line names.
pub const FORMAT_WITH_HEADER: u32 = 2;

/// The format version of a concurrent trace: version 2's header and
/// events, each event with its thread and the times it was invoked and
/// returned at ([`super::concurrent`]).
pub const FORMAT_CONCURRENT: u32 = 3;

/// What a trace says about itself: its format version and the settings it
/// was recorded under.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// 1 for a trace without a header line, 2 with one.
    pub format: u32,
    /// The header's settings; the defaults for a version 1 trace.
    pub settings: Settings,
}

impl Header {
    /// The header of a trace that has no header line: version 1, judged
    /// for the default settings.
    pub fn version_1() -> Self {
        Header {
            format: 1,
            settings: Settings::default(),
        }
    }
}

/// Parses a header line's object.
pub(super) fn parse_header(object: &Members<'_>) -> Result<Header, TraceErrorKind> {
    let fields = Fields::Json(object);
    let field = "wdfreq";
    let format = match fields.get(field) {
        None => return Err(TraceErrorKind::MissingField { field }),
        Some(value) => integer(field, value, "a trace format version is an integer")?,
    };
    let format = match u32::try_from(format) {
        Ok(format @ (FORMAT_WITH_HEADER | FORMAT_CONCURRENT)) => format,
        _ => {
            return Err(TraceErrorKind::UnsupportedFormat {
                found: format.to_string(),
            });
        }
    };
    let default = Settings::default();
    let setting = |field| move |source| TraceErrorKind::HeaderSettings { field, source };
    let flavor_text = fields.opt_str("flavor")?;
    let flavor = match flavor_text {
        Some(text) => text.parse::<Flavor>().map_err(setting("flavor"))?,
        None => default.flavor,
    };
    let version_text = fields.opt_str("version")?;
    let verifier = fields.opt_bool("verifier")?.unwrap_or(default.verifier);
    if flavor_text == Some(UMDF2) {
        // UMDF 2's 2.x passes every 1.x check: judged as KMDF 1.33.
        if let Some(text) = version_text {
            let version = text
                .parse::<FrameworkVersion>()
                .map_err(setting("version"))?;
            return Err(setting("version")(SettingsError::Umdf2Version(version)));
        }
        return Ok(Header {
            format,
            settings: Settings::umdf2(verifier),
        });
    }
    let version = match version_text {
        Some(text) => text
            .parse::<FrameworkVersion>()
            .map_err(setting("version"))?,
        None => default.version,
    };
    let at_fault = if version_text.is_some() {
        "version"
    } else {
        "flavor"
    };
    let settings = Settings::new(flavor, version, verifier).map_err(setting(at_fault))?;
    Ok(Header { format, settings })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::SettingsError;

    fn header(text: &str) -> Result<Header, TraceErrorKind> {
        let Ok(object) = super::super::json::json_object(text) else {
            panic!("test header is a JSON object: {text}");
        };
        parse_header(&object)
    }

    #[test]
    fn absent_fields_are_the_defaults() {
        let Ok(got) = header(r#"{"wdfreq":2}"#) else {
            panic!("minimal header parses");
        };
        assert_eq!(got.settings, Settings::default());
        assert_eq!(got.format, 2);
        let Ok(kmdf) = header(r#"{"wdfreq":2,"flavor":"kmdf","verifier":null}"#) else {
            panic!("kmdf header parses");
        };
        assert_eq!(kmdf.settings.flavor, Flavor::Kmdf);
        assert_eq!(kmdf.settings.version, Settings::default().version);
        assert!(kmdf.settings.verifier);
    }

    #[test]
    fn umdf2_is_judged_as_kmdf_1_33_and_takes_no_version() {
        let Ok(got) = header(r#"{"wdfreq":2,"flavor":"umdf2","verifier":false}"#) else {
            panic!("umdf2 header parses");
        };
        assert_eq!(got.settings, Settings::umdf2(false));
        let error = header(r#"{"wdfreq":2,"flavor":"umdf2","version":"1.7"}"#)
            .expect_err("a 1.x version for umdf2");
        assert!(
            error
                .to_string()
                .starts_with("field `version`: umdf2 takes no 1.x version"),
            "{error}"
        );
    }

    #[test]
    fn version_3_is_a_concurrent_traces_header_with_the_same_settings() {
        let Ok(got) = header(r#"{"wdfreq":3,"flavor":"kmdf","version":"1.9"}"#) else {
            panic!("a version 3 header parses");
        };
        assert_eq!(got.format, FORMAT_CONCURRENT);
        assert_eq!(got.settings.flavor, Flavor::Kmdf);
        assert_eq!(got.settings.version, FrameworkVersion::V1_9);
    }

    #[test]
    fn refusals_name_their_field() {
        let cases = [
            (r#"{"wdfreq":4}"#, "wdfreq"),
            (r#"{"wdfreq":1}"#, "wdfreq"),
            (r#"{"wdfreq":4294967298}"#, "wdfreq"),
            (r#"{"wdfreq":"2"}"#, "wdfreq"),
            (r#"{"wdfreq":2,"flavor":"wdm"}"#, "flavor"),
            (r#"{"wdfreq":2,"flavor":1}"#, "flavor"),
            (r#"{"wdfreq":2,"version":1.9}"#, "version"),
            (r#"{"wdfreq":2,"version":"nine"}"#, "version"),
            (
                r#"{"wdfreq":2,"flavor":"umdf1","version":"1.7"}"#,
                "version",
            ),
            (r#"{"wdfreq":2,"verifier":"yes"}"#, "verifier"),
        ];
        for (text, field) in cases {
            let error = header(text).expect_err(text);
            assert!(
                error.to_string().starts_with(&format!("field `{field}`")),
                "{text}: {error}"
            );
        }
        assert!(matches!(
            header(r#"{"wdfreq":2,"flavor":"umdf1","version":"1.7"}"#),
            Err(TraceErrorKind::HeaderSettings {
                source: SettingsError::NoSuchFramework { .. },
                ..
            })
        ));
    }
}
