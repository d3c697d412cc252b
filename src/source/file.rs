//! Reading the files an SOP names, carefully: only regular files (a FIFO or a device
//! would hang the read), never more bytes than a limit, never a file whose real path
//! leaves the catalogue, and text decoded the way Windows programs save it.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest SOP or katalog.toml file: a long SOP is about 20 KB.
pub const SOP_MAKS: u64 = 1024 * 1024;

/// The largest logo or signature image.
pub const GAMBAR_MAKS: u64 = 10 * 1024 * 1024;

/// The largest template override.
pub const TEMPLATE_MAKS: u64 = 1024 * 1024;

/// Reads a regular file of at most `limit` bytes. Anything else (a folder, a FIFO, a
/// device, a bigger file) is refused before its contents are read, with an error whose
/// text is an Indonesian sentence.
pub fn read_bytes(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    read_open(open_regular(path, Follow::Yes)?, limit)
}

/// Whether opening a path follows a symbolic link in its last component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    /// Follow it (an SOP file may be a link inside its catalogue).
    Yes,
    /// Refuse it: the path must name the file itself.
    No,
}

/// Opens a regular file for reading. The file is opened first and its type read from
/// the open handle, so a FIFO swapped in after a check cannot hang the read: on Unix
/// the open does not wait for a writer (`O_NONBLOCK`), and a FIFO, socket or device
/// (`/dev/zero`) is refused before a byte is read.
pub fn open_regular(path: &Path, follow: Follow) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = OFlags::NONBLOCK | OFlags::NOCTTY;
        if follow == Follow::No {
            flags |= OFlags::NOFOLLOW;
        }
        options.custom_flags(flags.bits() as i32);
    }
    #[cfg(not(unix))]
    if follow == Follow::No && std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(not_regular());
    }
    let file = options.open(path).map_err(|e| {
        // ELOOP: the last component is a link and links are refused here.
        if follow == Follow::No && e.raw_os_error() == Some(40) && cfg!(target_os = "linux") {
            not_regular()
        } else {
            e
        }
    })?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(std::io::ErrorKind::IsADirectory.into());
    }
    if !meta.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

/// Reads an opened regular file of at most `limit` bytes.
pub fn read_open(file: std::fs::File, limit: u64) -> std::io::Result<Vec<u8>> {
    let len = file.metadata()?.len();
    if len > limit {
        return Err(too_large(len, limit));
    }
    let mut data = Vec::with_capacity(len as usize);
    // The file may grow between the check and the read.
    file.take(limit + 1).read_to_end(&mut data)?;
    if data.len() as u64 > limit {
        return Err(too_large(data.len() as u64, limit));
    }
    Ok(data)
}

fn not_regular() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "bukan berkas biasa (pipa, soket, perangkat atau tautan), sopan tidak membacanya",
    )
}

/// A file whose real path (links followed) leaves its catalogue, or lies in a hidden
/// folder of it (`.sopan`, `.git`). It is named, never read.
#[derive(Debug)]
pub struct Luar;

impl std::fmt::Display for Luar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "berkas ini tautan (symlink) ke tempat di luar folder katalog atau ke folder \
             tersembunyinya, sopan tidak membacanya (salin berkas aslinya ke dalam folder \
             katalog)",
        )
    }
}

impl std::error::Error for Luar {}

/// The real path of `path` (every link followed), when it lies inside the folder `root`
/// and not in a hidden folder of it; otherwise an error whose text is [`Luar`].
pub fn real_inside(path: &Path, root: &Path) -> std::io::Result<PathBuf> {
    let real = path.canonicalize()?;
    let root = root.canonicalize()?;
    let hidden = |rel: &Path| {
        rel.components()
            .any(|c| c.as_os_str().as_encoded_bytes().starts_with(b"."))
    };
    match real.strip_prefix(&root) {
        Ok(rel) if !hidden(rel) => Ok(real),
        _ => Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            Luar,
        )),
    }
}

/// Whether an error is [`real_inside`]'s refusal.
pub fn is_luar(err: &std::io::Error) -> bool {
    err.get_ref().is_some_and(|e| e.is::<Luar>())
}

