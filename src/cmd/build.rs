//! `sopan build`: every SOP of a catalogue to PDF, in parallel, skipping what did not change.

use std::io::{IsTerminal, Write};

use super::Outcome;
use crate::cli::BuildArgs;
use sopan::katalog::build::{self, BuildOptions, DEFAULT_OUT};
use sopan::pipeline::Settings;

/// `sopan build`.
pub fn run(
    args: &BuildArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Outcome {
    if let Err(outcome) = super::folder_katalog(&args.dir, err) {
        return outcome;
    }
    let options = BuildOptions {
        dir: args.dir.clone(),
        out: args
            .output
            .clone()
            .unwrap_or_else(|| args.dir.join(DEFAULT_OUT)),
        jobs: args.jobs.get(),
        force: args.force,
        shard: args.shard,
        progress: std::io::stderr().is_terminal(),
        settings: settings.clone(),
    };
    match build::build(&options, err) {
        Ok(summary) => {
            let _ = writeln!(out, "{}", summary.line());
            if summary.failed > 0 {
                Outcome::BadInput
            } else {
                Outcome::Ok
            }
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            Outcome::BadInput
        }
    }
}
