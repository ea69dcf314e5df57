//! The workloads the benches share: the hunt's sequences and three traces.
//! (A module of each bench that names it, not a bench of its own.)

#![allow(dead_code)]

use wdfreq::harness::{CaseConfig, Seed, generated_steps};
use wdfreq::vocab::Step;

/// The sequences a hunt with the default settings runs for seeds
/// `0..cases`, as it draws them.
pub fn hunt_sequences(cases: u64) -> Vec<Vec<Step>> {
    let config = CaseConfig::default();
    (0..cases)
        .map(|seed| generated_steps(Seed(seed), &config))
        .collect()
}

const REQUESTS: usize = 8;

/// A continuous reader over `REQUESTS` requests, about `events` events.
pub fn trace(events: usize) -> String {
    let mut text = String::with_capacity(events * 80);
    for r in 0..REQUESTS {
        text.push_str(&format!("{{\"op\":\"create\",\"req\":\"r{r}\"}}\n"));
    }
    let rounds = events / (6 * REQUESTS);
    for round in 0..rounds {
        for r in 0..REQUESTS {
            let information = (round * 7 + r) % 4096;
            text.push_str(&format!(
                "{{\"op\":\"reuse\",\"req\":\"r{r}\",\"status\":0}}\n\
                 {{\"op\":\"format\",\"req\":\"r{r}\",\"kind\":\"read\"}}\n\
                 {{\"op\":\"set_completion\",\"req\":\"r{r}\",\"callback\":\"OnRead\",\"context\":\"c{r}\"}}\n\
                 {{\"op\":\"send\",\"req\":\"r{r}\",\"target\":\"pipe\"}}\n\
                 {{\"op\":\"target_complete\",\"req\":\"r{r}\",\"status\":0,\"information\":{information}}}\n\
                 {{\"op\":\"callback\",\"req\":\"r{r}\",\"callback\":\"OnRead\",\"context\":\"c{r}\",\"status\":0,\"information\":{information}}}\n"
            ));
        }
    }
    text
}

/// Queue-presented requests with fresh names, about `events` events.
pub fn fresh_names(events: usize) -> String {
    let mut text = String::with_capacity(events * 90);
    for r in 0..events / 7 {
        let information = r % 4096;
        text.push_str(&format!(
            "{{\"op\":\"receive\",\"req\":\"q{r}\"}}\n\
             {{\"op\":\"format\",\"req\":\"q{r}\",\"kind\":\"read\"}}\n\
             {{\"op\":\"set_completion\",\"req\":\"q{r}\",\"callback\":\"OnRead\",\"context\":\"rd\"}}\n\
             {{\"op\":\"send\",\"req\":\"q{r}\",\"target\":\"pipe\"}}\n\
             {{\"op\":\"target_complete\",\"req\":\"q{r}\",\"status\":0,\"information\":{information}}}\n\
             {{\"op\":\"callback\",\"req\":\"q{r}\",\"callback\":\"OnRead\",\"context\":\"rd\",\"status\":0,\"information\":{information}}}\n\
             {{\"op\":\"complete\",\"req\":\"q{r}\",\"status\":0}}\n"
        ));
    }
    text
}

/// Queue-presented requests with fresh names, each registering a context
/// of its own (`0xffffa0012345`, ..., as a recorder logging the context
/// pointer writes it), about `events` events.
pub fn fresh_contexts(events: usize) -> String {
    let mut text = String::with_capacity(events * 110);
    for r in 0..events / 7 {
        let information = r % 4096;
        let context = format!("0xffffa{:07x}", 0x0012345 + r);
        text.push_str(&format!(
            "{{\"op\":\"receive\",\"req\":\"q{r}\"}}\n\
             {{\"op\":\"format\",\"req\":\"q{r}\",\"kind\":\"read\"}}\n\
             {{\"op\":\"set_completion\",\"req\":\"q{r}\",\"callback\":\"OnRead\",\"context\":\"{context}\"}}\n\
             {{\"op\":\"send\",\"req\":\"q{r}\",\"target\":\"pipe\"}}\n\
             {{\"op\":\"target_complete\",\"req\":\"q{r}\",\"status\":0,\"information\":{information}}}\n\
             {{\"op\":\"callback\",\"req\":\"q{r}\",\"callback\":\"OnRead\",\"context\":\"{context}\",\"status\":0,\"information\":{information}}}\n\
             {{\"op\":\"complete\",\"req\":\"q{r}\",\"status\":0}}\n"
        ));
    }
    text
}
