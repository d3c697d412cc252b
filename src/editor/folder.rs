//! The editor's own folder in a catalogue, `.sopan`: accounts, the save history and the
//! save lock. Anything under a catalogue may be hostile, so the folder must be a real
//! folder of the catalogue (not a link), is kept private (0700, its files 0600), and
//! its files are opened without following links, as regular files, within a size
//! limit: a FIFO, a device or a link planted there is refused, never read or written.
//!
//! On Unix every file is opened relative to the folder's open handle (`openat`), so
//! the folder cannot be swapped for a link between the check and the use.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder's name, in the catalogue.
pub const FOLDER: &str = ".sopan";

/// The lock file that serialises saves of every `sopan preview` of one catalogue.
pub const KUNCI: &str = "simpan.lock";

/// The `.sopan` folder of a catalogue, checked and open.
pub struct Folder {
    path: PathBuf,
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
}

/// A `.sopan` that is not a plain folder.
fn bukan_folder(path: &Path) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "{} bukan folder biasa (tautan atau berkas lain), sopan tidak memakainya; \
             hapus lalu jalankan lagi",
            crate::diag::display_path(path)
        ),
    )
}

impl Folder {
    /// The `.sopan` folder of the catalogue at `root`: `None` when it does not exist and
    /// `create` is false; created (0700) when `create` is true.
    pub fn open(root: &Path, create: bool) -> std::io::Result<Option<Self>> {
        let path = root.join(FOLDER);
        imp::open(root, &path, create)
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The contents of the file `name` (at most `limit` bytes), `None` when it does not
    /// exist. A link, a FIFO or a device is refused without waiting on it.
    pub fn read(&self, name: &str, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
        match imp::open_file(self, name, imp::Mode::Read) {
            Ok(file) => crate::source::file::read_open(file, limit).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Appends `data` to the file `name` in one write (created 0600 when missing).
    pub fn append(&self, name: &str, data: &[u8]) -> std::io::Result<()> {
        let mut file = imp::open_file(self, name, imp::Mode::Append)?;
        file.write_all(data)
    }

    /// Writes `data` as the file `name`, whole or not at all: a new private file (0600)
    /// beside it, synced, then renamed over it, then the folder synced.
    pub fn write(&self, name: &str, data: &[u8]) -> std::io::Result<()> {
        imp::write(self, name, data)
    }

    /// Takes the catalogue's save lock, waiting for another process that holds it; it
    /// is released when the returned file is dropped.
    pub fn lock(&self) -> std::io::Result<std::fs::File> {
        let file = imp::open_file(self, KUNCI, imp::Mode::Lock)?;
        file.lock()?;
        Ok(file)
    }
}

/// The name of a temporary file for `name`: one fixed pattern (see
/// [`crate::output::is_temporary`]), so a crash leaves something findable.
fn temporary(name: &str) -> String {
    crate::output::temporary_name(name)
}

#[cfg(unix)]
mod imp {
    use super::*;
    use rustix::fs::{AtFlags, Mode as Perm, OFlags};
    use std::os::fd::{AsFd, OwnedFd};

    pub enum Mode {
        Read,
        Append,
        Lock,
    }

    const PRIVATE_DIR: Perm = Perm::RWXU;
    const PRIVATE_FILE: Perm = Perm::RUSR.union(Perm::WUSR);

    pub fn open(root: &Path, path: &Path, create: bool) -> std::io::Result<Option<Folder>> {
        let root_fd = rustix::fs::open(
            root,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Perm::empty(),
        )?;
        if create {
            match rustix::fs::mkdirat(&root_fd, FOLDER, PRIVATE_DIR) {
                Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let fd = match rustix::fs::openat(
            &root_fd,
            FOLDER,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Perm::empty(),
        ) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::NOENT) => return Ok(None),
            Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) => {
                return Err(bukan_folder(path));
            }
            Err(e) => return Err(e.into()),
        };
        // Private: the accounts' hashes are nobody else's business.
        let stat = rustix::fs::fstat(&fd)?;
        let euid = rustix::process::geteuid();
        let open_to_others = Perm::from_raw_mode(stat.st_mode).intersects(Perm::RWXG | Perm::RWXO);
        if open_to_others && (euid.is_root() || euid.as_raw() == stat.st_uid) {
            rustix::fs::fchmod(&fd, PRIVATE_DIR)?;
        }
        Ok(Some(Folder {
            path: path.to_path_buf(),
            fd,
        }))
    }

    pub fn open_file(folder: &Folder, name: &str, mode: Mode) -> std::io::Result<std::fs::File> {
        let base = OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        let flags = match mode {
            Mode::Read => base | OFlags::RDONLY,
            Mode::Append => base | OFlags::WRONLY | OFlags::APPEND | OFlags::CREATE,
            Mode::Lock => base | OFlags::RDWR | OFlags::CREATE,
        };
        let fd =
            rustix::fs::openat(&folder.fd, name, flags, PRIVATE_FILE).map_err(|e| match e {
                rustix::io::Errno::LOOP => bukan_berkas(folder, name),
                e => e.into(),
            })?;
        let file = std::fs::File::from(fd);
        if !file.metadata()?.is_file() {
            return Err(bukan_berkas(folder, name));
        }
        Ok(file)
    }

    fn bukan_berkas(folder: &Folder, name: &str) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} bukan berkas biasa (tautan, pipa atau perangkat), sopan tidak memakainya",
                crate::diag::display_path(&folder.path.join(name))
            ),
        )
    }

    pub fn write(folder: &Folder, name: &str, data: &[u8]) -> std::io::Result<()> {
        let tmp = temporary(name);
        let fd: OwnedFd = rustix::fs::openat(
            &folder.fd,
            tmp.as_str(),
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            PRIVATE_FILE,
        )?;
        let mut file = std::fs::File::from(fd);
        let result = file
            .write_all(data)
            .and_then(|()| file.sync_all())
            .and_then(|()| {
                rustix::fs::renameat(&folder.fd, tmp.as_str(), &folder.fd, name).map_err(Into::into)
            });
        if result.is_err() {
            let _ = rustix::fs::unlinkat(&folder.fd, tmp.as_str(), AtFlags::empty());
            return result;
        }
        rustix::fs::fsync(folder.fd.as_fd()).map_err(Into::into)
    }
}

