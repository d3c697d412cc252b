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

thread_local! {
    /// How many [`catch_panic`] calls this thread is inside: a panic there becomes an
    /// error of its caller, with no report of its own.
    static CAUGHT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Runs `f`; a panic in it (a bug in sopan, or in a library on a damaged file) comes
/// back as its message instead, and prints nothing.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    CAUGHT.with(|c| c.set(c.get() + 1));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CAUGHT.with(|c| c.set(c.get() - 1));
    outcome.map_err(|payload| panic_message(payload.as_ref()))
}

/// The message a panic was raised with.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// What a clerk reads when sopan meets a bug: one line in Indonesian, no thread, no
/// source path, no hint about backtraces.
pub fn bug_message(what: &str) -> String {
    format!("error: sopan berhenti mendadak ({what}); ini bug sopan, mohon dilaporkan")
}

/// Replaces Rust's panic report ("thread ... panicked at src/...", a backtrace hint) by
/// [`bug_message`], and by nothing inside [`catch_panic`], whose caller reports the
/// error, or on a rayon worker (Typst lays out on them), whose panic goes on to the
/// thread that waits for it. With `RUST_BACKTRACE` set (a developer asking), Rust's own
/// report follows.
pub fn quiet_panics() {
    let developer = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    let rust = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if CAUGHT.with(std::cell::Cell::get) == 0 && rayon::current_thread_index().is_none() {
            eprintln!("{}", bug_message(&panic_message(info.payload())));
        }
        if developer {
            rust(info);
        }
    }));
}

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
