//! Editor accounts: who may save from the preview on an office server. They live in
//! `.sopan/pengguna.toml` in the catalogue, one table per user with an Argon2id hash of
//! the password and the user's roles in the approval flow ([`Peran`]), and are managed
//! with `sopan pengguna`.

use std::path::{Path, PathBuf};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use toml_edit::{DocumentMut, Item, Table};

/// The folder in a catalogue that holds the editor's own files.
pub const FOLDER: &str = super::folder::FOLDER;

/// The largest accounts file read.
const MAKS: u64 = 1024 * 1024;

/// The accounts file, in [`FOLDER`].
pub const BERKAS: &str = "pengguna.toml";

/// The shortest password accepted (OWASP Authentication Cheat Sheet: at least 8, and
/// longer where no second factor is asked).
pub const SANDI_MIN: usize = 12;

/// The commonest passwords, lower case, one a line (the file names its source).
const SANDI_UMUM: &str = include_str!("sandi-umum.txt");

/// The accounts file of the catalogue at `root`.
pub fn path(root: &Path) -> PathBuf {
    root.join(FOLDER).join(BERKAS)
}

/// Why an account could not be added, removed or read.
#[derive(Debug)]
pub enum AkunError {
    /// The file cannot be read or written.
    Io(PathBuf, std::io::Error),
    /// The file is not TOML.
    Rusak(PathBuf),
    /// A user name that is empty or holds characters other than letters, digits, `.`,
    /// `-` and `_`.
    Nama(String),
    /// A password shorter than [`SANDI_MIN`].
    SandiPendek,
    /// A password that is easy to guess: why.
    SandiLemah(&'static str),
    /// No such user.
    TidakAda(String),
    /// Hashing failed.
    Hash(String),
    /// A role that does not exist, or none at all.
    Peran(String),
}

impl std::fmt::Display for AkunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AkunError::Io(p, e) => write!(
                f,
                "{}: {}",
                crate::diag::display_path(p),
                crate::io_error_id(e)
            ),
            AkunError::Rusak(p) => write!(
                f,
                "{}: bukan TOML yang benar; perbaiki atau hapus berkas itu",
                crate::diag::display_path(p)
            ),
            AkunError::Nama(n) => write!(
                f,
                "nama pengguna \"{n}\" tidak dapat dipakai: pakai huruf, angka, titik, - atau _"
            ),
            AkunError::SandiPendek => {
                write!(
                    f,
                    "kata sandi terlalu pendek: paling sedikit {SANDI_MIN} huruf\n\
                     hint: beberapa kata dengan spasi mudah diingat, misalnya: kopi pahit di meja arsip"
                )
            }
            AkunError::SandiLemah(why) => write!(
                f,
                "kata sandi mudah ditebak: {why}\n\
                 hint: pakai beberapa kata yang mudah Anda ingat tetapi tidak mudah ditebak \
                 orang lain, misalnya: kopi pahit di meja arsip"
            ),
            AkunError::TidakAda(n) => write!(f, "pengguna \"{n}\" tidak ada"),
            AkunError::Hash(e) => write!(f, "kata sandi tidak dapat disimpan: {e}"),
            AkunError::Peran(p) if p.is_empty() => f.write_str(
                "sebutkan sedikitnya satu peran: penyusun, pemeriksa, pengesah atau admin",
            ),
            AkunError::Peran(p) => write!(
                f,
                "peran \"{p}\" tidak dikenal; pilih dari penyusun, pemeriksa, pengesah, admin"
            ),
        }
    }
}

/// The accounts of one catalogue.
pub struct Akun {
    root: PathBuf,
    path: PathBuf,
    doc: DocumentMut,
}

impl Akun {
    /// Reads the accounts of the catalogue at `root` (none when the file is missing):
    /// only a regular file of the catalogue's own `.sopan` folder is read
    /// ([`super::folder`]).
    pub fn open(root: &Path) -> Result<Self, AkunError> {
        let path = path(root);
        let io = |e| AkunError::Io(path.clone(), e);
        let data = match super::folder::Folder::open(root, false).map_err(io)? {
            Some(folder) => folder.read(BERKAS, MAKS).map_err(io)?,
            None => None,
        };
        let text = match data {
            Some(bytes) => String::from_utf8(bytes).map_err(|_| AkunError::Rusak(path.clone()))?,
            None => "# Akun penyunting `sopan preview` di server kantor.\n\
                     # Kelola dengan `sopan pengguna`; jangan disunting dengan tangan.\n"
                .to_string(),
        };
        let doc = text
            .parse::<DocumentMut>()
            .map_err(|_| AkunError::Rusak(path.clone()))?;
        Ok(Self {
            root: root.to_path_buf(),
            path,
            doc,
        })
    }

