//! [`Settings`]: which framework the rules are judged for. The rules
//! differ by flavor, by framework version and by whether the verifier is
//! on; every rule of the catalogue says in which settings it applies.

use std::fmt;
use std::str::FromStr;

/// Which request API the driver uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flavor {
    /// UMDF 1: `IWDFIoRequest2::Reuse(hrStatus)`, UMDF 1.9 to 1.11. Reuse
    /// takes a status and no flags.
    #[default]
    Umdf1,
    /// KMDF and UMDF 2: `WdfRequestReuse(params)` with
    /// `WDF_REQUEST_REUSE_PARAMS` (status and flags).
    Kmdf,
}

impl Flavor {
    /// Every flavor (UMDF 2 runs the KMDF source: [`Flavor::Kmdf`]).
    pub const ALL: [Flavor; 2] = [Flavor::Umdf1, Flavor::Kmdf];

    /// The name used on the command line and in traces.
    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::Umdf1 => "umdf1",
            Flavor::Kmdf => "kmdf",
        }
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Flavor {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "umdf1" => Ok(Flavor::Umdf1),
            "kmdf" | "umdf2" => Ok(Flavor::Kmdf),
            _ => Err(SettingsError::UnknownFlavor(s.to_owned())),
        }
    }
}

/// The framework version a driver was built against (`1.minor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FrameworkVersion {
    /// The major version: 1 for every framework the rules are judged for.
    pub major: u8,
    /// The minor version.
    pub minor: u8,
}

impl FrameworkVersion {
    /// KMDF 1.7: before Reuse deregistered the completion routine.
    pub const V1_7: FrameworkVersion = FrameworkVersion::new(1, 7);
    /// 1.9: Reuse deregisters the completion routine; UMDF 1 gains Reuse.
    pub const V1_9: FrameworkVersion = FrameworkVersion::new(1, 9);
    /// 1.11: `WDF_REQUEST_REUSE_MUST_COMPLETE`; the last UMDF 1 version.
    pub const V1_11: FrameworkVersion = FrameworkVersion::new(1, 11);
    /// KMDF 1.33, the current version.
    pub const V1_33: FrameworkVersion = FrameworkVersion::new(1, 33);

    /// The versions the suite distinguishes, oldest first.
    pub const KNOWN: [FrameworkVersion; 4] = [Self::V1_7, Self::V1_9, Self::V1_11, Self::V1_33];

    /// Version `major.minor`.
    pub const fn new(major: u8, minor: u8) -> Self {
        FrameworkVersion { major, minor }
    }
}

impl fmt::Display for FrameworkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for FrameworkVersion {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || SettingsError::BadVersion(s.to_owned());
        let (major, minor) = s.split_once('.').ok_or_else(bad)?;
        Ok(FrameworkVersion::new(
            major.parse().map_err(|_| bad())?,
            minor.parse().map_err(|_| bad())?,
        ))
    }
}

/// The framework the rules are judged for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Settings {
    /// UMDF 1, or KMDF (and UMDF 2, its shared source).
    pub flavor: Flavor,
    /// The framework version the driver was built against.
    pub version: FrameworkVersion,
    /// Whether the framework's verifier is on. With it off the framework
    /// lets some driver errors through (the driver still broke the rule).
    pub verifier: bool,
}

impl Default for Settings {
    /// UMDF 1 at its last version, 1.11, with the verifier on.
    fn default() -> Self {
        Settings::DEFAULT
    }
}

impl Settings {
    /// The defaults: UMDF 1 at its last version, 1.11, with the verifier
    /// on (what [`Settings::default`] gives).
    pub const DEFAULT: Settings = Settings {
        flavor: Flavor::Umdf1,
        version: FrameworkVersion::V1_11,
        verifier: true,
    };

    /// KMDF (and UMDF 2) at the latest version the crate knows, 1.33, with
    /// the verifier on.
    pub const KMDF: Settings = Settings {
        flavor: Flavor::Kmdf,
        version: FrameworkVersion::V1_33,
        verifier: true,
    };

    /// UMDF 2 (see [`UMDF2`]): KMDF at 1.33, where every version check of
    /// the shared code passes.
    pub const fn umdf2(verifier: bool) -> Settings {
        Settings {
            verifier,
            ..Settings::KMDF
        }
    }

    /// Settings that exist: UMDF 1 has Reuse only from 1.9 and ends at
    /// 1.11; KMDF is any `1.x`.
    pub fn new(
        flavor: Flavor,
        version: FrameworkVersion,
        verifier: bool,
    ) -> Result<Self, SettingsError> {
        let exists = version.major == 1
            && match flavor {
                Flavor::Umdf1 => {
                    (FrameworkVersion::V1_9..=FrameworkVersion::V1_11).contains(&version)
                }
                Flavor::Kmdf => true,
            };
        if !exists {
            return Err(SettingsError::NoSuchFramework { flavor, version });
        }
        Ok(Settings {
            flavor,
            version,
            verifier,
        })
    }

