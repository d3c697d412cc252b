//! Old and other formats (.doc, .xls, .odt, .ods, .rtf) made into .docx or .xlsx by
//! LibreOffice, when it is installed: `soffice --headless --convert-to` in a private
//! temporary folder of its own, with a profile of its own (so that a LibreOffice the
//! clerk has open is not disturbed), stopped if it takes too long.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::ImporError;

/// How long a conversion may take.
const BATAS_WAKTU: Duration = Duration::from_secs(180);

/// The format LibreOffice is asked for: Word's for documents, Excel's for sheets.
pub fn tujuan(ext: &str) -> Option<&'static str> {
    match ext {
        "doc" | "odt" | "rtf" | "wpd" | "docm" | "dot" | "dotx" => Some("docx"),
        "xls" | "ods" | "xlsm" | "xlsb" | "xlt" | "xltx" => Some("xlsx"),
        _ => None,
    }
}

/// The LibreOffice program, if one is installed: `SOPAN_SOFFICE`, `soffice` on the
/// path, or where its installers put it.
fn soffice() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SOPAN_SOFFICE") {
        return Some(PathBuf::from(p));
    }
    let names: &[&str] = if cfg!(windows) {
        &["soffice.exe", "soffice.com"]
    } else {
        &["soffice", "libreoffice"]
    };
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            for n in names {
                let p = dir.join(n);
                if p.is_file() {
                    return Some(p);
                }
            }
        }
    }
    [
        "/usr/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        "/opt/libreoffice/program/soffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        "C:\\Program Files\\LibreOffice\\program\\soffice.exe",
        "C:\\Program Files (x86)\\LibreOffice\\program\\soffice.exe",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// A folder only this process may use, removed when dropped.
struct Folder(PathBuf);

impl Folder {
    fn new() -> std::io::Result<Self> {
        let mut bytes = [0u8; 12];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let path = std::env::temp_dir().join(format!("sopan-impor-{name}"));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&path)?;
        Ok(Self(path))
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The bytes of the file `data` (named with extension `ext`) converted to `to`.
pub fn ubah(data: &[u8], ext: &str, to: &'static str) -> Result<Vec<u8>, ImporError> {
    let Some(program) = soffice() else {
        return Err(ImporError::TanpaLibreOffice {
            ext: ext.to_string(),
            ke: to,
        });
    };
    let folder = Folder::new().map_err(ImporError::Io)?;
    let input = folder.0.join(format!("sumber.{ext}"));
    std::fs::write(&input, data).map_err(ImporError::Io)?;
    let out_dir = folder.0.join("hasil");
    let profile = folder.0.join("profil");
    let profile_url = file_url(&profile);
    let mut child = Command::new(&program)
        .arg(format!("-env:UserInstallation={profile_url}"))
        .args(["--headless", "--norestore", "--nologo", "--nodefault"])
        .arg("--convert-to")
        .arg(to)
        .arg("--outdir")
        .arg(&out_dir)
        .arg(&input)
        .env("HOME", &folder.0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ImporError::Konversi(crate::io_error_id(&e)))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > BATAS_WAKTU => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ImporError::Konversi(format!(
                    "LibreOffice tidak selesai dalam {} detik",
                    BATAS_WAKTU.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(ImporError::Konversi(crate::io_error_id(&e))),
        }
    }
    let made = out_dir.join(format!("sumber.{to}"));
    crate::source::file::read_bytes(&made, super::MAKS).map_err(|_| {
        ImporError::Konversi(
            "LibreOffice tidak menghasilkan berkas (berkasnya mungkin rusak atau dilindungi \
             kata sandi)"
                .into(),
        )
    })
}

/// A `file://` URL for a local path, as LibreOffice's `-env:UserInstallation` wants it.
fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_urls_are_escaped() {
        assert_eq!(
            file_url(Path::new("/tmp/sopan impor/profil")),
            "file:///tmp/sopan%20impor/profil"
        );
        assert_eq!(tujuan("doc"), Some("docx"));
        assert_eq!(tujuan("xls"), Some("xlsx"));
        assert_eq!(tujuan("pdf"), None);
    }
}
