//! `sopan panduan`: the format reference (docs/panduan.md), built into the binary so it
//! works without the internet.

use std::io::Write;

use super::Outcome;

/// The format reference, as shipped in docs/.
const PANDUAN: &str = include_str!("../../docs/panduan.md");

/// `sopan panduan`.
pub fn run(out: &mut dyn Write) -> Outcome {
    // The markers the reference's test reads are not for the reader.
    for line in PANDUAN.lines().filter(|l| !l.starts_with("<!--")) {
        let _ = writeln!(out, "{line}");
    }
    Outcome::Ok
}
