//! `sopan init`: a new catalogue that renders at once.

use std::io::Write;

use super::Outcome;
use crate::cli::InitArgs;
use sopan::diag::display_path;
use sopan::katalog::init;

/// `sopan init`.
pub fn run(args: &InitArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    match init::init(&args.dir) {
        Ok(files) => {
            for f in &files {
                let _ = writeln!(out, "dibuat: {}", display_path(f));
            }
            let dir = display_path(&args.dir);
            let _ = writeln!(
                out,
                "katalog siap. Ubah katalog.toml dan contoh SOP, lalu jalankan: sopan build {dir}"
            );
            Outcome::Ok
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            Outcome::BadInput
        }
    }
}
