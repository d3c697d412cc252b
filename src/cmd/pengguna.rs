//! `sopan pengguna`: editor accounts of a catalogue and their roles, for a preview on an
//! office server.

use std::io::{BufRead, IsTerminal, Write};

use super::Outcome;
use crate::cli::{PenggunaArgs, PenggunaPerintah};
use sopan::editor::akun::{self, Akun, Peran};

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
    // Roles are read before anything is asked, so a slip fails at once.
    let peran = match args.peran.as_deref().map(akun::baca_peran).transpose() {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Outcome::BadUsage;
        }
    };
    let result = match args.perintah {
        PenggunaPerintah::Daftar => {
            daftar(&akun, out);
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
        PenggunaPerintah::Peran => match &peran {
            Some(p) => akun.set_peran(nama, p),
            None => {
                let _ = writeln!(
                    err,
                    "error: sebutkan perannya, misalnya: sopan pengguna peran {nama} --peran pemeriksa,pengesah"
                );
                return Outcome::BadUsage;
            }
        },
        PenggunaPerintah::Tambah => match password(err) {
            Some(p) => {
                // A new password keeps the roles the account had; a new account without
                // --peran is a penyusun.
                let kept = akun.peran_tertulis(nama);
                akun.set(nama, &p).and_then(|()| {
                    let roles = peran
                        .clone()
                        .or(kept)
                        .unwrap_or_else(|| vec![Peran::Penyusun]);
                    akun.set_peran(nama, &roles)
                })
            }
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
            let file = sopan::diag::display_path(&akun::path(&root));
            let _ = match args.perintah {
                PenggunaPerintah::Hapus => writeln!(out, "Akun \"{nama}\" dihapus di {file}."),
                _ => writeln!(
                    out,
                    "Akun \"{nama}\" disimpan di {file}, dengan peran: {}.",
                    akun::tulis_peran(&akun.peran(nama))
                ),
            };
            Outcome::Ok
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            Outcome::BadInput
        }
    }
}

/// Every account with its roles, one a line.
fn daftar(akun: &Akun, out: &mut dyn Write) {
    let names = akun.names();
    if names.is_empty() {
        let _ = writeln!(
            out,
            "Belum ada akun. Tambahkan dengan: sopan pengguna tambah NAMA --peran penyusun"
        );
    }
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    for n in names {
        let peran = akun::tulis_peran(&akun.peran(&n));
        let lama = if akun.peran_tertulis(&n).is_none() {
            " (akun lama tanpa peran: dipakai sebagai penyusun)"
        } else {
            ""
        };
        let _ = writeln!(out, "{n:width$}  {peran}{lama}");
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
