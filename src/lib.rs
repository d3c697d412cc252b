//! sopan: SOP Administrasi Pemerintahan (Permenpan-RB 35/2012) from TOML to print-ready PDF.
//!
//! The one road every command takes is [`pipeline`]: [`source`] reads TOML with spans
//! and katalog inheritance, [`validate`] turns it into a [`model::Sop`] (collecting every
//! mistake as a [`diag::Diagnostic`]), [`typeset`] measures the table with Typst, [`flow`]
//! routes the flowchart on the measured rows, and [`typeset`] draws it and exports
//! PDF/A-2b. The command line itself (argument parsing, one file per subcommand) lives
//! in the binary, `src/main.rs`, `src/cli.rs` and `src/cmd/`.

pub mod diag;
pub mod editor;
pub mod flow;
pub mod grid;
pub mod impor;
pub mod katalog;
pub mod model;
pub mod output;
pub mod pengesahan;
pub mod pipeline;
pub mod preview;
pub mod review;
pub mod schema;
pub mod source;
pub mod tanda;
pub mod typeset;
pub mod validate;
pub mod waktu;

/// An I/O error in words a clerk understands.
pub fn io_error_id(err: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    // sopan's own refusals carry their sentence.
    if err.raw_os_error().is_none()
        && let Some(own) = err.get_ref()
    {
        return own.to_string();
    }
    match err.kind() {
        NotFound => "berkas atau folder tidak ditemukan".into(),
        PermissionDenied => "tidak ada izin".into(),
        AlreadyExists => "sudah ada".into(),
        IsADirectory => "itu sebuah folder, bukan berkas".into(),
        StorageFull | QuotaExceeded => "disk penuh".into(),
        ReadOnlyFilesystem => "disk atau folder ini hanya dapat dibaca".into(),
        FileTooLarge => "berkas terlalu besar untuk disk ini".into(),
        _ => err.to_string(),
    }
}
