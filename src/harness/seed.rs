//! [`Seed`]: one seed gives one operation sequence and one verdict.
//!
//! A run of many cases has a run seed; case `i` gets its own seed derived
//! from it, and case 0's seed is the run seed itself, so any failing case
//! replays alone with `--seed <its seed> --cases 1`.

use std::fmt;
use std::str::FromStr;

use proptest::test_runner::{RngAlgorithm, TestRng};

/// The seed of a run or of one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Seed(pub u64);

impl Seed {
    /// The seed of case `index` of a run seeded with `self`.
    pub fn case(self, index: u64) -> Seed {
        if index == 0 {
            self
        } else {
            Seed(splitmix64(self.0 ^ splitmix64(index)))
        }
    }

    /// The deterministic generator this seed drives.
    pub fn rng(self) -> TestRng {
        let mut bytes = [0u8; 32];
        let mut state = self.0;
        for chunk in bytes.chunks_mut(8) {
            state = splitmix64(state);
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
    }

    /// A seed from the operating system's randomness, for a run given none
    /// (it is printed first, so the run still replays).
    pub fn random() -> Seed {
        use std::hash::{BuildHasher, RandomState};
        Seed(RandomState::new().hash_one(std::time::SystemTime::now()))
    }
}

/// SplitMix64's output function: a bijection that spreads nearby inputs.
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#018x}", self.0)
    }
}

/// The text is not a seed (decimal, or hexadecimal with `0x`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a seed: give a decimal or 0x-prefixed hexadecimal u64")]
pub struct BadSeed(pub String);

impl FromStr for Seed {
    type Err = BadSeed;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
            None => s.replace('_', "").parse(),
        };
        parsed.map(Seed).map_err(|_| BadSeed(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::RngExt;

    #[test]
    fn case_zero_is_the_run_seed_and_other_cases_differ() {
        let run = Seed(42);
        assert_eq!(run.case(0), run);
        let seeds: std::collections::BTreeSet<_> = (0..1000).map(|i| run.case(i).0).collect();
        assert_eq!(seeds.len(), 1000);
    }

    #[test]
    fn same_seed_same_random_stream() {
        let (mut a, mut b) = (Seed(7).rng(), Seed(7).rng());
        let mut c = Seed(8).rng();
        let (x, y, z): (u64, u64, u64) = (a.random(), b.random(), c.random());
        assert_eq!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn seed_parses_decimal_and_hex_and_prints_hex_that_parses_back() {
        assert_eq!("42".parse(), Ok(Seed(42)));
        assert_eq!("0x2a".parse(), Ok(Seed(42)));
        let seed = Seed(0xdead_beef);
        assert_eq!(seed.to_string().parse(), Ok(seed));
        assert!("forty-two".parse::<Seed>().is_err());
    }
}
