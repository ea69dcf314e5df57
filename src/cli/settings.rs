//! The settings flags every subcommand shares: `--flavor`,
//! `--framework-version`, `--no-verifier`.

use clap::Args;

use crate::vocab::settings::UMDF2;
use crate::vocab::{Flavor, FrameworkVersion, Settings, SettingsError};

/// Which framework to judge for; unset flags keep the defaults (UMDF 1,
/// 1.11, verifier on) or, for `check`, what the trace's header says.
#[derive(Clone, Debug, Default, Args)]
pub struct SettingsArgs {
    /// The request API the driver uses.
    #[arg(long, value_parser = flavors())]
    pub flavor: Option<FlavorArg>,
    /// The framework version the driver is built against, as `1.9`.
    #[arg(long, value_parser = clap::value_parser!(VersionArg))]
    pub framework_version: Option<VersionArg>,
    /// Judge for a framework whose verifier is off.
    #[arg(long)]
    pub no_verifier: bool,
}

/// The values `--flavor` takes, each with what it means, for `--help`.
fn flavors() -> impl clap::builder::TypedValueParser<Value = FlavorArg> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new([
        PossibleValue::new("umdf1").help("UMDF 1: IWDFIoRequest2::Reuse, versions 1.9 to 1.11"),
        PossibleValue::new("kmdf").help("KMDF: WdfRequestReuse, versions 1.0 to 1.33"),
        PossibleValue::new(UMDF2).help(
            "UMDF 2: the KMDF source at 1.33, where every version check passes \
             (it takes no --framework-version)",
        ),
    ])
    .try_map(|name| name.parse::<FlavorArg>())
}

/// A flavor given on the command line, and whether it was `umdf2`.
#[derive(Clone, Copy, Debug)]
pub struct FlavorArg(pub Flavor, pub bool);

impl std::str::FromStr for FlavorArg {
    type Err = SettingsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(|flavor| FlavorArg(flavor, s == UMDF2))
    }
}

/// A framework version given on the command line.
#[derive(Clone, Copy, Debug)]
pub struct VersionArg(pub FrameworkVersion);

impl std::str::FromStr for VersionArg {
    type Err = SettingsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(VersionArg)
    }
}

impl SettingsArgs {
    /// The flags applied over `base`: a flag given replaces the base's
    /// value. A flavor given alone takes that flavor's latest version.
    pub fn over(&self, base: Settings) -> Result<Settings, SettingsError> {
        let verifier = base.verifier && !self.no_verifier;
        if let Some(FlavorArg(_, true)) = self.flavor {
            return match self.framework_version {
                Some(version) => Err(SettingsError::Umdf2Version(version.0)),
                None => Ok(Settings::umdf2(verifier)),
            };
        }
        let flavor = self.flavor.map_or(base.flavor, |f| f.0);
        let version = match (self.framework_version, self.flavor) {
            (Some(version), _) => version.0,
            (None, Some(FlavorArg(Flavor::Kmdf, _))) if base.flavor != Flavor::Kmdf => {
                FrameworkVersion::V1_33
            }
            (None, Some(FlavorArg(Flavor::Umdf1, _))) if base.flavor != Flavor::Umdf1 => {
                FrameworkVersion::V1_11
            }
            (None, _) => base.version,
        };
        Settings::new(flavor, version, verifier)
    }

    /// The flags applied over the default settings.
    pub fn resolve(&self) -> Result<Settings, SettingsError> {
        self.over(Settings::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(flavor: &str, version: Option<&str>) -> SettingsArgs {
        SettingsArgs {
            flavor: Some(flavor.parse().expect("a flavor")),
            framework_version: version.map(|v| v.parse().expect("a version")),
            no_verifier: false,
        }
    }

    /// UMDF 2's versions are 2.x, past every 1.x check of the shared code:
    /// it is KMDF 1.33, and a 1.x version given with it is refused.
    #[test]
    fn umdf2_is_kmdf_with_every_version_check_passed() {
        assert_eq!(args("umdf2", None).resolve(), Ok(Settings::umdf2(true)));
        assert_eq!(
            args("umdf2", Some("1.7")).resolve(),
            Err(SettingsError::Umdf2Version(FrameworkVersion::V1_7))
        );
        let kmdf_1_7 = args("kmdf", Some("1.7"))
            .resolve()
            .expect("kmdf 1.7 exists");
        assert_eq!(kmdf_1_7.version, FrameworkVersion::V1_7);
    }
}
