//! The settings flags every subcommand shares: `--flavor`,
//! `--framework-version`, `--no-verifier`.

use clap::Args;

use crate::vocab::{Flavor, FrameworkVersion, Settings, SettingsError};

/// Which framework to judge for; unset flags keep the defaults (UMDF 1,
/// 1.11, verifier on) or, for `check`, what the trace's header says.
#[derive(Clone, Debug, Default, Args)]
pub struct SettingsArgs {
    /// The request API: `umdf1` (IWDFIoRequest2::Reuse) or `kmdf`
    /// (WdfRequestReuse; also `umdf2`).
    #[arg(long, value_parser = clap::value_parser!(FlavorArg))]
    pub flavor: Option<FlavorArg>,
    /// The framework version the driver is built against, as `1.9`.
    #[arg(long, value_parser = clap::value_parser!(VersionArg))]
    pub framework_version: Option<VersionArg>,
    /// Judge for a framework whose verifier is off.
    #[arg(long)]
    pub no_verifier: bool,
}

/// A flavor given on the command line.
#[derive(Clone, Copy, Debug)]
pub struct FlavorArg(pub Flavor);

impl std::str::FromStr for FlavorArg {
    type Err = SettingsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(FlavorArg)
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
        let flavor = self.flavor.map_or(base.flavor, |f| f.0);
        let version = match (self.framework_version, self.flavor) {
            (Some(version), _) => version.0,
            (None, Some(FlavorArg(Flavor::Kmdf))) if base.flavor != Flavor::Kmdf => {
                FrameworkVersion::V1_33
            }
            (None, Some(FlavorArg(Flavor::Umdf1))) if base.flavor != Flavor::Umdf1 => {
                FrameworkVersion::V1_11
            }
            (None, _) => base.version,
        };
        Settings::new(flavor, version, base.verifier && !self.no_verifier)
    }

    /// The flags applied over the default settings.
    pub fn resolve(&self) -> Result<Settings, SettingsError> {
        self.over(Settings::default())
    }
}
