//! Saving the form into its SOP file: into the file the user has, never over a change
//! another program made, whole or not at all.
//!
//! One save, under the catalogue's save lock ([`Folder::lock`], shared by every
//! `sopan preview` of the catalogue):
//! 1. the file's real path must lie inside the catalogue (a link inside is saved
//!    through: its target gets the text, the link stays a link);
//! 2. the file is read and compared with the text the form was loaded from;
//! 3. a file without write permission is refused, unchanged;
//! 4. the new text goes to a temporary file beside the target (`.NAME.sopan-X.tmp`),
//!    which gets the target's owner, group, mode and POSIX ACL, and is synced;
//! 5. the file is read again and compared, as late as possible: a change made by
//!    another program since step 2 refuses the save;
//! 6. the temporary file and the target are exchanged in one step (Linux
//!    `renameat2(RENAME_EXCHANGE)`), and what came out is checked to be exactly what
//!    step 5 read: if another program replaced or wrote the file in between, the
//!    exchange is undone and the save refused. Elsewhere a plain rename replaces the
//!    file, and a change made in the microseconds between step 5 and the rename is
//!    lost;
//! 7. the folder is synced, so an acknowledged save survives a power cut.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::folder::Folder;
use crate::source::file::{self, Follow};

/// Why a save did not happen. The file is unchanged in every case.
#[derive(Debug)]
pub enum Gagal {
    /// The file is not what the form was loaded from: what it holds now.
    Berubah(String),
    /// The file has no write permission.
    HanyaBaca,
    /// The file leads out of the catalogue, or into its hidden folders.
    Luar,
    /// The form cannot be written into the file's text (it is not TOML).
    BukanToml,
    /// The file cannot be read.
    Baca(std::io::Error),
    /// The file cannot be written.
    Tulis(std::io::Error),
    /// Refused by the caller's condition ([`simpan_jika`]), with its reason.
    Ditolak(String),
    /// The history cannot take the change's line ([`super::riwayat::siap`]), so the
    /// change is not made.
    Riwayat(std::io::Error),
}

/// A save that happened (or found nothing to change).
pub struct Tersimpan {
    /// The file's text now.
    pub teks: String,
    /// The text it replaced.
    pub lama: String,
    /// Whether the file was written.
    pub ditulis: bool,
    /// What the clerk should know although the save succeeded.
    pub peringatan: Vec<String>,
    /// The catalogue's `.sopan` folder, for the history line.
    pub folder: Folder,
    /// The save lock, held until the history is written.
    _kunci: std::fs::File,
}

/// Saves into the SOP at `path` of the catalogue at `root` the text `ubah` makes from
/// the file's text, if the file still holds `dasar` (what the form was loaded from).
pub fn simpan(
    path: &Path,
    root: &Path,
    dasar: &str,
    ubah: impl FnOnce(&str) -> Option<String>,
) -> Result<Tersimpan, Gagal> {
    simpan_jika(path, root, dasar, || Ok(()), ubah)
}

