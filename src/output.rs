//! Where rendered SOPs go: files written whole or not at all, the pages chosen with
//! `--pages`, and the names of page images.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The folder `sopan build` writes a catalogue's PDFs into, below the catalogue,
/// unless told otherwise (`-o`).
pub const BUILD_OUT: &str = "pdf";

/// Writes `data` to `path` atomically: a temporary file beside it, then a rename, so a
/// reader never sees half a file and a failed write leaves the old file as it was.
///
/// The temporary file gets an unpredictable name and is created exclusively
/// (`O_EXCL`): a file or symbolic link planted under that name is never written through.
pub fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("keluaran");
    let (tmp, mut file) = create_temporary(dir, name)?;
    let result = file
        .write_all(data)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Checks that no folder from `base` down to `dir` (`base` excluded) is a link: a
/// catalogue received from elsewhere may hold `pdf -> /somewhere`, and `sopan build`
/// must not write through it. The message says which folder, in Indonesian.
pub fn tanpa_tautan(base: &Path, dir: &Path) -> Result<(), String> {
    let Ok(rest) = dir.strip_prefix(base) else {
        return Ok(());
    };
    let mut at = base.to_path_buf();
    for part in rest.components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "{}: folder keluaran ini adalah tautan (symlink); sopan tidak menulis lewat \
                 tautan di dalam katalog\nhint: hapus tautan itu, atau tulis ke folder lain \
                 dengan --out",
                crate::diag::display_path(&at)
            ));
        }
    }
    Ok(())
}

/// Writes `data` to a new file at `path`, never over an existing one (the error's kind
/// is then `AlreadyExists`); a failed write leaves no half file.
pub fn write_new(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let result = file.write_all(data);
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

/// The name of a temporary file written for `name`: `.NAME.sopan-RANDOM.tmp`, one
/// pattern for everything sopan writes whole ([`is_temporary`]), so a file a crash
/// left behind can be found and removed.
pub fn temporary_name(name: &str) -> String {
    use std::hash::{BuildHasher, RandomState};
    // std seeds every RandomState from the operating system's random source.
    let random = RandomState::new().hash_one(std::process::id());
    format!(".{name}.sopan-{random:016x}.tmp")
}

/// Whether `name` is a temporary file of [`temporary_name`] (or of sopan before it
/// had one pattern: `.NAME.RANDOM.tmp`).
pub fn is_temporary(name: &str) -> bool {
    let Some(rest) = name.strip_suffix(".tmp") else {
        return false;
    };
    let Some((head, random)) = rest.rsplit_once('.') else {
        return false;
    };
    let random = random.strip_prefix("sopan-").unwrap_or(random);
    name.starts_with('.')
        && head.len() > 1
        && random.len() == 16
        && random.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A new file [`temporary_name`] in `dir`, created only if nothing has that name yet.
fn create_temporary(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut last = None;
    for _ in 0u32..16 {
        let tmp = dir.join(temporary_name(name));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// An output path that names one of the SOP's own files.
#[derive(Debug, PartialEq)]
pub struct OverwritesInput {
    /// The output asked for.
    pub target: PathBuf,
    /// The input it would replace.
    pub input: PathBuf,
}

impl std::fmt::Display for OverwritesInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} adalah berkas masukan ({}), sopan tidak menimpanya\n  = hint: pilih nama lain \
             untuk hasilnya, misalnya dengan akhiran .pdf",
            crate::diag::display_path(&self.target),
            crate::diag::display_path(&self.input)
        )
    }
}

/// An output file whose name does not end as its format does: `-o lakip.toml` would
/// put a PDF where an SOP belongs.
#[derive(Debug, PartialEq)]
pub struct WrongExtension {
    /// The output asked for.
    pub target: PathBuf,
    /// The extension it needs, without the dot.
    pub ext: &'static str,
}

impl std::fmt::Display for WrongExtension {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: nama berkas hasil harus berakhiran .{}\n  = hint: misalnya -o {}",
            crate::diag::display_path(&self.target),
            self.ext,
            crate::diag::display_path(&self.target.with_extension(self.ext))
        )
    }
}

/// Why an output path is refused.
#[derive(Debug, PartialEq)]
pub enum Refused {
    /// It does not end as its format does.
    Extension(WrongExtension),
    /// It is one of the SOP's own files.
    Input(OverwritesInput),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Extension(e) => e.fmt(f),
            Refused::Input(e) => e.fmt(f),
        }
    }
}

