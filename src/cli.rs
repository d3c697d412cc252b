//! Command-line arguments: clap definitions, parsed into plain values ([`PageSelection`],
//! [`Shard`], worker counts) before any command runs.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use sopan::katalog::build::Shard;
use sopan::output::PageSelection;

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
    pub pages: Option<PageSelection>,
    /// Ketajaman gambar png dalam piksel per inci (10 sampai 1200).
    #[arg(long, default_value_t = 150.0, value_parser = ppi)]
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
    pub dir: PathBuf,
    /// Folder hasil (pohon PDF sama dengan pohon SOP); bawaan: DIR/pdf.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub jobs: Jobs,
    /// Buat ulang semua PDF, juga yang tidak berubah.
    #[arg(long)]
    pub force: bool,
    /// Hanya bagian ke-K dari N bagian daftar SOP (untuk dibagi ke beberapa mesin).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
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
    #[command(flatten)]
    pub jobs: Jobs,
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

/// `-j N`: at least one worker.
fn jobs(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("-j harus paling sedikit 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("\"{text}\" bukan bilangan; tulis misalnya -j 2")),
    }
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
