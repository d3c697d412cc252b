//! Reading SOP files: katalog.toml discovery, TOML parsing with spans, key-by-key inheritance.

pub mod file;
pub mod lenient;
pub mod reader;
pub mod slips;

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Akses, Diagnostic, FileIx, Sources, io_gagal};
use reader::{Table, Val};

/// Name of the catalogue file.
pub const KATALOG: &str = "katalog.toml";

/// Sections a SOP inherits from katalog.toml files above it.
pub const INHERITED: &[&str] = &["instansi", "pengesahan", "kertas", "gaya", "label"];

/// One parsed TOML file.
pub struct Parsed<'a> {
    /// Its index in [`Sources`].
    pub file: FileIx,
    /// The root table.
    pub root: Spanned<DeTable<'a>>,
}

impl<'a> Parsed<'a> {
    /// The root table, key-checked.
    pub fn table(&'a self) -> Table<'a> {
        Table::new(self.file, self.root.get_ref(), self.root.span())
    }
}

/// The katalog.toml files that apply to `sop`, nearest last (so later ones win). The
/// folders above are found from the real location of the file, so `lakip.toml` typed
/// inside a catalogue's sub-folder finds the katalog.toml files above it too. A
/// katalog.toml below the working directory is named relative to it, as typed.
///
/// The walk up stops at the catalogue's top: the nearest katalog.toml with a
/// `[katalog]` table. Without one it stops at a repository's top (a folder holding
/// `.git`) and never goes above the user's home folder, so a katalog.toml planted
/// further up changes nothing.
pub fn katalog_chain(sop: &Path) -> Vec<PathBuf> {
    let Ok(start) = folder(sop.parent()).canonicalize() else {
        return Vec::new();
    };
    let cwd = std::env::current_dir().and_then(|d| d.canonicalize()).ok();
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .and_then(|h| PathBuf::from(h).canonicalize().ok());
    let mut chain: Vec<PathBuf> = Vec::new();
    for dir in start.ancestors() {
        let k = dir.join(KATALOG);
        let mut top = false;
        if std::fs::metadata(&k).is_ok_and(|m| m.is_file()) {
            top = names_the_catalogue(&k);
            chain.push(match cwd.as_deref().and_then(|c| k.strip_prefix(c).ok()) {
                Some(below) => below.to_path_buf(),
                None => k,
            });
        }
        if top || dir.join(".git").exists() || home.as_deref() == Some(dir) {
            break;
        }
    }
    chain.reverse();
    chain
}

/// Whether a katalog.toml has a `[katalog]` table: the top of its catalogue. Read line
/// by line, so a file that does not parse (validation reports it) still counts.
fn names_the_catalogue(katalog: &Path) -> bool {
    file::read_text(katalog, file::SOP_MAKS).is_ok_and(|text| {
        text.lines().any(|l| {
            let l = l.trim_start();
            let header = l
                .strip_prefix("[katalog]")
                .is_some_and(|rest| rest.trim().is_empty() || rest.trim().starts_with('#'));
            // `katalog.judul = ...` and `katalog = { ... }` make the same table.
            let key = l.strip_prefix("katalog").is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.starts_with('.') || rest.starts_with('=')
            });
            header || key
        })
    })
}

/// The folder an SOP may read images from: the outermost catalogue above it, or its own folder.
pub fn catalogue_root(sop: &Path, chain: &[PathBuf]) -> PathBuf {
    let root = catalogue_root_as_named(sop, chain);
    root.canonicalize().unwrap_or(root)
}

/// The catalogue folder of the SOP at `sop`, with its katalog chain found: a file's
/// reads stay inside it ([`file::real_inside`]).
pub fn catalogue_of(sop: &Path) -> PathBuf {
    catalogue_root(sop, &katalog_chain(sop))
}

fn catalogue_root_as_named(sop: &Path, chain: &[PathBuf]) -> PathBuf {
    folder(
        chain
            .first()
            .and_then(|k| k.parent())
            .or_else(|| sop.parent()),
    )
    .to_path_buf()
}

/// A file's folder, `.` for a bare file name.
fn folder(parent: Option<&Path>) -> &Path {
    parent
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Reads a file of the catalogue at `root` into `sources`; a read failure, or a file
/// whose real path leaves the catalogue ([`file::real_inside`]), is a diagnostic that
/// names the file and shows nothing of it.
pub fn read(path: &Path, root: &Path, sources: &mut Sources) -> Result<FileIx, Diagnostic> {
    let data = file::read_inside(path, root, file::SOP_MAKS)
        .map_err(|err| Diagnostic::general(io_gagal(Akses::Baca, path, &err).to_string()))?;
    match file::decode(data) {
        Ok(text) => Ok(sources.add(path, text)),
        Err(not_text) => Err(Diagnostic::general(format!(
            "{}: {not_text}",
            crate::diag::display_path(path)
        ))
        .with_hint(not_text.hint())),
    }
}

/// Parses a registered file, reporting every syntax error in Indonesian: a slip a
/// clerk makes often (Word's curly quotes, `[langkah]` for `[[langkah]]`) is named as
/// such, once, instead of the parser's errors it causes.
pub fn parse<'a>(
    sources: &'a Sources,
    file: FileIx,
    errors: &mut Vec<Diagnostic>,
) -> Option<Parsed<'a>> {
    let text = sources.text(file);
    let (root, syntax) = DeTable::parse_recoverable(text);
    let singles = slips::single_brackets(text);
    for (span, name) in &singles {
        errors.push(
            Diagnostic::error(
                file,
                span.clone(),
                format!("[{name}] ditulis dengan kurung siku tunggal"),
            )
            .with_label(format!("tulis [[{name}]]"))
            .with_hint(format!(
                "setiap langkah diawali [[{name}]] dengan kurung siku ganda; \
                 [{name}] dengan kurung tunggal membuat satu bagian saja"
            )),
        );
    }
    if syntax.is_empty() && singles.is_empty() {
        return Some(Parsed { file, root });
    }
    let mut explained: Vec<Range<usize>> = Vec::new();
    for err in syntax {
        let span = err.span().unwrap_or(0..0);
        let message = err.message().trim().to_string();
        // Every later `[[langkah]]` repeats a key the single-bracket one made.
        if !singles.is_empty() && message.contains("duplicate") {
            continue;
        }
        let slip = slips::explain(text, span, &message);
        // One slip often makes the parser stumble twice on the same line.
        if explained.contains(&slip.span) {
            continue;
        }
        explained.push(slip.span.clone());
        errors.push(
            Diagnostic::error(file, slip.span, slip.message)
                .with_label(slip.label)
                .with_hint(slip.hint),
        );
    }
    None
}

