//! `sopan daftar`: the register of a catalogue as a table or CSV.

use std::io::Write;

use super::Outcome;
use crate::cli::DaftarArgs;
use sopan::diag::{Akses, io_gagal};
use sopan::katalog::daftar;
use sopan::pipeline::Settings;

/// `sopan daftar`.
pub fn run(
    args: &DaftarArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Outcome {
    if let Err(outcome) = super::folder_katalog(&args.dir, err) {
        return outcome;
    }
    let daftar = match daftar::kumpulkan(&args.dir, settings, err) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(err, "error: {}", io_gagal(Akses::BacaFolder, &args.dir, &e));
            return Outcome::BadInput;
        }
    };
    for w in &daftar.peringatan {
        let _ = writeln!(err, "warning: {w}");
    }
    let text = if args.csv || args.excel {
        daftar.csv(args.excel)
    } else {
        daftar.tabel()
    };
    let _ = out.write_all(text.as_bytes());
    let _ = writeln!(
        err,
        "{} SOP terdaftar, {} gagal dimuat, {} peringatan",
        daftar.baris.len(),
        daftar.gagal.len(),
        daftar.peringatan.len()
    );
    if daftar.gagal.is_empty() {
        Outcome::Ok
    } else {
        Outcome::BadInput
    }
}
