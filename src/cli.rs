//! Command-line arguments: clap definitions, parsed into plain values ([`PageSelection`],
//! [`Shard`], worker counts) before any command runs. Help and usage errors are in
//! Indonesian: clap's own headings, flags and messages are replaced ([`Bahasa`]).

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{ArgAction, Parser, Subcommand, ValueEnum};

use sopan::katalog::build::Shard;
use sopan::output::PageSelection;

/// The help screen of sopan and of each command, with Indonesian headings.
const BANTUAN: &str = "{about}\n\nPenggunaan: {usage}\n\n{all-args}{after-help}";

/// sopan — SOP Administrasi Pemerintahan dari TOML ke PDF siap cetak.
#[derive(Debug, Parser)]
#[command(
    name = "sopan",
    version,
    about,
    long_about = None,
    help_template = BANTUAN,
    override_usage = "sopan <PERINTAH> [PILIHAN]",
    subcommand_help_heading = "Perintah",
    subcommand_value_name = "PERINTAH",
    next_help_heading = "Pilihan",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Contoh:\n  sopan render katalog/umum/surat-masuk.toml\n  sopan panduan\n\n\
                  Ketik sopan <PERINTAH> --help untuk bantuan satu perintah."
)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Tampilkan bantuan ini.
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    pub bantuan: Option<bool>,
    /// Tampilkan versi sopan.
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    pub versi: Option<bool>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Membuat PDF dari satu atau beberapa berkas SOP (.toml).
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan render <BERKAS>... [PILIHAN]",
        after_help = "Contoh:\n  sopan render lakip.toml\n  \
                      sopan render lakip.toml --format png --pages 2\n  \
                      sopan render lakip.toml -o kirim/"
    )]
    Render(RenderArgs),
    /// Memeriksa berkas atau folder SOP tanpa menulis apa pun.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan check <BERKAS atau FOLDER>... [--review]",
        after_help = "Contoh:\n  sopan check katalog/\n  sopan check --review katalog/umum/surat-masuk.toml"
    )]
    Check(CheckArgs),
    /// Membuat PDF semua SOP di bawah folder katalog (paralel, hanya yang berubah).
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan build <FOLDER> [PILIHAN]",
        after_help = "Contoh:\n  sopan build katalog/\n  sopan build katalog/ -o hasil/ --force"
    )]
    Build(BuildArgs),
    /// Membuat buku SOP siap cetak: sampul, daftar isi, bab, semua SOP katalog.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan book <FOLDER> [PILIHAN]",
        after_help = "Contoh:\n  sopan book katalog/ -o buku.pdf --duplex"
    )]
    Book(BookArgs),
    /// Mencetak daftar (register) SOP katalog: nomor, nama, unit, status.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan daftar <FOLDER> [--csv | --excel]",
        after_help = "Contoh:\n  sopan daftar katalog/\n  sopan daftar katalog/ --csv > daftar.csv"
    )]
    Daftar(DaftarArgs),
    /// Membuat katalog baru yang siap pakai: katalog.toml, contoh SOP, logo.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan init <FOLDER>",
        after_help = "Contoh:\n  sopan init katalog-baru/"
    )]
    Init(InitArgs),
    /// Pratinjau di peramban: halaman ikut berubah setiap kali berkas disimpan.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan preview <BERKAS atau FOLDER> [PILIHAN]",
        after_help = "Contoh:\n  sopan preview katalog/"
    )]
    Preview(PreviewArgs),
    /// Menampilkan panduan lengkap cara menulis berkas SOP dan katalog.toml.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan panduan",
        after_help = "Contoh:\n  sopan panduan"
    )]
    Panduan,
    /// Mencetak JSON Schema berkas SOP atau katalog.toml, untuk bantuan di editor.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan skema <sop|katalog>",
        after_help = "Contoh:\n  sopan skema sop > skema/sop.json"
    )]
    Skema(SkemaArgs),
    /// Mengelola akun penyunting untuk pratinjau yang dibuka di jaringan kantor.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan pengguna <tambah|peran|hapus|daftar> [NAMA] [PILIHAN]",
        after_help = "Contoh:\n  sopan pengguna tambah sari --peran penyusun --katalog katalog/\n  \
                      sopan pengguna peran budi --peran pemeriksa,pengesah --katalog katalog/\n  \
                      sopan pengguna daftar --katalog katalog/\n\n\
                      Peran: penyusun (menulis dan mengajukan SOP), pemeriksa (memeriksa, memberi \
                      catatan, meneruskan atau mengembalikan), pengesah (mengesahkan dan \
                      menandatangani), admin (kop dan penanda tangan di katalog.toml). Akun lama \
                      tanpa peran tetap dapat dipakai sebagai penyusun."
    )]
    Pengguna(PenggunaArgs),
    /// Menampilkan riwayat penyimpanan dan pengesahan dari pratinjau: siapa, kapan, berkas apa.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan riwayat [FOLDER] [--periksa]",
        after_help = "Contoh:\n  sopan riwayat katalog/\n  sopan riwayat katalog/ --periksa\n\n\
                      Setiap baris riwayat memuat sidik baris sebelumnya; --periksa memastikan \
                      tidak ada baris yang diubah atau dihapus."
    )]
    Riwayat(RiwayatArgs),
    /// Mengambil SOP yang sudah ada dari berkas Word (.docx) atau Excel (.xlsx).
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan impor <BERKAS.docx atau BERKAS.xlsx> [-o FOLDER]",
        after_help = "Contoh:\n  sopan impor buku-sop-2023.docx -o katalog/\n\n\
                      Setiap SOP di berkas menjadi satu berkas .toml; kop dan penanda tangan \
                      bersama masuk katalog.toml. Berkas yang sudah ada tidak ditimpa. Tebakan \
                      ditandai \"# periksa:\" dan didaftar oleh sopan check --review."
    )]
    Impor(ImporArgs),
    /// Mengesahkan SOP dan menandatanganinya secara elektronik dengan sertifikat .p12.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan sahkan <BERKAS> --sertifikat <BERKAS.p12> [PILIHAN]",
        after_help = "Contoh:\n  sopan sahkan katalog/umum/surat-masuk.toml --sertifikat kadis.p12\n\n\
                      Kata sandi sertifikat ditanyakan (atau dibaca dari masukan standar bila bukan \
                      terminal) dan tidak pernah disimpan. SOP ditulis berstatus berlaku beserta \
                      tanggalnya, dan PDF bertanda tangan disimpan di folder arsip/ katalog."
    )]
    Sahkan(SahkanArgs),
    /// Memeriksa tanda tangan elektronik PDF: sah, utuh, siapa, kapan, masih sesuai SOP.
    #[command(
        help_template = BANTUAN,
        next_help_heading = "Pilihan",
        override_usage = "sopan verifikasi <BERKAS.pdf> [--akar <AKAR.pem>]",
        after_help = "Contoh:\n  sopan verifikasi katalog/arsip/surat-masuk-2024-06-01-7Q2MK9XHAB.pdf --akar bsre.pem"
    )]
    Verifikasi(VerifikasiArgs),
}

