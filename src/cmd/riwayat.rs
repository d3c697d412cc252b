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
            // Written by hand or by an older sopan, a line may hold anything: nothing
            // reaches the terminal raw.
            for c in list {
                let waktu = riwayat::aman(&c.waktu.replace('T', " ").replace('Z', " UTC"));
                let _ = writeln!(
                    out,
                    "{waktu}  {}  {}: {}",
                    riwayat::aman(&c.pengguna),
                    riwayat::aman(&c.berkas),
                    riwayat::aman(&c.ringkasan)
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
