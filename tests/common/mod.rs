//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sopan::diag::Sources;
use sopan::model::Sop;
use sopan::typeset::{Rendered, fonts};

/// Repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every SOP file of the examples, sorted.
pub fn examples() -> Vec<PathBuf> {
    sopan::source::sop_files(&root().join("examples")).expect("examples folder")
}

/// Loads an SOP, panicking with the rendered diagnostics if it has errors.
pub fn load(path: &Path) -> Sop {
    let mut sources = Sources::default();
    let loaded = sopan::validate::load(path, &mut sources, &fonts::covers);
    match loaded.sop {
        Some(sop) => sop,
        None => panic!(
            "{}:\n{}",
            path.display(),
            sopan::diag::render(&sources, &loaded.diags)
        ),
    }
}

/// Runs `f` on a thread with a large stack (Typst's layout recursion is deep in debug builds).
pub fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("render thread")
}

/// Renders an SOP to PDF bytes.
pub fn render(path: &Path) -> (Sop, Vec<u8>, Rendered) {
    let path = path.to_path_buf();
    big_stack(move || {
        let sop = load(&path);
        let (pdf, rendered) = sopan::commands::render_sop(&sop).expect("render");
        (sop, pdf, rendered)
    })
}

/// Text with all white space removed, for comparing wrapped text.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Copies a folder tree, leaving out rendered PDFs, for tests that write into a catalogue.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else if path.extension().is_none_or(|e| e != "pdf") {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}