/// `sopan sahkan`.
#[derive(Debug, clap::Args)]
pub struct SahkanArgs {
    /// Berkas SOP (.toml) yang disahkan.
    #[arg(value_name = "BERKAS", help_heading = "Argumen")]
    pub berkas: PathBuf,
    /// Sertifikat elektronik penanda tangan (.p12 atau .pfx), misalnya dari BSrE.
    #[arg(long, value_name = "BERKAS.p12", required = true)]
    pub sertifikat: PathBuf,
    /// Alamat TSA (cap waktu RFC 3161, http://...); bawaan: tanpa cap waktu.
    #[arg(long, value_name = "ALAMAT")]
    pub tsa: Option<String>,
    /// Tetap sahkan walaupun nama atau NIP di sertifikat tidak ada atau berbeda.
    #[arg(long)]
    pub tetap: bool,
}

/// `sopan verifikasi`.
#[derive(Debug, clap::Args)]
pub struct VerifikasiArgs {
    /// PDF bertanda tangan.
    #[arg(value_name = "BERKAS", help_heading = "Argumen")]
    pub berkas: PathBuf,
    /// Sertifikat akar (PEM) penyelenggara sertifikat yang dipercaya.
    #[arg(long, value_name = "AKAR.pem")]
    pub akar: Option<PathBuf>,
}

/// `sopan impor`.
#[derive(Debug, clap::Args)]
pub struct ImporArgs {
    /// Berkas Word (.docx) atau Excel (.xlsx) berisi satu SOP atau lebih.
    #[arg(value_name = "BERKAS", help_heading = "Argumen")]
    pub berkas: PathBuf,
    /// Folder hasil; bawaan: folder bernama seperti berkasnya, di folder ini.
    #[arg(short = 'o', long = "output", value_name = "FOLDER")]
    pub output: Option<PathBuf>,
}

