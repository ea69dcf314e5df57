//! The README's command samples, its ```` ```console ```` blocks, are run
//! as written against the built `wdfreq` and must print what they show
//! (standard output and standard error together) and exit as they say
//! (`? N`), so that no sample goes stale. `[..]` in a sample matches what
//! varies from run to run; a line `...` matches any lines.

#[test]
fn every_readme_console_sample_prints_what_it_shows() {
    trycmd::TestCases::new().case("README.md");
}
