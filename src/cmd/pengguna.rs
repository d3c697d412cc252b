//! `sopan pengguna`: editor accounts of a catalogue, for a preview on an office server.

use std::io::{BufRead, IsTerminal, Write};

use super::Outcome;
use crate::cli::{PenggunaArgs, PenggunaPerintah};
use sopan::editor::akun::Akun;

/// `sopan pengguna`.
pub fn run(args: &PenggunaArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    // The folder a preview opens: its own `.sopan`, never a parent's.
    let root = args.katalog.clone();
    let mut akun = match Akun::open(&root) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Outcome::BadInput;
        }
    };
    let nama = args.nama.as_deref().unwrap_or("");
    let result = match args.perintah {
        PenggunaPerintah::Daftar => {
            let names = akun.names();
            if names.is_empty() {
                let _ = writeln!(
                    out,
                    "Belum ada akun. Tambahkan dengan: sopan pengguna tambah NAMA"
                );
            }
            for n in names {
                let _ = writeln!(out, "{n}");
            }
            return Outcome::Ok;
        }
        _ if nama.is_empty() => {
            let _ = writeln!(
                err,
                "error: sebutkan nama pengguna, misalnya: sopan pengguna tambah sari"
            );
            return Outcome::BadUsage;
        }
        PenggunaPerintah::Hapus => akun.remove(nama),
        PenggunaPerintah::Tambah => match password(err) {
            Some(p) => akun.set(nama, &p),
            None => {
                let _ = writeln!(
                    err,
                    "error: kata sandi tidak sama atau tidak terbaca; akun tidak diubah"
                );
                return Outcome::BadInput;
            }
        },
    };
    match result.and_then(|()| akun.save()) {
        Ok(()) => {
            let done = match args.perintah {
                PenggunaPerintah::Hapus => "dihapus",
                _ => "disimpan",
            };
            let _ = writeln!(
                out,
                "Akun \"{nama}\" {done} di {}.",
                sopan::diag::display_path(&sopan::editor::akun::path(&root))
            );
            Outcome::Ok
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            Outcome::BadInput
        }
    }
}

/// The new password: typed twice, unseen, at a terminal; one line from standard input
/// otherwise (for scripts).
fn password(err: &mut dyn Write) -> Option<String> {
    if std::io::stdin().is_terminal() {
        let _ = err.flush();
        let first = rpassword::prompt_password("Kata sandi baru: ").ok()?;
        let again = rpassword::prompt_password("Ulangi kata sandi: ").ok()?;
        return (first == again).then_some(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    let line = line.trim_end_matches(['\r', '\n']).to_string();
    (!line.is_empty()).then_some(line)
}
