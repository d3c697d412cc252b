//! `sopan skema sop|katalog`: the JSON Schema of an SOP file or of katalog.toml, for
//! editors that check TOML while it is typed (VS Code with "Even Better TOML").

use std::io::Write;

use super::Outcome;
use crate::cli::{SkemaArgs, SkemaJenis};
use sopan::schema;

/// `sopan skema`.
pub fn run(args: &SkemaArgs, out: &mut dyn Write) -> Outcome {
    let schema = match args.jenis {
        SkemaJenis::Sop => schema::sop_schema(),
        SkemaJenis::Katalog => schema::katalog_schema(),
    };
    let text = serde_json::to_string_pretty(&schema).expect("a schema is plain JSON");
    let _ = writeln!(out, "{text}");
    Outcome::Ok
}