/// Reads a file of the catalogue at `root`: [`real_inside`], then [`read_bytes`].
pub fn read_inside(path: &Path, root: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    read_bytes(&real_inside(path, root)?, limit)
}

/// Reads a text file of the catalogue at `root`: [`read_inside`], then [`decode`].
pub fn read_text_inside(path: &Path, root: &Path, limit: u64) -> std::io::Result<String> {
    decode_io(read_inside(path, root, limit)?)
}

fn too_large(size: u64, limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!(
            "berkas terlalu besar ({}; batasnya {})",
            ukuran(size),
            ukuran(limit)
        ),
    )
}

/// A byte count as people say it: "1,5 MB", "300 KB".
fn ukuran(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let b = bytes as f64;
    if b >= MB {
        format!("{:.1} MB", b / MB)
            .replace('.', ",")
            .replace(",0 MB", " MB")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Why a file's bytes are not text sopan can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotText {
    /// A byte that is not UTF-8.
    Encoding {
        /// Byte offset of the first byte that is not UTF-8.
        offset: usize,
        /// Its line, 1-based.
        line: usize,
        /// Its column in characters, 1-based.
        column: usize,
    },
    /// A PDF, perhaps written over the SOP by mistake.
    Pdf,
}

impl std::fmt::Display for NotText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotText::Encoding {
                offset,
                line,
                column,
            } => write!(
                f,
                "berkas tidak tersimpan sebagai teks UTF-8: byte ke-{offset} (baris {line}, \
                 kolom {column}) tidak terbaca"
            ),
            NotText::Pdf => f.write_str("berkas ini sebuah PDF, bukan berkas SOP (teks TOML)"),
        }
    }
}

impl NotText {
    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            NotText::Encoding { .. } => {
                "berkas ini kemungkinan disimpan sebagai ANSI/Latin-1; buka di Notepad, pilih \
                 Simpan Sebagai, lalu pilih Pengodean \"UTF-8\""
            }
            NotText::Pdf => {
                "berkas SOP ini tertimpa PDF; ambil lagi dari cadangan atau riwayat versinya, \
                 dan beri -o nama berakhiran .pdf"
            }
        }
    }
}

