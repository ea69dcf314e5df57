//! `my-framework hunt`, `my-framework replay FILE`, ...: wdfreq's command
//! line, driving this crate's implementation.

fn main() -> std::process::ExitCode {
    wdfreq::cli::main_for(wdfreq_example_implementation::MyFramework)
}