/// `sopan pengguna`.
#[derive(Debug, clap::Args)]
pub struct PenggunaArgs {
    /// tambah (akun baru, atau kata sandi baru), peran (mengganti peran), hapus, atau
    /// daftar.
    #[arg(
        value_enum,
        value_name = "PERINTAH",
        help_heading = "Argumen",
        hide_possible_values = true
    )]
    pub perintah: PenggunaPerintah,
    /// Nama pengguna: huruf, angka, titik, - atau _ (untuk tambah, peran dan hapus).
    #[arg(value_name = "NAMA", help_heading = "Argumen")]
    pub nama: Option<String>,
    /// Peran akun, dipisah koma: penyusun, pemeriksa, pengesah, admin (untuk tambah dan
    /// peran).
    #[arg(long, value_name = "PERAN")]
    pub peran: Option<String>,
    /// Folder katalog yang dibuka dengan `sopan preview`; bawaan: folder tempat perintah
    /// ini dijalankan.
    #[arg(
        long,
        value_name = "FOLDER",
        default_value = ".",
        hide_default_value = true
    )]
    pub katalog: PathBuf,
}

/// What `sopan pengguna` does.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PenggunaPerintah {
    /// Tambah akun, atau ganti kata sandinya.
    Tambah,
    /// Ganti peran akun.
    Peran,
    /// Hapus akun.
    Hapus,
    /// Tampilkan semua akun.
    Daftar,
}

/// `sopan riwayat`.
#[derive(Debug, clap::Args)]
pub struct RiwayatArgs {
    /// Folder katalog yang dibuka dengan `sopan preview`; bawaan: folder tempat perintah
    /// ini dijalankan.
    #[arg(
        value_name = "FOLDER",
        default_value = ".",
        hide_default_value = true,
        help_heading = "Argumen"
    )]
    pub folder: PathBuf,
    /// Periksa apakah rantai riwayat utuh: baris yang diubah atau dihapus disebutkan.
    #[arg(long)]
    pub periksa: bool,
}

/// `sopan skema`.
#[derive(Debug, clap::Args)]
pub struct SkemaArgs {
    /// Skema untuk berkas SOP (sop) atau untuk katalog.toml (katalog).
    #[arg(
        value_enum,
        value_name = "JENIS",
        help_heading = "Argumen",
        hide_possible_values = true
    )]
    pub jenis: SkemaJenis,
}

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SkemaJenis {
    /// Berkas SOP.
    Sop,
    /// katalog.toml.
    Katalog,
}

/// `sopan render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Berkas SOP (.toml).
    #[arg(required = true, value_name = "BERKAS", help_heading = "Argumen")]
    pub files: Vec<PathBuf>,
    /// Berkas hasil (hanya untuk satu berkas SOP) atau folder; bawaan: di samping berkas SOP.
    /// Gambar beberapa halaman diberi nomor halaman (lakip-2.png); pola nama lain ada di README.
    #[arg(short, long, value_name = "HASIL")]
    pub output: Option<PathBuf>,
    /// Bentuk hasil: pdf, png (gambar) atau svg (gambar vektor); bawaan: dari nama -o, atau pdf.
    #[arg(long, value_enum, value_name = "BENTUK", hide_possible_values = true)]
    pub format: Option<Format>,
    /// Halaman yang dibuat, misalnya 2, 2-3, 3- atau 1,3-4; bawaan: semua.
    #[arg(long, value_name = "HALAMAN")]
    pub pages: Option<PageSelection>,
    /// Ketajaman gambar png dalam piksel per inci, 10 sampai 1200; bawaan 150.
    #[arg(long, default_value_t = 150.0, value_parser = ppi, value_name = "PPI", hide_default_value = true)]
    pub ppi: f64,
    /// Tulis geometri diagram alir (JSON) ke berkas ini (hanya untuk satu berkas SOP).
    #[arg(long, value_name = "BERKAS.json")]
    pub geometry: Option<PathBuf>,
}

/// `sopan check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Berkas SOP atau folder katalog.
    #[arg(
        required = true,
        value_name = "BERKAS atau FOLDER",
        help_heading = "Argumen"
    )]
    pub paths: Vec<PathBuf>,
    /// Juga tampilkan daftar hal yang masih perlu dilengkapi sebelum pengesahan.
    #[arg(long)]
    pub review: bool,
}

/// What `sopan render` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// PDF/A siap cetak.
    Pdf,
    /// Gambar PNG per halaman.
    Png,
    /// Gambar vektor SVG per halaman.
    Svg,
}

