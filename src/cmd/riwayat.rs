//! `sopan riwayat`: the saves made from the preview's form, oldest first.

use std::io::Write;

use super::Outcome;
use crate::cli::RiwayatArgs;
use sopan::editor::riwayat;

/// `sopan riwayat`.
pub fn run(args: &RiwayatArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    // The folder a preview opens: its own `.sopan`, never a parent's.
    let root = args.folder.clone();
    match riwayat::read(&root) {
        Ok(list) if list.is_empty() => {
            let _ = writeln!(out, "Belum ada penyimpanan dari formulir pratinjau.");
            Outcome::Ok
        }
        Ok(list) => {
            for c in list {
                let waktu = c.waktu.replace('T', " ").replace('Z', " UTC");
                let _ = writeln!(
                    out,
                    "{waktu}  {}  {}: {}",
                    c.pengguna, c.berkas, c.ringkasan
                );
            }
            Outcome::Ok
        }
        Err(e) => {
            let _ = writeln!(
                err,
                "error: {}: {}",
                sopan::diag::display_path(&riwayat::path(&root)),
                sopan::io_error_id(&e)
            );
            Outcome::BadInput
        }
    }
}