/// Refuses an output `target` that does not end in `.ext` or that would overwrite one
/// of `inputs`.
pub fn refuse(target: &Path, ext: &'static str, inputs: &[PathBuf]) -> Result<(), Refused> {
    refuse_extension(target, ext).map_err(Refused::Extension)?;
    refuse_input(target, inputs).map_err(Refused::Input)
}

/// Refuses an output file named with another extension than `ext` (any case).
fn refuse_extension(target: &Path, ext: &'static str) -> Result<(), WrongExtension> {
    let own = target.extension().and_then(|e| e.to_str());
    if own.is_some_and(|e| e.eq_ignore_ascii_case(ext)) {
        Ok(())
    } else {
        Err(WrongExtension {
            target: target.to_path_buf(),
            ext,
        })
    }
}

/// Refuses `target` when writing it would overwrite one of `inputs`: the same file on
/// disk, whatever the spelling of the two paths.
fn refuse_input(target: &Path, inputs: &[PathBuf]) -> Result<(), OverwritesInput> {
    let Ok(canonical) = std::fs::canonicalize(target) else {
        return Ok(());
    };
    match inputs
        .iter()
        .find(|i| std::fs::canonicalize(i).is_ok_and(|c| c == canonical))
    {
        Some(input) => Err(OverwritesInput {
            target: target.to_path_buf(),
            input: input.clone(),
        }),
        None => Ok(()),
    }
}

/// A page selection as typed after `--pages`: `2`, `2-3`, `2-`, `-3`, `1,3-4`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSelection {
    /// Inclusive 1-based ranges; `None` on the right means "to the last page".
    ranges: Vec<(usize, Option<usize>)>,
}

impl PageSelection {
    /// Parses the `--pages` text; the error is an Indonesian sentence for the clerk.
    pub fn parse(text: &str) -> Result<Self, String> {
        let contoh = "tulis misalnya 2, 2-3, 3- atau 1,3-4";
        if text.trim().is_empty() {
            return Err(format!("daftar halaman kosong; {contoh}"));
        }
        let mut ranges = Vec::new();
        for part in text.split(',').map(str::trim) {
            let number = |s: &str| -> Result<usize, String> {
                let s = s.trim();
                match s.parse::<usize>() {
                    Ok(0) => Err("nomor halaman dimulai dari 1".to_string()),
                    Ok(n) => Ok(n),
                    Err(_) => Err(format!("\"{s}\" bukan nomor halaman; {contoh}")),
                }
            };
            if part.is_empty() {
                return Err(format!("ada bagian kosong di antara koma; {contoh}"));
            }
            let range = match part.split_once('-') {
                None => {
                    let n = number(part)?;
                    (n, Some(n))
                }
                Some((a, b)) => {
                    let first = if a.trim().is_empty() { 1 } else { number(a)? };
                    let last = if b.trim().is_empty() {
                        None
                    } else {
                        Some(number(b)?)
                    };
                    if a.trim().is_empty() && last.is_none() {
                        return Err(format!("\"{part}\" bukan rentang halaman; {contoh}"));
                    }
                    if let Some(l) = last
                        && l < first
                    {
                        return Err(format!(
                            "rentang {first}-{l} terbalik; maksudnya {l}-{first}?"
                        ));
                    }
                    (first, last)
                }
            };
            ranges.push(range);
        }
        Ok(Self { ranges })
    }

    /// The selected 1-based page numbers of a document with `count` pages, sorted, each once.
    pub fn resolve(&self, count: usize) -> Result<Vec<usize>, String> {
        let mut pages = Vec::new();
        for &(first, last) in &self.ranges {
            let wanted = last.unwrap_or(count).max(first);
            if wanted > count {
                return Err(format!(
                    "halaman {wanted} tidak ada; SOP ini hanya {count} halaman"
                ));
            }
            pages.extend(first..=wanted);
        }
        pages.sort_unstable();
        pages.dedup();
        Ok(pages)
    }
}

impl FromStr for PageSelection {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text)
    }
}

/// Whether `-o` names a folder: an existing one, or a path typed with a trailing slash.
pub fn is_folder(output: &Path) -> bool {
    let text = output.to_string_lossy();
    output.is_dir() || text.ends_with('/') || text.ends_with('\\')
}

