//! `sopan preview`: serves the live preview until the process is stopped.

use std::io::Write;

use super::Outcome;
use crate::cli::PreviewArgs;
use sopan::pipeline::Settings;
use sopan::preview;

/// `sopan preview`.
pub fn run(
    args: &PreviewArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Outcome {
    let options = preview::Options {
        path: args.path.clone(),
        host: args.host.clone(),
        port: args.port,
        host_names: args.host_names.clone(),
        wajib_masuk: args.wajib_masuk,
        settings: settings.clone(),
        tls: args
            .tls_sertifikat
            .clone()
            .zip(args.tls_kunci.clone())
            .map(|(sertifikat, kunci)| preview::Tls { sertifikat, kunci }),
        proxy: args.proxy,
    };
    let server = match preview::start(&options) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Outcome::BadUsage;
        }
    };
    if !server.addr().ip().is_loopback() {
        let _ = writeln!(
            err,
            "peringatan: pratinjau juga dapat dibuka dari komputer lain di jaringan ({})",
            server.addr()
        );
    }
    if let Some(p) = server.peringatan() {
        let _ = writeln!(err, "peringatan: {p}");
    }
    for p in server.izin_longgar() {
        let _ = writeln!(err, "peringatan: {p}");
    }
    if let Some(akun) = server.akun() {
        let _ = writeln!(
            out,
            "Mengubah SOP perlu masuk; akun dibaca dari {}",
            sopan::diag::display_path(&akun)
        );
        if !sopan::editor::akun::Akun::open(server.folder()).is_ok_and(|a| a.any()) {
            let _ = writeln!(
                err,
                "peringatan: belum ada akun; buat dengan: sopan pengguna tambah NAMA --katalog FOLDER"
            );
        }
    }
    if server.sisa_dihapus() > 0 {
        let _ = writeln!(
            out,
            "{} berkas sementara dari penyimpanan yang terputus dihapus.",
            server.sisa_dihapus()
        );
    }
    let _ = writeln!(out, "Pratinjau: {}", server.url());
    let _ = writeln!(
        out,
        "Buka alamat itu di peramban. Setiap kali berkas disimpan, halaman ikut berubah. \
         Tekan Ctrl+C untuk berhenti."
    );
    let _ = out.flush();
    server.wait();
    Outcome::Ok
}