/// [`simpan`], if `boleh` allows it: it runs under the save lock, so what it checks (an
/// SOP not submitted for approval) still holds when the file is written.
pub fn simpan_jika(
    path: &Path,
    root: &Path,
    dasar: &str,
    boleh: impl FnOnce() -> Result<(), String>,
    ubah: impl FnOnce(&str) -> Option<String>,
) -> Result<Tersimpan, Gagal> {
    let real = file::real_inside(path, root).map_err(|e| {
        if file::is_luar(&e) {
            Gagal::Luar
        } else {
            Gagal::Baca(e)
        }
    })?;
    let folder = match Folder::open(root, true) {
        Ok(Some(f)) => f,
        Ok(None) => return Err(Gagal::Tulis(std::io::ErrorKind::NotFound.into())),
        Err(e) => return Err(Gagal::Tulis(e)),
    };
    let kunci = folder.lock().map_err(Gagal::Tulis)?;
    super::riwayat::siap(&folder).map_err(Gagal::Riwayat)?;
    boleh().map_err(Gagal::Ditolak)?;
    let (disk, seen, old) = baca(&real)?;
    if disk != dasar {
        return Err(Gagal::Berubah(disk));
    }
    let teks = ubah(&disk).ok_or(Gagal::BukanToml)?;
    if teks == disk {
        return Ok(Tersimpan {
            teks,
            lama: disk,
            ditulis: false,
            peringatan: Vec::new(),
            folder,
            _kunci: kunci,
        });
    }
    if !boleh_tulis(&real, &seen) {
        return Err(Gagal::HanyaBaca);
    }
    let (tmp, mut out) = sementara(&real).map_err(Gagal::Tulis)?;
    let mut peringatan = Vec::new();
    let written = out
        .write_all(teks.as_bytes())
        .and_then(|()| sama_seperti(&out, &old, &seen, &mut peringatan))
        .and_then(|()| out.sync_all());
    drop((out, old));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Gagal::Tulis(e));
    }
    // As late as possible: the file must still be what was compared.
    let (now, again, _) = baca(&real).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    if now != disk || again != seen {
        let _ = std::fs::remove_file(&tmp);
        return Err(Gagal::Berubah(now));
    }
    ganti(&tmp, &real, &disk, &again)?;
    if let Some(dir) = real.parent() {
        sync_folder(dir).map_err(Gagal::Tulis)?;
    }
    Ok(Tersimpan {
        teks,
        lama: disk,
        ditulis: true,
        peringatan,
        folder,
        _kunci: kunci,
    })
}

/// What identifies a file's version: where it is, its size and when it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identitas {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    mode: u32,
    uid: u32,
    gid: u32,
}

impl Identitas {
    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
            mode: meta.mode(),
            uid: meta.uid(),
            gid: meta.gid(),
        }
    }

    #[cfg(not(unix))]
    fn of(meta: &std::fs::Metadata) -> Self {
        let at = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| (d.as_secs() as i64, i64::from(d.subsec_nanos())))
                .unwrap_or_default()
        };
        Self {
            dev: 0,
            ino: 0,
            size: meta.len(),
            mtime: at(meta.modified()),
            ctime: (0, 0),
            mode: u32::from(meta.permissions().readonly()),
            uid: 0,
            gid: 0,
        }
    }

    /// The same file with the same contents, whatever happened to its name: a rename
    /// changes the ctime, so it is left out.
    fn same_file(&self, other: &Self) -> bool {
        (self.dev, self.ino, self.size, self.mtime)
            == (other.dev, other.ino, other.size, other.mtime)
    }
}

/// Reads the file at `real` (no link in its last component): its text, its identity
/// from the open handle, and the handle.
fn baca(real: &Path) -> Result<(String, Identitas, std::fs::File), Gagal> {
    let opened = file::open_regular(real, Follow::No).map_err(Gagal::Baca)?;
    let seen = Identitas::of(&opened.metadata().map_err(Gagal::Baca)?);
    let data = file::read_open(opened.try_clone().map_err(Gagal::Baca)?, file::SOP_MAKS)
        .map_err(Gagal::Baca)?;
    let text = file::decode(data).map_err(|e| {
        Gagal::Baca(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{e} ({})", e.hint()),
        ))
    })?;
    Ok((text, seen, opened))
}

/// Whether the server may write the file: a file without any write permission is
/// refused even for an administrator (root could write it, but its owner made it
/// read-only on purpose).
fn boleh_tulis(real: &Path, seen: &Identitas) -> bool {
    #[cfg(unix)]
    {
        if rustix::process::geteuid().is_root() {
            seen.mode & 0o222 != 0
        } else {
            rustix::fs::access(real, rustix::fs::Access::WRITE_OK).is_ok()
        }
    }
    #[cfg(not(unix))]
    {
        let _ = real;
        seen.mode == 0
    }
}

