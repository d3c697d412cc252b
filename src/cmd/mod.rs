//! One file per subcommand, each thin over the library: it turns its arguments into
//! plain values, calls [`sopan::pipeline`] or a catalogue function, and prints.

pub mod book;
pub mod build;
pub mod check;
pub mod daftar;
pub mod impor;
pub mod init;
pub mod panduan;
pub mod pengguna;
pub mod preview;
pub mod render;
pub mod riwayat;
pub mod sahkan;
pub mod skema;
pub mod verifikasi;

use std::io::Write;
use std::path::Path;

use sopan::diag::display_path;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything worked.
    Ok,
    /// Some input had errors (exit code 1).
    BadInput,
    /// The command was used wrongly (exit code 2).
    BadUsage,
}

/// Refuses a catalogue folder that is not there (`build`, `daftar`), with a hint.
fn folder_katalog(dir: &Path, err: &mut dyn Write) -> Result<(), Outcome> {
    if dir.is_dir() {
        return Ok(());
    }
    let _ = writeln!(
        err,
        "error: folder {} tidak ditemukan\n  = hint: tulis jalur folder katalog, yaitu folder yang \
         berisi katalog.toml; katalog baru dibuat dengan `sopan init NAMA-FOLDER`",
        display_path(dir)
    );
    Err(Outcome::BadUsage)
}