/// Decodes a text file: UTF-8 (with or without a byte-order mark), or UTF-16 with a
/// byte-order mark, which Windows Notepad saves as "Unicode".
pub fn decode(data: Vec<u8>) -> Result<String, NotText> {
    let utf16 = |bytes: &[u8], unit: fn([u8; 2]) -> u16| {
        let units = bytes
            .chunks(2)
            .map(|c| unit([c[0], *c.get(1).unwrap_or(&0)]));
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    match data.as_slice() {
        [0xFF, 0xFE, rest @ ..] => return Ok(utf16(rest, u16::from_le_bytes)),
        [0xFE, 0xFF, rest @ ..] => return Ok(utf16(rest, u16::from_be_bytes)),
        _ => {}
    }
    // UTF-16 without a byte-order mark: TOML text is mostly ASCII, so most odd (LE) or
    // even (BE) bytes are zero, and UTF-8 text has no zero bytes at all.
    let head = &data[..data.len().min(400) & !1];
    let zeros_at = |odd: usize| {
        head.iter()
            .skip(odd)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let pairs = head.len() / 2;
    if pairs >= 4 && zeros_at(1) * 10 >= pairs * 7 && zeros_at(0) * 10 < pairs {
        return Ok(utf16(&data, u16::from_le_bytes));
    }
    if pairs >= 4 && zeros_at(0) * 10 >= pairs * 7 && zeros_at(1) * 10 < pairs {
        return Ok(utf16(&data, u16::from_be_bytes));
    }
    let start = if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    match std::str::from_utf8(&data[start..]) {
        Ok(text) => Ok(text.to_string()),
        Err(_) if data.starts_with(b"%PDF-") => Err(NotText::Pdf),
        Err(e) => {
            let offset = start + e.valid_up_to();
            let before = String::from_utf8_lossy(&data[start..offset]);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            Err(NotText::Encoding {
                offset,
                line,
                column,
            })
        }
    }
}

/// Reads a text file of at most `limit` bytes: [`read_bytes`], then [`decode`].
pub fn read_text(path: &Path, limit: u64) -> std::io::Result<String> {
    decode_io(read_bytes(path, limit)?)
}

/// [`decode`], its refusal as an I/O error with the hint in brackets.
fn decode_io(data: Vec<u8>) -> std::io::Result<String> {
    decode(data).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{e} ({})", e.hint()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_as_windows_saves_it() {
        assert_eq!(decode(b"nama = 1".to_vec()).unwrap(), "nama = 1");
        assert_eq!(decode(b"\xEF\xBB\xBFa".to_vec()).unwrap(), "a");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("né\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(le).unwrap(), "né\n");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("né".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(be).unwrap(), "né");
        // Latin-1 "é" on line 2, after "ab".
        let bad = decode(b"x\nab\xE9c".to_vec()).unwrap_err();
        assert_eq!(
            bad,
            NotText::Encoding {
                offset: 4,
                line: 2,
                column: 3
            }
        );
        // UTF-16 without a byte-order mark, and a PDF where an SOP should be.
        let bare: Vec<u8> = "nama = \"é\""
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(bare).unwrap(), "nama = \"é\"");
        let bare: Vec<u8> = "nama = \"é\""
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(decode(bare).unwrap(), "nama = \"é\"");
        assert_eq!(decode(b"%PDF-1.7\n\xff\xfe".to_vec()), Err(NotText::Pdf));
        // Not every character ASCII: an em dash and curly quotes near the start.
        let text = "nama = \"Surat — “Masuk”\"\nnomor = \"1\"";
        let bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(bare).unwrap(), text);
    }

    #[test]
    fn only_regular_files_within_the_limit() {
        let dir = std::env::temp_dir().join(format!("sopan-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.toml");
        std::fs::write(&f, vec![b'a'; 1536 * 1024]).unwrap();
        assert_eq!(read_bytes(&f, 1536 * 1024).unwrap().len(), 1536 * 1024);
        let big = read_bytes(&f, SOP_MAKS).unwrap_err();
        assert!(
            big.to_string()
                .contains("terlalu besar (1,5 MB; batasnya 1 MB)"),
            "{big}"
        );
        assert_eq!(
            read_bytes(&dir, 10).unwrap_err().kind(),
            std::io::ErrorKind::IsADirectory
        );
        #[cfg(unix)]
        {
            let fifo = dir.join("pipa.toml");
            let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            let e = read_bytes(&fifo, 10).unwrap_err();
            assert!(e.to_string().contains("bukan berkas biasa"), "{e}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_file_linked_out_of_its_catalogue_or_into_sopan_is_never_read() {
        let dir = std::env::temp_dir().join(format!("sopan-luar-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("katalog/.sopan")).unwrap();
        std::fs::write(dir.join("rahasia.txt"), "rahasia").unwrap();
        std::fs::write(dir.join("katalog/.sopan/pengguna.toml"), "hash").unwrap();
        std::fs::write(dir.join("katalog/a.toml"), "nama = \"A\"").unwrap();
        let root = dir.join("katalog");
        let link = |name: &str, to: &str| {
            std::os::unix::fs::symlink(to, root.join(name)).unwrap();
            root.join(name)
        };
        let out = link("luar.toml", "../rahasia.txt");
        let akun = link("akun.toml", ".sopan/pengguna.toml");
        let inside = link("b.toml", "a.toml");
        for refused in [&out, &akun] {
            let e = read_text_inside(refused, &root, SOP_MAKS).unwrap_err();
            assert!(is_luar(&e), "{e}");
            assert!(e.to_string().contains("di luar folder katalog"), "{e}");
        }
        assert_eq!(
            read_text_inside(&inside, &root, SOP_MAKS).unwrap(),
            "nama = \"A\""
        );
        // A link refused where the path must name the file itself.
        let e = open_regular(&inside, Follow::No).unwrap_err();
        assert!(e.to_string().contains("bukan berkas biasa"), "{e}");
        let e = read_bytes(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(e.to_string().contains("bukan berkas biasa"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(ukuran(1024 * 1024), "1 MB");
        assert_eq!(ukuran(1536 * 1024), "1,5 MB");
        assert_eq!(ukuran(300 * 1024), "300 KB");
    }
}
