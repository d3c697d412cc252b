//! `sopan init`: a new catalogue that renders at once — a commented katalog.toml, one
//! commented example SOP in a chapter folder, a placeholder logo, and the JSON Schemas
//! an editor (VS Code with "Even Better TOML") uses to help while the files are typed.

use std::path::{Path, PathBuf};

use crate::diag::{Akses, display_path, io_gagal};
use crate::output::write_atomic;

/// The files `init` writes: path inside the new catalogue, content. The first line of
/// katalog.toml and of the example SOP names its schema (`#:schema`), and `.taplo.toml`
/// gives every SOP file the editor opens the same help.
pub fn berkas() -> Vec<(&'static str, String)> {
    let json = |schema: serde_json::Value| {
        serde_json::to_string_pretty(&schema).expect("a schema is plain JSON") + "\n"
    };
    vec![
        (
            "katalog.toml",
            format!(
                "#:schema ./skema/katalog.json\n{}",
                include_str!("init/katalog.toml")
            ),
        ),
        ("logo.svg", include_str!("init/logo.svg").to_string()),
        (
            "umum/katalog.toml",
            format!(
                "#:schema ../skema/katalog.json\n{}",
                include_str!("init/katalog-bab.toml")
            ),
        ),
        (CONTOH, super::contoh()),
        ("skema/sop.json", json(crate::schema::sop_schema())),
        ("skema/katalog.json", json(crate::schema::katalog_schema())),
        (".taplo.toml", include_str!("init/taplo.toml").to_string()),
    ]
}

/// Where `init` puts its example SOP, below the new catalogue.
pub const CONTOH: &str = "umum/contoh-sop.toml";

/// Why `init` wrote nothing or stopped.
#[derive(Debug)]
pub enum InitError {
    /// These files already exist; nothing was written.
    SudahAda(Vec<PathBuf>),
    /// A folder or file could not be written.
    Tulis(PathBuf, std::io::Error),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::SudahAda(files) => {
                let names: Vec<String> = files.iter().map(|p| display_path(p)).collect();
                write!(
                    f,
                    "berkas sudah ada, tidak ditimpa: {}; pilih folder lain atau pindahkan berkas itu dulu",
                    names.join(", ")
                )
            }
            InitError::Tulis(path, e) => write!(f, "{}", io_gagal(Akses::Tulis, path, e)),
        }
    }
}

/// Creates the starter catalogue in `dir` (created if missing) and returns the files
/// written; refuses, writing nothing, if any of them exists.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    let files = berkas();
    let targets: Vec<PathBuf> = files.iter().map(|(name, _)| dir.join(name)).collect();
    let existing: Vec<PathBuf> = targets.iter().filter(|p| p.exists()).cloned().collect();
    if !existing.is_empty() {
        return Err(InitError::SudahAda(existing));
    }
    for (target, (_, text)) in targets.iter().zip(&files) {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| InitError::Tulis(parent.to_path_buf(), e))?;
        }
        write_atomic(target, text.as_bytes()).map_err(|e| InitError::Tulis(target.clone(), e))?;
    }
    Ok(targets)
}