/// A new temporary file beside `real`, created exclusively, private until it gets the
/// target's mode.
fn sementara(real: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let dir = real.parent().unwrap_or(Path::new("."));
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sop.toml".into());
    let mut last = None;
    for _ in 0..16 {
        let tmp = dir.join(crate::output::temporary_name(&name));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options
                .mode(0o600)
                .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        }
        match options.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// Gives the temporary file `out` what the target has: owner and group (when the
/// system lets the server), mode, and on Linux the POSIX ACL. What cannot be kept is
/// said in `peringatan`.
fn sama_seperti(
    out: &std::fs::File,
    old: &std::fs::File,
    seen: &Identitas,
    peringatan: &mut Vec<String>,
) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use rustix::fs::{Gid, Uid, fchown, fstat};
        use std::os::unix::fs::PermissionsExt;
        let (uid, gid) = (Uid::from_raw(seen.uid), Gid::from_raw(seen.gid));
        if fchown(out, Some(uid), Some(gid)).is_err() {
            // Not root: the group may still be given (the server is in it).
            let _ = fchown(out, None, Some(gid));
        }
        // After chown, which clears set-id bits.
        out.set_permissions(std::fs::Permissions::from_mode(seen.mode & 0o7777))?;
        let now = fstat(out)?;
        if (now.st_uid, now.st_gid) != (seen.uid, seen.gid) {
            peringatan.push(
                "tersimpan, tetapi pemilik atau grup berkas kini pengguna server: server \
                 tidak berhak mengembalikannya (jalankan pratinjau sebagai pemilik berkas)"
                    .into(),
            );
        }
        #[cfg(target_os = "linux")]
        if !salin_acl(old, out) {
            peringatan.push(
                "tersimpan, tetapi hak akses tambahan (ACL) berkas tidak dapat disalin".into(),
            );
        }
    }
    let _ = (out, old, seen, &peringatan);
    Ok(())
}

/// Copies the POSIX ACL of `from` to `to`; false when one exists and cannot be copied.
#[cfg(target_os = "linux")]
fn salin_acl(from: &std::fs::File, to: &std::fs::File) -> bool {
    const ACL: &str = "system.posix_acl_access";
    let mut buf = vec![0u8; 64 * 1024];
    match rustix::fs::fgetxattr(from, ACL, &mut buf[..]) {
        Ok(n) => rustix::fs::fsetxattr(to, ACL, &buf[..n], rustix::fs::XattrFlags::empty()).is_ok(),
        // No ACL, or a file system without them.
        Err(_) => true,
    }
}

/// Puts the temporary file `tmp` in place of `real`, unless `real` is no longer the
/// file `seen` with the text `disk`: then it is left (or put back) as it is.
fn ganti(tmp: &Path, real: &Path, disk: &str, seen: &Identitas) -> Result<(), Gagal> {
    let gagal = |e: std::io::Error| {
        let _ = std::fs::remove_file(tmp);
        Gagal::Tulis(e)
    };
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, tmp, CWD, real, RenameFlags::EXCHANGE) {
            Ok(()) => {
                // `tmp` now holds what was at `real` an instant ago.
                let out = baca(tmp);
                let kept = matches!(&out, Ok((text, id, _)) if text == disk && id.same_file(seen));
                if kept {
                    let _ = std::fs::remove_file(tmp);
                    return Ok(());
                }
                // Another program wrote or replaced the file in that instant: theirs
                // goes back, the save is refused.
                let back = renameat_with(CWD, tmp, CWD, real, RenameFlags::EXCHANGE);
                let _ = std::fs::remove_file(tmp);
                back.map_err(|e| Gagal::Tulis(e.into()))?;
                let (now, _, _) = baca(real)?;
                return Err(Gagal::Berubah(now));
            }
            // A file system without the exchange: a plain rename below.
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
            Err(e) => return Err(gagal(e.into())),
        }
    }
    let _ = (disk, seen);
    std::fs::rename(tmp, real).map_err(gagal)
}