/// An inherited section merged key by key over the katalog chain and the SOP itself.
pub struct Merged<'a> {
    layers: Vec<Table<'a>>,
}

impl<'a> Merged<'a> {
    /// Merges the tables named `section` from the files in `layers` (outermost first).
    pub fn new(section: &str, layers: &[Table<'a>], errors: &mut Vec<Diagnostic>) -> Self {
        let layers = layers
            .iter()
            .filter_map(|root| root.get(section).and_then(|v| v.table(errors)))
            .collect();
        Self { layers }
    }

    /// The nearest value of `key`.
    pub fn get(&self, key: &str) -> Option<Val<'a>> {
        self.layers.iter().rev().find_map(|t| t.get(key))
    }

    /// Checks every layer for keys the section does not know.
    pub fn deny_unknown(&self, allowed: &[&str], context: &str, errors: &mut Vec<Diagnostic>) {
        for layer in &self.layers {
            layer.deny_unknown(allowed, context, errors);
        }
    }

    /// All keys set anywhere, nearest value for each.
    pub fn keys(&self) -> Vec<(&'a str, Val<'a>)> {
        let mut out: Vec<(&'a str, Val<'a>)> = Vec::new();
        for layer in &self.layers {
            for (key, _, val) in layer.entries() {
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = val,
                    None => out.push((key, val)),
                }
            }
        }
        out
    }
}

/// Calls `f` on every string value in a table, recursively, with its file and span.
pub fn each_string<'a>(
    file: FileIx,
    value: &'a Spanned<DeValue<'a>>,
    f: &mut impl FnMut(Val<'a>, &str),
) {
    match value.get_ref() {
        DeValue::String(s) => f(Val { file, value }, s),
        DeValue::Array(items) => items.iter().for_each(|v| each_string(file, v, f)),
        DeValue::Table(t) => t.iter().for_each(|(_, v)| each_string(file, v, f)),
        _ => {}
    }
}

/// Every SOP file below a folder (every `*.toml` except katalog.toml), sorted by path.
/// Symbolic links to folders are not followed; links to files are kept.
pub fn sop_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            // Names that are not UTF-8 are compared by their bytes, so such an SOP is
            // rendered like any other instead of being passed over.
            let name = entry.file_name();
            let name = name.as_encoded_bytes();
            if name.starts_with(b".") || name == b"templates" {
                continue;
            }
            // A symbolic link to a folder is not followed: `loop -> .` would never end.
            // A link to a file counts as that file.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if name.ends_with(b".toml")
                && name != KATALOG.as_bytes()
                && (kind.is_file() || path.is_file())
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `[katalog]` section of a catalogue's katalog.toml: what the cover and the preview show.
#[derive(Debug, Default)]
pub struct KatalogInfo {
    /// `judul`.
    pub judul: String,
    /// `tahun`, as printed.
    pub tahun: String,
    /// `alamat`.
    pub alamat: String,
    /// `urutan`: book order, paths relative to the catalogue folder.
    pub urutan: Vec<String>,
    /// `alamat_verifikasi`: the base address the QR code of a signed sheet points under.
    pub alamat_verifikasi: String,
}

/// Reads the `[katalog]` section of `dir/katalog.toml` leniently (validation reports
/// its mistakes); missing parts are empty.
pub fn katalog_info(dir: &Path) -> KatalogInfo {
    let Some(k) = lenient::table(&dir.join(KATALOG))
        .and_then(|mut t| t.remove("katalog"))
        .and_then(|k| match k {
            toml::Value::Table(k) => Some(k),
            _ => None,
        })
    else {
        return KatalogInfo::default();
    };
    let text = |key: &str| match k.get(key) {
        Some(toml::Value::String(s)) => s.clone(),
        Some(toml::Value::Integer(n)) => n.to_string(),
        _ => String::new(),
    };
    let urutan = k
        .get("urutan")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    KatalogInfo {
        judul: text("judul"),
        tahun: text("tahun"),
        alamat: text("alamat"),
        urutan,
        alamat_verifikasi: text("alamat_verifikasi"),
    }
}