#[cfg(not(unix))]
mod imp {
    use super::*;

    pub enum Mode {
        Read,
        Append,
        Lock,
    }

    pub fn open(_root: &Path, path: &Path, create: bool) -> std::io::Result<Option<Folder>> {
        if create {
            match std::fs::create_dir(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() && !m.file_type().is_symlink() => Ok(Some(Folder {
                path: path.to_path_buf(),
            })),
            Ok(_) => Err(bukan_folder(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn open_file(folder: &Folder, name: &str, mode: Mode) -> std::io::Result<std::fs::File> {
        let path = folder.path.join(name);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if !m.is_file() => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!(
                        "{} bukan berkas biasa, sopan tidak memakainya",
                        crate::diag::display_path(&path)
                    ),
                ));
            }
            _ => {}
        }
        let mut options = std::fs::OpenOptions::new();
        match mode {
            Mode::Read => options.read(true),
            Mode::Append => options.append(true).create(true),
            Mode::Lock => options.read(true).write(true).create(true),
        };
        options.open(path)
    }

    pub fn write(folder: &Folder, name: &str, data: &[u8]) -> std::io::Result<()> {
        let tmp = folder.path.join(temporary(name));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let result = file
            .write_all(data)
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&tmp, folder.path.join(name)));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn the_sopan_folder_is_private_and_refuses_links_and_fifos() {
        let dir = std::env::temp_dir().join(format!("sopan-folder-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        assert!(Folder::open(&dir, false).unwrap().is_none());
        let f = Folder::open(&dir, true).unwrap().unwrap();
        assert_eq!(mode(&dir.join(FOLDER)), 0o700);
        f.write("a.toml", b"satu").unwrap();
        assert_eq!(mode(&dir.join(FOLDER).join("a.toml")), 0o600);
        assert_eq!(f.read("a.toml", 10).unwrap().unwrap(), b"satu");
        assert!(f.read("tidak-ada", 10).unwrap().is_none());
        f.append("b.jsonl", b"x\n").unwrap();
        f.append("b.jsonl", b"y\n").unwrap();
        assert_eq!(f.read("b.jsonl", 10).unwrap().unwrap(), b"x\ny\n");
        // A link, a FIFO and a device are refused at once.
        let outside = dir.join("luar.txt");
        std::fs::write(&outside, "rahasia").unwrap();
        std::os::unix::fs::symlink(&outside, dir.join(FOLDER).join("c")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join(FOLDER).join("z")).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            dir.join(FOLDER).join("pipa"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        for name in ["c", "z", "pipa"] {
            let e = f.read(name, 1 << 20).unwrap_err();
            assert!(e.to_string().contains("bukan berkas biasa"), "{name}: {e}");
            assert!(f.append(name, b"x").is_err(), "{name}");
        }
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "rahasia");
        assert!(f.read("a.toml", 2).is_err(), "over the limit");
        // A `.sopan` that is a link out of the catalogue is not used.
        let other = dir.join("lain");
        std::fs::create_dir_all(other.join("k")).unwrap();
        std::os::unix::fs::symlink(dir.join("lain"), other.join("k").join(FOLDER)).unwrap();
        let e = Folder::open(&other.join("k"), true).err().unwrap();
        assert!(e.to_string().contains("bukan folder biasa"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Warnings, in Indonesian, for a `.sopan` folder of the catalogue at `root` that other
/// users of this computer may write to or read, and for an accounts file they may read
/// (its password hashes can then be guessed at offline); each ends with the `chmod`
/// that fixes it. Nothing is refused: an older sopan or a copy may have left the modes.
#[cfg(unix)]
pub fn izin_longgar(root: &Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let folder = root.join(FOLDER);
    let mode = |p: &Path| {
        std::fs::symlink_metadata(p)
            .ok()
            .map(|m| (m.file_type(), m.permissions().mode() & 0o777))
    };
    let mut found = Vec::new();
    if let Some((kind, m)) = mode(&folder)
        && kind.is_dir()
        && m & 0o026 != 0
    {
        found.push(format!(
            "folder {} dapat {} pengguna lain di komputer ini (mode {m:04o})\n = hint: \
             perbaiki dengan: chmod 700 {}",
            crate::diag::display_path(&folder),
            if m & 0o022 != 0 { "diubah" } else { "dibaca" },
            kutip(&folder)
        ));
    }
    let akun = folder.join(super::akun::BERKAS);
    if let Some((kind, m)) = mode(&akun)
        && kind.is_file()
        && m & 0o044 != 0
    {
        found.push(format!(
            "berkas akun {} dapat dibaca pengguna lain di komputer ini (mode {m:04o}), \
             termasuk hash kata sandinya\n = hint: perbaiki dengan: chmod 600 {}",
            crate::diag::display_path(&akun),
            kutip(&akun)
        ));
    }
    found
}

/// No such modes elsewhere.
#[cfg(not(unix))]
pub fn izin_longgar(_root: &Path) -> Vec<String> {
    Vec::new()
}

/// `path` as one word of a shell command: in single quotes unless it is plain.
#[cfg(unix)]
fn kutip(path: &Path) -> String {
    let text = path.to_string_lossy();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(all(test, unix))]
mod tests_izin {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn loose_modes_of_the_sopan_folder_and_accounts_are_warned_with_the_chmod() {
        let dir = std::env::temp_dir().join(format!("sopan-izin {}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sopan = dir.join(FOLDER);
        std::fs::create_dir_all(&sopan).unwrap();
        let akun = sopan.join(super::super::akun::BERKAS);
        std::fs::write(&akun, "").unwrap();
        let set = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        set(&sopan, 0o700);
        set(&akun, 0o600);
        assert_eq!(izin_longgar(&dir), Vec::<String>::new());
        set(&sopan, 0o755);
        set(&akun, 0o644);
        let found = izin_longgar(&dir);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("dibaca") && found[0].contains("mode 0755"));
        assert!(found[0].ends_with(&format!("chmod 700 '{}'", sopan.display())));
        assert!(found[1].ends_with(&format!("chmod 600 '{}'", akun.display())));
        set(&sopan, 0o770);
        set(&akun, 0o640);
        let found = izin_longgar(&dir);
        assert!(found[0].contains("diubah"), "{found:?}");
        assert_eq!(found.len(), 2, "group-readable accounts");
        set(&sopan, 0o700);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
