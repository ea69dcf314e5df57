//! The conformance test a crate with its own implementation writes: it
//! replays the regression files committed in `tests/wdfreq-regressions/`,
//! then hunts every setting `MyFramework` declares, and on a divergence
//! writes a new regression file there. Scale it with `WDFREQ_CASES`,
//! `WDFREQ_SECONDS`, `WDFREQ_SEED` (see `wdfreq::testing`).

use wdfreq::testing::ConformanceTest;
use wdfreq_example_implementation::MyFramework;

/// Property: on every setting it declares, the wrapper does what the
/// reference model says, for every generated sequence and every
/// committed regression.
#[test]
fn my_framework_conforms_to_the_request_lifecycle() {
    ConformanceTest::new(&MyFramework)
        .regressions(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/wdfreq-regressions"
        ))
        .assert_conforms();
}
