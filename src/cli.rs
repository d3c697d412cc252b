//! Command-line arguments: clap definitions turned into plain option structs.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// sopan — SOP Administrasi Pemerintahan dari TOML ke PDF siap cetak.
#[derive(Debug, Parser)]
#[command(name = "sopan", version, about, long_about = None)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Membuat PDF dari satu atau beberapa berkas SOP (.toml).
    Render(RenderArgs),
    /// Memeriksa berkas atau folder SOP tanpa menulis apa pun.
    Check(CheckArgs),
    /// Membuat PDF semua SOP di bawah folder katalog (paralel, hanya yang berubah).
    Build(BuildArgs),
    /// Membuat buku SOP siap cetak: sampul, daftar isi, bab, semua SOP katalog.
    Book(BookArgs),
    /// Mencetak daftar (register) SOP katalog: nomor, nama, unit, status.
    Daftar(DaftarArgs),
    /// Membuat katalog baru yang siap pakai: katalog.toml, contoh SOP, logo.
    Init(InitArgs),
    /// Pratinjau di peramban: halaman ikut berubah setiap kali berkas disimpan.
    Preview(PreviewArgs),
}

/// `sopan render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Berkas SOP (.toml).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Berkas hasil (hanya untuk satu berkas SOP) atau folder; bawaan: di samping berkas SOP.
    /// Gambar beberapa halaman diberi nomor halaman (lakip-2.png); pola nama lain ada di README.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Bentuk hasil: pdf, png (gambar) atau svg (gambar vektor); bawaan: dari nama -o, atau pdf.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Halaman yang dibuat, misalnya 2, 2-3, 3- atau 1,3-4; bawaan: semua.
    #[arg(long, value_name = "HALAMAN")]
    pub pages: Option<String>,
    /// Ketajaman gambar png dalam piksel per inci.
    #[arg(long, default_value_t = 150.0)]
    pub ppi: f64,
    /// Tulis geometri diagram alir (JSON) ke berkas ini (hanya untuk satu berkas SOP).
    #[arg(long, value_name = "FILE.json")]
    pub geometry: Option<PathBuf>,
}

/// `sopan check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Berkas SOP atau folder katalog.
    #[arg(required = true)]
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

impl Format {
    /// The format a file name asks for by its extension.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "pdf" => Some(Format::Pdf),
            "png" => Some(Format::Png),
            "svg" => Some(Format::Svg),
            _ => None,
        }
    }

    /// The file extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// `sopan preview`.
#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// Berkas SOP atau folder katalog.
    pub path: PathBuf,
    /// Port server; 0 memilih port bebas.
    #[arg(long, default_value_t = 8123)]
    pub port: u16,
    /// Alamat yang didengarkan; bawaan hanya komputer ini. Ubah hanya bila perlu dibuka dari komputer lain.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
}

/// `sopan build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Folder katalog.
    pub dir: PathBuf,
    /// Folder hasil (pohon PDF sama dengan pohon SOP); bawaan: DIR/pdf.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Jumlah pekerja paralel; bawaan: semua inti prosesor.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Buat ulang semua PDF, juga yang tidak berubah.
    #[arg(long)]
    pub force: bool,
    /// Hanya bagian ke-K dari N bagian daftar SOP (untuk dibagi ke beberapa mesin).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
}

/// `sopan book`.
#[derive(Debug, clap::Args)]
pub struct BookArgs {
    /// Folder katalog (berisi katalog.toml).
    pub dir: PathBuf,
    /// Berkas PDF buku; bawaan: buku.pdf di folder katalog.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Cetak bolak-balik: setiap bab dan SOP dimulai di halaman ganjil.
    #[arg(long)]
    pub duplex: bool,
    /// Jumlah pekerja paralel; bawaan: semua inti prosesor.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// `sopan daftar`.
#[derive(Debug, clap::Args)]
pub struct DaftarArgs {
    /// Folder katalog.
    pub dir: PathBuf,
    /// Cetak sebagai CSV (untuk spreadsheet), bukan tabel.
    #[arg(long)]
    pub csv: bool,
}

/// `sopan init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Folder katalog baru (dibuat bila belum ada).
    pub dir: PathBuf,
}