/// `sopan preview`.
#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// Berkas SOP atau folder katalog.
    #[arg(value_name = "BERKAS atau FOLDER", help_heading = "Argumen")]
    pub path: PathBuf,
    /// Port server, bawaan 8123; 0 memilih port bebas.
    #[arg(long, default_value_t = 8123, hide_default_value = true, value_parser = port)]
    pub port: u16,
    /// Alamat yang didengarkan; bawaan 127.0.0.1, hanya komputer ini. Ubah hanya bila perlu
    /// dibuka dari komputer lain.
    #[arg(
        long,
        default_value = "127.0.0.1",
        hide_default_value = true,
        value_name = "ALAMAT"
    )]
    pub host: String,
    /// Nama komputer ini di jaringan kantor (misalnya sop.dinas.local), bila pratinjau
    /// dibuka dengan nama, bukan alamat IP; boleh diulang.
    #[arg(long = "nama-host", value_name = "NAMA")]
    pub host_names: Vec<String>,
    /// Mengubah SOP perlu masuk dengan akun, juga dari komputer ini (untuk komputer
    /// bersama dan terminal server, yang dipakai banyak orang).
    #[arg(long = "wajib-masuk")]
    pub wajib_masuk: bool,
    /// Sertifikat HTTPS (berkas PEM, misalnya fullchain.pem): pratinjau dibuka dengan
    /// https://, dan kata sandi tidak terkirim terbuka di jaringan.
    #[arg(long = "tls-sertifikat", value_name = "BERKAS", requires = "tls_kunci")]
    pub tls_sertifikat: Option<PathBuf>,
    /// Kunci privat sertifikat HTTPS itu (berkas PEM tanpa kata sandi, misalnya
    /// privkey.pem).
    #[arg(long = "tls-kunci", value_name = "BERKAS", requires = "tls_sertifikat")]
    pub tls_kunci: Option<PathBuf>,
    /// Alamat IP proxy HTTPS (Caddy, nginx) di depan pratinjau: hanya darinya
    /// X-Forwarded-Proto dan X-Forwarded-For dipercaya.
    #[arg(long, value_name = "ALAMAT", value_parser = proxy)]
    pub proxy: Option<std::net::IpAddr>,
}

/// How many SOPs are typeset at once (`build`, `book`).
#[derive(Debug, clap::Args)]
pub struct Jobs {
    /// Jumlah pekerja paralel; bawaan: semua inti prosesor.
    #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = jobs)]
    pub count: Option<usize>,
}