/// Syncs a folder, so a rename in it survives a power cut.
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Removes the temporary files a crash left below the catalogue at `root`: sopan's one
/// pattern ([`crate::output::is_temporary`]) for a `.toml` file (a PDF that `sopan
/// build` is writing keeps its own), and any of that pattern in the private `.sopan`
/// folder (the history's last link, `riwayat.ujung`, is written there under the same
/// lock), under the save lock so no save in progress loses its file. Folder links are
/// not followed. Returns how many.
pub fn bersihkan(root: &Path) -> usize {
    let folder = Folder::open(root, false).ok().flatten();
    let _kunci = folder.as_ref().and_then(|f| f.lock().ok());
    let mut removed = 0;
    let sopan = root.join(super::folder::FOLDER);
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let own = dir == sopan;
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file()
                && name.to_str().is_some_and(|n| {
                    crate::output::is_temporary(n) && (own || n.contains(".toml."))
                })
                && std::fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

/// What the clerk reads when a save cannot be written, with what to do; the system's
/// own words follow in brackets for the administrator.
pub fn pesan_tulis(err: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let (apa, lakukan) = match err.kind() {
        StorageFull | QuotaExceeded => (
            "disk server penuh",
            "Kosongkan ruang di disk server (hapus berkas yang tidak diperlukan), lalu simpan lagi.",
        ),
        ReadOnlyFilesystem => (
            "disk atau folder katalog hanya dapat dibaca",
            "Minta pengelola komputer membuat disk itu dapat ditulis lagi, lalu simpan lagi.",
        ),
        PermissionDenied => (
            "server tidak diberi izin menulis di folder SOP ini",
            "Minta pengelola komputer memberi izin tulis pada folder itu, lalu simpan lagi.",
        ),
        FileTooLarge => (
            "berkas terlalu besar untuk disk ini",
            "Perkecil SOP ini (bagi menjadi beberapa SOP) atau minta pengelola memeriksa \
             batas ukuran berkas.",
        ),
        _ => (
            "terjadi kesalahan saat menulis",
            "Coba simpan lagi; bila tetap gagal, beri tahu pengelola komputer.",
        ),
    };
    let mut text = format!(
        "Tidak dapat menyimpan: {apa}. Berkas lama tetap utuh, perubahan Anda belum tersimpan. {lakukan}"
    );
    match err.raw_os_error() {
        Some(_) => text.push_str(&format!(" ({err})")),
        None if err.get_ref().is_some() => {
            text.push_str(&format!(" ({})", crate::io_error_id(err)))
        }
        None => {}
    }
    text
}

/// The clerk's message for a file without write permission.
pub const HANYA_BACA: &str = "Berkas ini hanya boleh dibaca (tidak ada izin tulis), jadi \
     tidak diubah. Bila memang perlu diubah, minta pengelola komputer membuka izin tulisnya \
     (di Windows: Properties, hilangkan centang Read-only), lalu simpan lagi.";

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sopan-simpan-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bab")).unwrap();
        dir.canonicalize().unwrap()
    }

    #[test]
    fn a_save_keeps_the_mode_and_a_link_inside_stays_a_link() {
        let dir = scratch("mode");
        let target = dir.join("bab/asli.toml");
        std::fs::write(&target, "nama = \"A\"\n").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.join("tautan.toml");
        std::os::unix::fs::symlink("bab/asli.toml", &link).unwrap();
        let saved = simpan(&link, &dir, "nama = \"A\"\n", |_| {
            Some("nama = \"B\"\n".into())
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(
            saved.ditulis && saved.peringatan.is_empty(),
            "{:?}",
            saved.peringatan
        );
        drop(saved);
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "nama = \"B\"\n");
        assert_eq!(std::fs::metadata(&target).unwrap().mode() & 0o7777, 0o640);
        // A stale base is refused, the file unchanged.
        let e = simpan(&target, &dir, "nama = \"A\"\n", |_| Some("x".into())).err();
        assert!(
            matches!(e, Some(Gagal::Berubah(ref t)) if t == "nama = \"B\"\n"),
            "{e:?}"
        );
        let names: Vec<_> = std::fs::read_dir(dir.join("bab"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["asli.toml"], "no temporary left");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_link_out_of_the_catalogue_is_refused() {
        let dir = scratch("luar");
        let outside =
            std::env::temp_dir().join(format!("sopan-simpan-rahasia-{}", std::process::id()));
        std::fs::write(&outside, "rahasia").unwrap();
        let link = dir.join("bab/x.toml");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let e = simpan(&link, &dir, "rahasia", |_| Some("ditimpa".into())).err();
        assert!(matches!(e, Some(Gagal::Luar)), "{e:?}");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "rahasia");
        let _ = std::fs::remove_file(&outside);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_replaced_in_the_instant_before_the_exchange_is_put_back() {
        let dir = scratch("tukar");
        let real = dir.join("bab/a.toml");
        std::fs::write(&real, "lama").unwrap();
        let (disk, seen, _) = baca(&real).unwrap();
        // Another program renames its own file over, after the last compare.
        let theirs = dir.join("bab/milik-lain");
        std::fs::write(&theirs, "milik lain").unwrap();
        std::fs::rename(&theirs, &real).unwrap();
        let (tmp, mut out) = sementara(&real).unwrap();
        out.write_all(b"baru").unwrap();
        let e = ganti(&tmp, &real, &disk, &seen).err();
        assert!(
            matches!(e, Some(Gagal::Berubah(ref t)) if t == "milik lain"),
            "{e:?}"
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "milik lain");
        assert!(!tmp.exists());
        // Written in place after the compare: the same file, other contents.
        std::fs::write(&real, "lama").unwrap();
        let (disk, seen, _) = baca(&real).unwrap();
        std::fs::write(&real, "ditulis di tempat").unwrap();
        let (tmp, mut out) = sementara(&real).unwrap();
        out.write_all(b"baru").unwrap();
        let e = ganti(&tmp, &real, &disk, &seen).err();
        assert!(matches!(e, Some(Gagal::Berubah(_))), "{e:?}");
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "ditulis di tempat");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn stale_temporaries_are_removed_and_nothing_else() {
        let dir = scratch("bersih");
        let stale = dir
            .join("bab")
            .join(crate::output::temporary_name("a.toml"));
        std::fs::write(&stale, "x").unwrap();
        std::fs::write(dir.join("bab/.a.toml.0123456789abcdef.tmp"), "x").unwrap();
        std::fs::write(dir.join("bab/a.toml"), "x").unwrap();
        std::fs::write(dir.join("bab/catatan.tmp"), "x").unwrap();
        let pdf = dir.join("bab").join(crate::output::temporary_name("a.pdf"));
        std::fs::write(&pdf, "x").unwrap();
        // A kill -9 while the history's last link was written.
        std::fs::create_dir_all(dir.join(".sopan")).unwrap();
        let ujung = dir
            .join(".sopan")
            .join(crate::output::temporary_name("riwayat.ujung"));
        std::fs::write(&ujung, "x").unwrap();
        std::fs::write(dir.join(".sopan/riwayat.ujung"), "x").unwrap();
        assert_eq!(bersihkan(&dir), 3);
        assert!(!stale.exists() && dir.join("bab/a.toml").exists());
        assert!(!ujung.exists() && dir.join(".sopan/riwayat.ujung").exists());
        assert!(dir.join("bab/catatan.tmp").exists() && pdf.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn write_failures_are_told_in_indonesian_with_what_to_do() {
        let full = std::io::Error::from_raw_os_error(28);
        let text = pesan_tulis(&full);
        assert!(
            text.starts_with("Tidak dapat menyimpan: disk server penuh. Berkas lama tetap utuh"),
            "{text}"
        );
        assert!(
            text.contains("Kosongkan ruang") && text.contains("(No space left"),
            "{text}"
        );
        assert!(pesan_tulis(&std::io::Error::from_raw_os_error(30)).contains("hanya dapat dibaca"));
        assert!(pesan_tulis(&std::io::Error::from_raw_os_error(13)).contains("izin tulis"));
        assert!(pesan_tulis(&std::io::Error::from_raw_os_error(27)).contains("terlalu besar"));
    }
}