/// Where the image of page `page` goes.
///
/// - no `-o`: beside the SOP, `lakip-2.png`;
/// - `-o` a folder: `folder/lakip-2.png`;
/// - `-o` with `{n}` in it: `{n}` becomes the page number (`hal-{n}.png` -> `hal-2.png`);
/// - `-o` a file name and one page: exactly that name;
/// - `-o` a file name and several pages: the page number before the extension (`gambar-2.png`).
pub fn image_path(
    sop: &Path,
    output: Option<&Path>,
    ext: &str,
    page: usize,
    several: bool,
) -> PathBuf {
    let stem = sop
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sop".into());
    match output {
        None => sop.with_file_name(format!("{stem}-{page}.{ext}")),
        Some(o) if is_folder(o) => o.join(format!("{stem}-{page}.{ext}")),
        Some(o) if o.to_string_lossy().contains("{n}") => {
            PathBuf::from(o.to_string_lossy().replace("{n}", &page.to_string()))
        }
        Some(o) if !several => o.to_path_buf(),
        Some(o) => {
            let own_stem = o
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or(stem);
            let own_ext = o
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_else(|| ext.to_string());
            o.with_file_name(format!("{own_stem}-{page}.{own_ext}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_leave_no_temporary_and_spot_inputs() {
        let dir = std::env::temp_dir().join(format!("sopan-output-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("a.pdf");
        write_atomic(&target, b"satu").unwrap();
        write_atomic(&target, b"dua").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"dua");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["a.pdf"], "only the target is left");
        let tmp = temporary_name("lakip.toml");
        assert!(
            tmp.starts_with(".lakip.toml.sopan-") && is_temporary(&tmp),
            "{tmp}"
        );
        assert!(is_temporary(".lakip.toml.0123456789abcdef.tmp"));
        for other in [
            "lakip.toml",
            ".lakip.toml.tmp",
            "x.sopan-0123456789abcdef.tmp",
        ] {
            assert!(!is_temporary(other), "{other}");
        }
        let inputs = [dir.join("b.toml"), dir.join("a.pdf")];
        let spelled = dir.join(".").join("a.pdf");
        assert!(refuse_extension(Path::new("a.PDF"), "pdf").is_ok());
        assert!(refuse_extension(Path::new("umum/contoh.toml"), "pdf").is_err());
        assert!(refuse_extension(Path::new("hasil"), "pdf").is_err());
        let refused = refuse_input(&spelled, &inputs).unwrap_err();
        assert_eq!(refused.input, inputs[1]);
        assert!(refuse_input(&dir.join("c.pdf"), &inputs).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn ranges_parse_and_resolve() {
        let sel = PageSelection::parse("2-3").unwrap();
        assert_eq!(sel.resolve(4).unwrap(), vec![2, 3]);
        let sel = PageSelection::parse(" 3- , 1").unwrap();
        assert_eq!(sel.resolve(4).unwrap(), vec![1, 3, 4]);
        let sel = PageSelection::parse("-2,2").unwrap();
        assert_eq!(sel.resolve(4).unwrap(), vec![1, 2]);
        let sel = PageSelection::parse("1-").unwrap();
        assert_eq!(sel.resolve(3).unwrap(), vec![1, 2, 3]);
    }

    #[test]
    fn bad_ranges_are_explained_in_indonesian() {
        let err = |t: &str| PageSelection::parse(t).unwrap_err();
        assert!(err("0").contains("dimulai dari 1"));
        assert!(err("3-2").contains("maksudnya 2-3"));
        assert!(err("dua").contains("\"dua\" bukan nomor halaman"));
        assert!(err("").contains("kosong"));
        assert!(err("1,,2").contains("kosong"));
        assert!(err("-").contains("bukan rentang"));
        let sel = PageSelection::parse("5").unwrap();
        assert_eq!(
            sel.resolve(4).unwrap_err(),
            "halaman 5 tidak ada; SOP ini hanya 4 halaman"
        );
    }

    #[test]
    fn image_names_follow_what_a_clerk_typed() {
        let sop = Path::new("perencanaan/lakip.toml");
        assert_eq!(
            image_path(sop, None, "png", 2, true),
            Path::new("perencanaan/lakip-2.png")
        );
        assert_eq!(
            image_path(sop, Some(Path::new("kirim/")), "svg", 3, true),
            Path::new("kirim/lakip-3.svg")
        );
        assert_eq!(
            image_path(sop, Some(Path::new("hal-{n}.png")), "png", 4, true),
            Path::new("hal-4.png")
        );
        assert_eq!(
            image_path(sop, Some(Path::new("wa.png")), "png", 2, false),
            Path::new("wa.png")
        );
        assert_eq!(
            image_path(sop, Some(Path::new("wa.png")), "png", 2, true),
            Path::new("wa-2.png")
        );
    }
}