    fn users(&self) -> Option<&Table> {
        self.doc.get("pengguna").and_then(Item::as_table)
    }

    /// The user names, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .users()
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Whether there is at least one account.
    pub fn any(&self) -> bool {
        !self.names().is_empty()
    }

    /// Whether `password` is `name`'s password.
    pub fn verify(&self, name: &str, password: &str) -> bool {
        let hash = self
            .users()
            .and_then(|t| t.get(name))
            .and_then(|u| u.get("sandi"))
            .and_then(Item::as_str);
        let Some(Ok(hash)) = hash.map(PasswordHash::new) else {
            // The same work for an unknown name, so timing does not tell names apart.
            if let Ok(salt) = SaltString::from_b64("c29wYW5zb3Bhbg") {
                let _ = Argon2::default().hash_password(password.as_bytes(), &salt);
            }
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    }

    /// Adds `name`, or sets a new password for it.
    pub fn set(&mut self, name: &str, password: &str) -> Result<(), AkunError> {
        if name.is_empty()
            || name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(AkunError::Nama(name.to_string()));
        }
        periksa_sandi(name, password)?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt()?)
            .map_err(|e| AkunError::Hash(e.to_string()))?
            .to_string();
        let users = self.doc.entry("pengguna").or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        let Some(users) = users.as_table_mut() else {
            return Err(AkunError::Rusak(self.path.clone()));
        };
        let mut user = Table::new();
        user.insert("sandi", toml_edit::value(hash));
        users.insert(name, Item::Table(user));
        Ok(())
    }

    /// The stamp of `name`'s password: it changes whenever the password is set again,
    /// and is gone with the account, so a session made with an older one ends. A digest
    /// of the stored hash, never the hash itself.
    pub fn stempel(&self, name: &str) -> Option<String> {
        use sha2::Digest;
        let hash = self
            .users()?
            .get(name)?
            .get("sandi")
            .and_then(Item::as_str)?;
        let digest = sha2::Sha256::digest(hash.as_bytes());
        Some(digest[..16].iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Removes `name`.
    pub fn remove(&mut self, name: &str) -> Result<(), AkunError> {
        let removed = self
            .doc
            .get_mut("pengguna")
            .and_then(Item::as_table_mut)
            .and_then(|t| t.remove(name));
        match removed {
            Some(_) => Ok(()),
            None => Err(AkunError::TidakAda(name.to_string())),
        }
    }

    /// The accounts file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the accounts back, atomically, readable by the server's user only (0600,
    /// in a 0700 `.sopan`).
    pub fn save(&self) -> Result<(), AkunError> {
        let io = |e| AkunError::Io(self.path.clone(), e);
        let folder = super::folder::Folder::open(&self.root, true)
            .map_err(io)?
            .ok_or_else(|| io(std::io::ErrorKind::NotFound.into()))?;
        // Under the save lock: a preview starting now leaves the temporary file alone.
        let _kunci = folder.lock().map_err(io)?;
        folder
            .write(BERKAS, self.doc.to_string().as_bytes())
            .map_err(io)
    }
}

/// Checks a new password for `name`: at least [`SANDI_MIN`] characters, not digits
/// alone (a NIP, a date), not one of the commonest passwords (also repeated, or with
/// digits and signs around it), not the user name, and not one character over and over.
pub fn periksa_sandi(name: &str, password: &str) -> Result<(), AkunError> {
    if password.chars().count() < SANDI_MIN {
        return Err(AkunError::SandiPendek);
    }
    let lower = password.to_lowercase();
    if lower
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace())
    {
        return Err(AkunError::SandiLemah(
            "hanya angka (misalnya NIP atau tanggal lahir)",
        ));
    }
    let mut distinct: Vec<char> = lower.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 {
        return Err(AkunError::SandiLemah("terlalu sedikit huruf yang berbeda"));
    }
    let name = name.to_lowercase();
    if name.chars().count() >= 3 && lower.contains(&name) {
        return Err(AkunError::SandiLemah("memuat nama pengguna"));
    }
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    let common = |w: &str| {
        SANDI_UMUM
            .lines()
            .any(|l| !l.starts_with('#') && !l.is_empty() && l == w)
    };
    if common(&lower) || common(core) || common(period(core)) {
        return Err(AkunError::SandiLemah(
            "termasuk kata sandi yang paling sering dipakai",
        ));
    }
    Ok(())
}

