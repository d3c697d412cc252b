//! `sopan riwayat`: the saves and approval moves made from the preview, oldest first;
//! with `--periksa`, whether the history's chain is whole.

use std::io::Write;

use super::Outcome;
use crate::cli::RiwayatArgs;
use sopan::editor::{kata, riwayat};

/// `sopan riwayat`.
pub fn run(args: &RiwayatArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    // The folder a preview opens: its own `.sopan`, never a parent's.
    let root = args.folder.clone();
    if args.periksa {
        return periksa(&root, out, err);
    }
    match riwayat::read(&root) {
        Ok(list) if list.is_empty() => {
            let _ = writeln!(out, "Belum ada penyimpanan dari formulir pratinjau.");
            Outcome::Ok
        }
        Ok(list) => {
            // Written by hand or by an older sopan, a line may hold anything: nothing
            // reaches the terminal raw.
            for c in list {
                let waktu = riwayat::aman(&riwayat::waktu_lokal(&c.waktu));
                let _ = writeln!(
                    out,
                    "{waktu}  {}  {}: {}",
                    riwayat::aman(&c.pengguna),
                    riwayat::aman(&c.berkas),
                    riwayat::aman(&c.ringkasan)
                );
                for k in &c.koreksi {
                    let bidang = kata::nama_bidang(&k.jalur);
                    let bidang = if k.jalur.is_empty() {
                        "umum".to_string()
                    } else if bidang.is_empty() {
                        riwayat::aman(&k.jalur)
                    } else {
                        bidang
                    };
                    let _ = writeln!(out, "    catatan ({bidang}): {}", riwayat::aman(&k.teks));
                }
            }
            Outcome::Ok
        }
        Err(e) => io_error(&root, &e, err),
    }
}

/// `sopan riwayat --periksa`: exit 0 when the chain is whole, 1 when it is broken.
fn periksa(root: &std::path::Path, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let found = match riwayat::periksa_folder(root) {
        Ok(f) => f,
        Err(e) => return io_error(root, &e, err),
    };
    let file = sopan::diag::display_path(&riwayat::path(root));
    if found.baris == 0 && found.utuh() {
        let _ = writeln!(out, "{file}: belum ada riwayat.");
        return Outcome::Ok;
    }
    if found.tanpa_rantai > 0 {
        let _ = writeln!(
            out,
            "{file}: baris 1 sampai {} ditulis sebelum riwayat berantai (sopan versi lama); \
             baris itu dapat dibaca tetapi tidak dapat dibuktikan utuh.",
            found.tanpa_rantai
        );
    }
    if found.utuh() {
        let _ = writeln!(
            out,
            "{file}: rantai riwayat utuh ({} baris{}).",
            found.baris,
            if found.tanpa_rantai > 0 {
                format!(
                    ", {} di antaranya berantai",
                    found.baris - found.tanpa_rantai
                )
            } else {
                String::new()
            }
        );
        return Outcome::Ok;
    }
    for p in &found.putus {
        let _ = writeln!(err, "error: {file}:{}: {}", p.baris, p.apa);
    }
    let _ = writeln!(
        err,
        "  = hint: riwayat diubah di luar sopan; bandingkan dengan cadangan folder .sopan \
         untuk mengetahui isi aslinya"
    );
    Outcome::BadInput
}

fn io_error(root: &std::path::Path, e: &std::io::Error, err: &mut dyn Write) -> Outcome {
    let _ = writeln!(
        err,
        "error: {}: {}",
        sopan::diag::display_path(&riwayat::path(root)),
        sopan::io_error_id(e)
    );
    Outcome::BadInput
}
