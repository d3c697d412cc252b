//! Command-line arguments: clap definitions turned into plain option structs.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

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
}

/// `sopan render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Berkas SOP (.toml).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Berkas PDF hasil (hanya untuk satu berkas SOP); bawaan: di samping berkas SOP.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
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
}