/// The shortest text that `text` repeats ("qwerty" of "qwertyqwerty"); `text` itself
/// when it repeats nothing.
fn period(text: &str) -> &str {
    let len = text.len();
    (1..len)
        .filter(|&p| len.is_multiple_of(p) && text.is_char_boundary(p))
        .find(|&p| {
            text.as_bytes()
                .chunks(p)
                .all(|c| c == &text.as_bytes()[..p])
        })
        .map_or(text, |p| &text[..p])
}

/// What an account may do in the approval flow. One person may hold several roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Peran {
    /// Writes SOPs and submits them ("Ajukan").
    Penyusun,
    /// Reviews a submitted SOP: notes per field, forwards or sends back.
    Pemeriksa,
    /// Approves and signs.
    Pengesah,
    /// Manages accounts and the catalogue's shared kop and signer (`katalog.toml`).
    Admin,
}

impl Peran {
    /// Every role, in the flow's order.
    pub const SEMUA: [Peran; 4] = [
        Peran::Penyusun,
        Peran::Pemeriksa,
        Peran::Pengesah,
        Peran::Admin,
    ];

    /// The role's name, as written in the accounts file and on the command line.
    pub fn nama(self) -> &'static str {
        match self {
            Peran::Penyusun => "penyusun",
            Peran::Pemeriksa => "pemeriksa",
            Peran::Pengesah => "pengesah",
            Peran::Admin => "admin",
        }
    }

    /// The role named `text` (any case, spaces around ignored).
    pub fn baca(text: &str) -> Option<Peran> {
        let text = text.trim().to_lowercase();
        Self::SEMUA.into_iter().find(|p| p.nama() == text)
    }
}

