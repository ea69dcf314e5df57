//! [`Implementation`]: an implementation under test as the harness sees it
//! whole — its name, the framework settings it implements, and how to build
//! a fresh instance of it for one case.
//!
//! [`Conformance`] is one instance, driven step by step for one sequence;
//! this trait is what a hunt, a replay and [`crate::testing`] need around
//! it. Because the settings are the implementation's own declaration, the
//! harness judges only settings an implementation claims, and builds every
//! instance for the settings it judges: the two cannot disagree, so a
//! mismatch is never blamed on the implementation.
//!
//! ```
//! use wdfreq::harness::{Conformance, Implementation};
//! use wdfreq::sim::Framework;
//! use wdfreq::vocab::Settings;
//!
//! /// A framework that implements KMDF 1.33 only (here: the simulated one).
//! struct MyFramework;
//!
//! impl Implementation for MyFramework {
//!     type Instance = Framework;
//!     fn name(&self) -> String {
//!         "my-framework".to_owned()
//!     }
//!     fn settings(&self) -> Vec<Settings> {
//!         vec![Settings::KMDF]
//!     }
//!     fn build(&self, settings: Settings) -> Framework {
//!         Framework::with_settings(settings)
//!     }
//! }
//!
//! assert!(MyFramework.implements(&Settings::KMDF));
//! assert!(!MyFramework.implements(&Settings::DEFAULT));
//! ```

use std::fmt;

use super::conformance::Conformance;
use crate::vocab::Settings;

/// An implementation of the request lifecycle: what it is called, which
/// framework settings (flavor, version, verifier) it implements, and a
/// fresh [`Conformance`] instance of it for each case.
///
/// `Sync` because a hunt builds instances on several worker threads at
/// once; the instances themselves need not be `Send`.
pub trait Implementation: Sync {
    /// One instance, driven for one operation sequence.
    type Instance: Conformance;

    /// The implementation's name, as regression files record it and
    /// `--implementation` takes it: short, no spaces.
    fn name(&self) -> String;

    /// How reports name it; its name unless it says more.
    fn describe(&self) -> String {
        self.name()
    }

    /// Every framework setting this implementation implements, in order
    /// of preference: a hunt with no settings asked for runs the first.
    /// Never empty. [`Settings::all`] lists every setting that exists.
    fn settings(&self) -> Vec<Settings>;

    /// A fresh instance that implements `settings`, one of
    /// [`settings`](Self::settings): the harness builds one per case (and
    /// one per shrink attempt), and never asks for a setting not declared.
    fn build(&self, settings: Settings) -> Self::Instance;

    /// Whether `settings` is one this implementation declares.
    fn implements(&self, settings: &Settings) -> bool {
        self.settings().contains(settings)
    }

    /// `settings` itself when it is declared, else why not.
    fn check_settings(&self, settings: Settings) -> Result<Settings, NotImplemented> {
        if self.implements(&settings) {
            Ok(settings)
        } else {
            Err(NotImplemented {
                implementation: self.name(),
                asked: settings,
                declared: self.settings(),
            })
        }
    }
}

/// A borrowed implementation is an implementation.
impl<T: Implementation + ?Sized> Implementation for &T {
    type Instance = T::Instance;

    fn name(&self) -> String {
        (**self).name()
    }

    fn describe(&self) -> String {
        (**self).describe()
    }

    fn settings(&self) -> Vec<Settings> {
        (**self).settings()
    }

    fn build(&self, settings: Settings) -> Self::Instance {
        (**self).build(settings)
    }
}

/// A shared implementation is an implementation: what a factory that
/// must be `'static` ([`hunt_with`](super::hunt_with)) can hold.
impl<T: Implementation + ?Sized + Send> Implementation for std::sync::Arc<T> {
    type Instance = T::Instance;

    fn name(&self) -> String {
        (**self).name()
    }

    fn describe(&self) -> String {
        (**self).describe()
    }

    fn settings(&self) -> Vec<Settings> {
        (**self).settings()
    }

    fn build(&self, settings: Settings) -> Self::Instance {
        (**self).build(settings)
    }
}

/// The settings asked for are not among those an implementation declares.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct NotImplemented {
    /// The implementation's name.
    pub implementation: String,
    /// The settings asked for.
    pub asked: Settings,
    /// The settings it declares.
    pub declared: Vec<Settings>,
}

impl fmt::Display for NotImplemented {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let declared: Vec<String> = self.declared.iter().map(ToString::to_string).collect();
        write!(
            f,
            "{} does not implement {}; it implements: {}",
            self.implementation,
            self.asked,
            declared.join("; ")
        )
    }
}
