//! The fingerprint of what was approved: the SHA-256 of the SOP file, of each katalog.toml
//! of its chain and of each image it names, and one SHA-256 over them all. The short code
//! printed on the sheet comes from it, and comparing it later tells whether the SOP still
//! says what was approved.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::Sop;
use crate::tanda::cms::sha256;

/// One file of what was approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bagian {
    /// What it is to the SOP: `sop`, `katalog`, `logo` or `ttd`.
    pub peran: String,
    /// Its path from the catalogue folder, with `/`.
    pub berkas: String,
    /// Its SHA-256, hex.
    pub sha256: String,
}

/// The fingerprint of an SOP and everything it is made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sidik {
    /// The files, SOP first.
    pub bagian: Vec<Bagian>,
    /// The SHA-256 over all of them, hex.
    pub sha256: String,
}

/// Crockford's base32: no I, L, O or U to misread.
const BASE32: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters of the short code.
pub const PANJANG_KODE: usize = 10;

impl Sidik {
    /// The fingerprint of `sop` whose file holds `teks` (the text being approved, which
    /// may not be on disk yet), with its katalog chain read from disk; paths are named
    /// from `root`, the catalogue folder.
    pub fn hitung(teks: &[u8], sop: &Sop, root: &Path) -> std::io::Result<Self> {
        let mut bagian = vec![Bagian {
            peran: "sop".into(),
            berkas: relative(&sop.path, root),
            sha256: hex(&sha256(teks)),
        }];
        for k in crate::source::katalog_chain(&sop.path) {
            let data = crate::source::file::read_bytes(&k, crate::source::file::SOP_MAKS)?;
            bagian.push(Bagian {
                peran: "katalog".into(),
                berkas: relative(&k, root),
                sha256: hex(&sha256(&data)),
            });
        }
        let images = [("logo", &sop.instansi.logo), ("ttd", &sop.pengesahan.ttd)];
        for (peran, gambar) in images {
            if let Some(g) = gambar {
                bagian.push(Bagian {
                    peran: peran.into(),
                    berkas: relative(&g.path, root),
                    sha256: hex(&sha256(&g.data)),
                });
            }
        }
        Ok(Self::of(bagian))
    }

    /// The fingerprint of these files.
    pub fn of(bagian: Vec<Bagian>) -> Self {
        let mut all = String::from("sopan-sidik 1\n");
        for b in &bagian {
            all.push_str(&format!("{}\t{}\t{}\n", b.peran, b.berkas, b.sha256));
        }
        Self {
            sha256: hex(&sha256(all.as_bytes())),
            bagian,
        }
    }

    /// The short code: the first 50 bits of the fingerprint in Crockford base32.
    pub fn kode(&self) -> String {
        kode_of(&self.sha256)
    }

    /// The files of `self` that differ in `now` (changed, gone or new), by path.
    pub fn beda(&self, now: &Sidik) -> Vec<String> {
        let mut out = Vec::new();
        for b in &self.bagian {
            match now.bagian.iter().find(|n| n.berkas == b.berkas) {
                Some(n) if n.sha256 == b.sha256 => {}
                Some(_) => out.push(format!("{} diubah", b.berkas)),
                None => out.push(format!("{} tidak dipakai lagi", b.berkas)),
            }
        }
        for n in &now.bagian {
            if !self.bagian.iter().any(|b| b.berkas == n.berkas) {
                out.push(format!("{} ditambahkan", n.berkas));
            }
        }
        out
    }
}

/// The fingerprint of the SOP at `path` as it is now, with paths named from `root` (the
/// catalogue folder): of its file, its katalog chain and its images when it validates; of
/// its file alone when it does not (it has changed then, at least). `None` when the file
/// cannot be read.
pub fn sekarang(path: &Path, root: &Path, settings: &crate::pipeline::Settings) -> Option<Sidik> {
    let teks = crate::source::file::read_bytes(path, crate::source::file::SOP_MAKS).ok()?;
    let (sop, _) = crate::pipeline::validate(path, settings);
    let whole = sop.and_then(|sop| Sidik::hitung(&teks, &sop, root).ok());
    Some(whole.unwrap_or_else(|| berkas_saja(path, &teks, root)))
}

/// The fingerprint of an SOP file alone (`teks`, read from `path`): for a file that does
/// not validate, whose katalog chain and images cannot be told.
pub fn berkas_saja(path: &Path, teks: &[u8], root: &Path) -> Sidik {
    Sidik::of(vec![Bagian {
        peran: "sop".into(),
        berkas: relative(path, root),
        sha256: hex(&sha256(teks)),
    }])
}

/// The short code of a hex SHA-256.
fn kode_of(hex_digest: &str) -> String {
    let mut bits: u64 = 0;
    for c in hex_digest.chars().take(13) {
        bits = (bits << 4) | u64::from(c.to_digit(16).unwrap_or(0));
    }
    // 13 hex digits are 52 bits; the code takes the first 50.
    bits >>= 2;
    (0..PANJANG_KODE)
        .rev()
        .map(|i| char::from(BASE32[((bits >> (5 * i)) & 31) as usize]))
        .collect()
}

/// Whether `text` looks like a short code (upper case; as typed it may be lower case).
pub fn is_kode(text: &str) -> bool {
    text.len() == PANJANG_KODE
        && text
            .bytes()
            .all(|b| BASE32.contains(&b.to_ascii_uppercase()))
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `path` from `root`, with `/`; its file name when it is not below `root`.
pub fn relative(path: &Path, root: &Path) -> String {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (path, root) = (canon(path), canon(root));
    match path.strip_prefix(&root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bagian(sha: &str) -> Bagian {
        Bagian {
            peran: "sop".into(),
            berkas: "umum/a.toml".into(),
            sha256: sha.into(),
        }
    }

    #[test]
    fn the_code_is_ten_unambiguous_characters_of_the_fingerprint() {
        let a = Sidik::of(vec![bagian("00")]);
        let b = Sidik::of(vec![bagian("01")]);
        assert_eq!(a.kode().len(), 10);
        assert!(is_kode(&a.kode()) && is_kode(&a.kode().to_lowercase()));
        assert!(!a.kode().contains(['I', 'L', 'O', 'U']));
        assert_ne!(a.kode(), b.kode());
        assert_eq!(kode_of(&"f".repeat(64)), "ZZZZZZZZZZ");
        assert_eq!(kode_of(&"0".repeat(64)), "0000000000");
    }

    #[test]
    fn a_changed_file_is_named() {
        let a = Sidik::of(vec![bagian("00")]);
        let mut b = Sidik::of(vec![bagian("01")]);
        assert_eq!(a.beda(&b), ["umum/a.toml diubah"]);
        b.bagian[0].berkas = "umum/b.toml".into();
        assert_eq!(
            a.beda(&b),
            ["umum/a.toml tidak dipakai lagi", "umum/b.toml ditambahkan"]
        );
        assert!(a.beda(&a).is_empty());
    }
}