/// Roles written as a comma-separated list (`penyusun,pemeriksa`), sorted, each once.
pub fn baca_peran(list: &str) -> Result<Vec<Peran>, AkunError> {
    let mut out = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        out.push(Peran::baca(part).ok_or_else(|| AkunError::Peran(part.to_string()))?);
    }
    if out.is_empty() {
        return Err(AkunError::Peran(String::new()));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Roles as `sopan pengguna daftar` prints them: "penyusun, pemeriksa".
pub fn tulis_peran(peran: &[Peran]) -> String {
    peran
        .iter()
        .map(|p| p.nama())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Akun {
    /// The roles written for `name`, `None` for an account written before roles (or no
    /// such account).
    pub fn peran_tertulis(&self, name: &str) -> Option<Vec<Peran>> {
        let list = self
            .users()?
            .get(name)?
            .get("peran")?
            .as_array()?
            .iter()
            .filter_map(|v| v.as_str().and_then(Peran::baca))
            .collect::<Vec<_>>();
        Some(list)
    }

    /// The roles of `name`: those written, or penyusun for an account written before
    /// roles existed; none for an unknown name.
    pub fn peran(&self, name: &str) -> Vec<Peran> {
        if !self.users().is_some_and(|t| t.contains_key(name)) {
            return Vec::new();
        }
        self.peran_tertulis(name)
            .unwrap_or_else(|| vec![Peran::Penyusun])
    }

    /// The accounts holding `peran`, by name.
    pub fn dengan_peran(&self, peran: Peran) -> Vec<String> {
        self.names()
            .into_iter()
            .filter(|n| self.peran(n).contains(&peran))
            .collect()
    }

    /// Gives `name` exactly the roles `peran` (at least one).
    pub fn set_peran(&mut self, name: &str, peran: &[Peran]) -> Result<(), AkunError> {
        if peran.is_empty() {
            return Err(AkunError::Peran(String::new()));
        }
        let user = self
            .doc
            .get_mut("pengguna")
            .and_then(Item::as_table_mut)
            .and_then(|t| t.get_mut(name))
            .and_then(Item::as_table_mut)
            .ok_or_else(|| AkunError::TidakAda(name.to_string()))?;
        let mut sorted = peran.to_vec();
        sorted.sort();
        sorted.dedup();
        let list: toml_edit::Array = sorted.iter().map(|p| p.nama()).collect();
        user.insert("peran", toml_edit::value(list));
        Ok(())
    }
}

/// A fresh random salt.
fn salt() -> Result<SaltString, AkunError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AkunError::Hash(e.to_string()))?;
    SaltString::encode_b64(&bytes).map_err(|e| AkunError::Hash(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_added_checked_and_removed() {
        let dir = std::env::temp_dir().join(format!("sopan-akun-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut akun = Akun::open(&dir).unwrap();
        assert!(!akun.any());
        assert!(matches!(
            akun.set("sari", "pendek"),
            Err(AkunError::SandiPendek)
        ));
        assert!(matches!(
            akun.set("sa ri", "cukup panjang sekali"),
            Err(AkunError::Nama(_))
        ));
        akun.set("sari", "cukup panjang sekali").unwrap();
        akun.save().unwrap();
        let text = std::fs::read_to_string(path(&dir)).unwrap();
        assert!(
            text.contains("[pengguna.sari]") && text.contains("$argon2id$"),
            "{text}"
        );
        assert!(!text.contains("cukup panjang"));
        let akun = Akun::open(&dir).unwrap();
        assert!(akun.verify("sari", "cukup panjang sekali"));
        assert!(!akun.verify("sari", "salah sekali"));
        assert!(!akun.verify("budi", "cukup panjang sekali"));
        let mut akun = akun;
        akun.remove("sari").unwrap();
        assert!(matches!(akun.remove("sari"), Err(AkunError::TidakAda(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn short_and_common_passwords_are_refused() {
        for weak in [
            "pendek",
            "sebelashuru",
            "198503122010011001",
            "123456789012",
            "password1234",
            "Password@123456",
            "qwertyqwerty",
            "sayangkamu2024",
            "1234bismillah!!",
            "aaaaaaaaaaaaaa",
            "abababababab",
            "sari-dinas-2024",
            "QWERTYUIOPqwertyuiop",
        ] {
            assert!(periksa_sandi("sari", weak).is_err(), "{weak}");
        }
        for strong in [
            "kopi pahit di meja arsip",
            "kata-sandi-panjang",
            "Pagar Alam 2024 sejuk",
        ] {
            assert!(periksa_sandi("sari", strong).is_ok(), "{strong}");
        }
        let why = periksa_sandi("sari", "password1234")
            .unwrap_err()
            .to_string();
        assert!(
            why.contains("paling sering dipakai") && why.contains("hint:"),
            "{why}"
        );
        let mut akun = Akun::open(&std::env::temp_dir()).unwrap();
        assert!(matches!(
            akun.set("sari", "bismillah123"),
            Err(AkunError::SandiLemah(_))
        ));
    }

    #[test]
    fn a_new_password_changes_the_stamp() {
        let dir = std::env::temp_dir().join(format!("sopan-stempel-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut akun = Akun::open(&dir).unwrap();
        assert_eq!(akun.stempel("sari"), None);
        akun.set("sari", "kopi pahit di meja arsip").unwrap();
        let first = akun.stempel("sari").unwrap();
        assert_eq!(first.len(), 32);
        akun.set("sari", "kopi pahit di meja arsip").unwrap();
        assert_ne!(akun.stempel("sari").unwrap(), first, "a fresh salt");
        akun.remove("sari").unwrap();
        assert_eq!(akun.stempel("sari"), None);
    }

    #[test]
    fn roles_are_kept_and_an_account_without_them_is_a_penyusun() {
        let dir = std::env::temp_dir().join(format!("sopan-peran-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut akun = Akun::open(&dir).unwrap();
        akun.set("lama", "cukup panjang").unwrap();
        akun.set("budi", "cukup panjang").unwrap();
        akun.set_peran(
            "budi",
            &baca_peran("pengesah, Pemeriksa,pemeriksa").unwrap(),
        )
        .unwrap();
        assert!(matches!(
            akun.set_peran("tidak-ada", &[Peran::Admin]),
            Err(AkunError::TidakAda(_))
        ));
        assert!(matches!(
            akun.set_peran("budi", &[]),
            Err(AkunError::Peran(_))
        ));
        akun.save().unwrap();
        let akun = Akun::open(&dir).unwrap();
        assert_eq!(akun.peran("lama"), [Peran::Penyusun]);
        assert_eq!(akun.peran_tertulis("lama"), None);
        assert_eq!(akun.peran("budi"), [Peran::Pemeriksa, Peran::Pengesah]);
        assert!(akun.peran("siapa").is_empty());
        assert!(akun.verify("budi", "cukup panjang"));
        assert!(matches!(baca_peran("kepala"), Err(AkunError::Peran(p)) if p == "kepala"));
        assert!(matches!(baca_peran(" , "), Err(AkunError::Peran(p)) if p.is_empty()));
        let text = std::fs::read_to_string(path(&dir)).unwrap();
        assert!(
            text.contains("peran = [\"pemeriksa\", \"pengesah\"]"),
            "{text}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