    /// Every combination of flavor, known version and verifier that exists.
    pub fn all() -> Vec<Settings> {
        let mut all = Vec::new();
        for flavor in Flavor::ALL {
            for version in FrameworkVersion::KNOWN {
                for verifier in [true, false] {
                    if let Ok(settings) = Settings::new(flavor, version, verifier) {
                        all.push(settings);
                    }
                }
            }
        }
        all
    }

    /// Every setting [`Settings::all`] lists, `first` first: what an
    /// implementation of every setting declares, its preferred one leading.
    pub fn all_from(first: Settings) -> Vec<Settings> {
        let mut all = Settings::all();
        all.retain(|s| *s != first);
        all.insert(0, first);
        all
    }

    /// Whether Reuse deregisters the completion callback (1.9 and later).
    pub fn reuse_clears_callback(&self) -> bool {
        self.version >= FrameworkVersion::V1_9
    }

    /// Whether Reuse takes flags (`WdfRequestReuse`).
    pub fn reuse_takes_flags(&self) -> bool {
        self.flavor == Flavor::Kmdf
    }

    /// Whether `WDF_REQUEST_REUSE_MUST_COMPLETE` exists (1.11 and later).
    pub fn must_complete_exists(&self) -> bool {
        self.reuse_takes_flags() && self.version >= FrameworkVersion::V1_11
    }

    /// Whether `WdfIoTargetPurge` exists: KMDF 1.11 and later, UMDF 2
    /// (UMDF 1's `IWDFIoTargetStateManagement` has no purge).
    pub fn purge_exists(&self) -> bool {
        self.must_complete_exists()
    }

    /// Whether the request code is the shared KMDF and UMDF 2 source
    /// (microsoft/Windows-Driver-Frameworks `src/framework/shared/`), whose
    /// branches the model follows. UMDF 1's host is not in that source: for
    /// it the model keeps what its documentation says.
    pub fn shared_source(&self) -> bool {
        self.flavor == Flavor::Kmdf
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}, verifier {}",
            self.flavor,
            self.version,
            if self.verifier { "on" } else { "off" }
        )
    }
}

/// Settings that cannot be parsed or do not exist.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// A flavor name that is none of the known ones.
    #[error("unknown flavor `{0}`: expected `umdf1` or `kmdf` (also `umdf2`)")]
    UnknownFlavor(String),
    /// A version that is not `MAJOR.MINOR`.
    #[error("`{0}` is not a framework version: expected MAJOR.MINOR, as `1.9`")]
    BadVersion(String),
    /// A flavor and version that never existed together.
    #[error("there is no {flavor} {version}: UMDF 1 has Reuse from 1.9 to 1.11, KMDF is 1.x")]
    NoSuchFramework {
        /// The flavor given.
        flavor: Flavor,
        /// The version given.
        version: FrameworkVersion,
    },
    /// A 1.x version given for UMDF 2, whose versions are 2.x.
    #[error(
        "umdf2 takes no 1.x version ({0} given): UMDF 2 is 2.x, which passes every 1.x version \
         check of the shared request code, so it is judged as kmdf 1.33"
    )]
    Umdf2Version(FrameworkVersion),
}

/// The flavor name of UMDF 2. It shares KMDF's request code, so it parses
/// as [`Flavor::Kmdf`]; its versions, 2.x, pass every 1.x version check of
/// that code (`src/framework/shared/object/globals.cpp`,
/// `IsVersionGreaterThanOrEqualTo`), so it is judged as KMDF at the latest
/// version the crate knows ([`Settings::umdf2`]), and a 1.x version given
/// with it is refused ([`SettingsError::Umdf2Version`]).
pub const UMDF2: &str = "umdf2";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_that_do_not_exist_are_refused() {
        assert!(Settings::new(Flavor::Umdf1, FrameworkVersion::V1_7, true).is_err());
        assert!(Settings::new(Flavor::Umdf1, FrameworkVersion::V1_33, true).is_err());
        assert!(Settings::new(Flavor::Kmdf, FrameworkVersion::V1_7, false).is_ok());
        assert_eq!(Settings::all().len(), 2 * 2 + 4 * 2);
        assert!(Settings::all().contains(&Settings::default()));
    }

    #[test]
    fn versions_parse_and_order_numerically() {
        assert_eq!("1.11".parse(), Ok(FrameworkVersion::V1_11));
        assert!(FrameworkVersion::V1_9 < FrameworkVersion::V1_11);
        assert!("1".parse::<FrameworkVersion>().is_err());
        assert!("one.nine".parse::<FrameworkVersion>().is_err());
    }
}