impl Jobs {
    /// The number of workers: as asked, or one per core.
    pub fn get(&self) -> usize {
        self.count
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

/// `sopan build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Folder katalog.
    #[arg(value_name = "FOLDER", help_heading = "Argumen")]
    pub dir: PathBuf,
    /// Folder hasil (pohon PDF sama dengan pohon SOP); bawaan: FOLDER/pdf.
    #[arg(short, long, value_name = "HASIL")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub jobs: Jobs,
    /// Buat ulang semua PDF, juga yang tidak berubah.
    #[arg(long)]
    pub force: bool,
    /// Hanya bagian ke-K dari N bagian daftar SOP (untuk dibagi ke beberapa mesin), misalnya 2/4.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

/// `sopan book`.
#[derive(Debug, clap::Args)]
pub struct BookArgs {
    /// Folder katalog (berisi katalog.toml).
    #[arg(value_name = "FOLDER", help_heading = "Argumen")]
    pub dir: PathBuf,
    /// Berkas PDF buku; bawaan: buku.pdf di folder katalog.
    #[arg(short, long, value_name = "BERKAS.pdf")]
    pub output: Option<PathBuf>,
    /// Cetak bolak-balik: setiap bab dan SOP dimulai di halaman ganjil.
    #[arg(long)]
    pub duplex: bool,
    #[command(flatten)]
    pub jobs: Jobs,
}

/// `sopan daftar`.
#[derive(Debug, clap::Args)]
pub struct DaftarArgs {
    /// Folder katalog.
    #[arg(value_name = "FOLDER", help_heading = "Argumen")]
    pub dir: PathBuf,
    /// Cetak sebagai CSV (untuk spreadsheet), bukan tabel.
    #[arg(long)]
    pub csv: bool,
    /// CSV untuk Excel berbahasa Indonesia: dipisah titik koma, dengan penanda UTF-8.
    #[arg(long)]
    pub excel: bool,
}

/// `sopan init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Folder katalog baru (dibuat bila belum ada).
    #[arg(value_name = "FOLDER", help_heading = "Argumen")]
    pub dir: PathBuf,
}

/// clap's usage errors, said in Indonesian: which argument or value is wrong, the usage
/// line, and where to find help.
pub struct Bahasa;

impl ErrorFormatter for Bahasa {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let text = |kind: ContextKind| match error.get(kind) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(s)) => s.join(", "),
            Some(ContextValue::StyledStr(s)) => s.to_string(),
            Some(ContextValue::StyledStrs(s)) => s
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            Some(ContextValue::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let arg = text(ContextKind::InvalidArg);
        let value = text(ContextKind::InvalidValue);
        let why = std::error::Error::source(error).map(ToString::to_string);
        let mut out = String::from("error: ");
        let _ = match error.kind() {
            ErrorKind::InvalidValue | ErrorKind::ValueValidation => match why {
                Some(why) => write!(out, "nilai '{value}' untuk {arg} tidak valid: {why}"),
                None => write!(out, "nilai '{value}' untuk {arg} tidak valid"),
            },
            ErrorKind::UnknownArgument => write!(out, "pilihan '{arg}' tidak dikenal"),
            ErrorKind::InvalidSubcommand => write!(
                out,
                "perintah '{}' tidak dikenal",
                text(ContextKind::InvalidSubcommand)
            ),
            ErrorKind::MissingRequiredArgument => {
                write!(out, "belum ditulis: {arg}")
            }
            ErrorKind::MissingSubcommand => write!(out, "perintah apa yang dijalankan?"),
            ErrorKind::ArgumentConflict => write!(
                out,
                "{arg} tidak bisa dipakai bersama {}",
                text(ContextKind::PriorArg)
            ),
            ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
                write!(
                    out,
                    "terlalu banyak atau terlalu sedikit nilai untuk {arg}: '{value}'"
                )
            }
            ErrorKind::NoEquals => write!(out, "{arg} harus ditulis dengan = dan nilainya"),
            _ => write!(out, "cara memanggil sopan tidak tepat"),
        };
        for kind in [
            ContextKind::SuggestedSubcommand,
            ContextKind::SuggestedArg,
            ContextKind::SuggestedValue,
        ] {
            let suggested = text(kind);
            if !suggested.is_empty() {
                let _ = write!(out, "\n\n  maksudnya '{suggested}'?");
            }
        }
        let usage = text(ContextKind::Usage);
        if !usage.is_empty() {
            let usage = usage.replace("Usage:", "Penggunaan:");
            let _ = write!(out, "\n\n{}", usage.trim_end());
        }
        let _ = write!(out, "\n\nKetik 'sopan --help' untuk bantuan.\n");
        StyledStr::from(out)
    }
}

/// `-j N`: at least one worker.
fn jobs(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("-j harus paling sedikit 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("\"{text}\" bukan bilangan; tulis misalnya -j 2")),
    }
}

/// `--port`: a TCP port, 0 for any free one.
fn port(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u64>() {
        Ok(p) => u16::try_from(p).map_err(|_| {
            format!(
                "{p} di luar batas; pakai 1 sampai 65535 (misalnya 8123), atau 0 untuk port bebas"
            )
        }),
        Err(_) => Err(format!(
            "\"{text}\" bukan bilangan; tulis misalnya --port 8124"
        )),
    }
}

/// `--proxy`: the IP address of a reverse proxy.
fn proxy(text: &str) -> Result<std::net::IpAddr, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("\"{text}\" bukan alamat IP; tulis misalnya --proxy 127.0.0.1"))
}

/// `--ppi`: a sharpness an image viewer and a printer can use.
fn ppi(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (10.0..=1200.0).contains(&p) => Ok(p),
        Ok(p) => Err(format!(
            "{p} di luar batas; pakai 10 sampai 1200 (150 cukup untuk layar, 300 untuk cetak)"
        )),
        Err(_) => Err(format!(
            "\"{text}\" bukan bilangan; tulis misalnya --ppi 300"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_parsed_by_clap() {
        let args = Args::try_parse_from([
            "sopan", "build", "kat", "-j", "3", "--shard", "2/5", "--force",
        ])
        .expect("valid");
        let Command::Build(b) = args.command else {
            panic!("build")
        };
        assert_eq!(b.jobs.get(), 3);
        assert_eq!(b.shard, Some(Shard { k: 2, n: 5 }));
        for bad in [
            &["sopan", "build", "kat", "-j", "0"][..],
            &["sopan", "build", "kat", "--shard", "4/3"],
            &["sopan", "render", "a.toml", "--pages", "3-2"],
            &["sopan", "render", "a.toml", "--ppi", "5"],
        ] {
            let e = Args::try_parse_from(bad).expect_err("refused");
            assert_eq!(e.exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn clap_definitions_are_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
