//! The `sopan` binary: parse arguments, run the command, map the outcome to an exit code.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser as _;
use cli::{Args, Command};
use cmd::Outcome;
use sopan::pipeline::Settings;

/// Typst allocates and frees many small objects; glibc's malloc spent about a
/// tenth of a catalogue build on them, and its arenas slow parallel workers.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    sopan::quiet_panics();
    let args = Args::try_parse().unwrap_or_else(|e| e.apply::<cli::Bahasa>().exit());
    match sopan::catch_panic(|| run(&args)) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::BadInput) => ExitCode::from(1),
        Ok(Outcome::BadUsage) => ExitCode::from(2),
        Err(what) => {
            eprintln!("{}", sopan::bug_message(&what));
            ExitCode::from(101)
        }
    }
}

/// Runs the command `args` names.
fn run(args: &Args) -> Outcome {
    let settings = Settings::from_env();
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    match &args.command {
        Command::Render(a) => cmd::render::run(a, &settings, &mut out, &mut err),
        Command::Check(a) => cmd::check::run(a, &settings, &mut out, &mut err),
        Command::Build(a) => cmd::build::run(a, &settings, &mut out, &mut err),
        Command::Book(a) => cmd::book::run(a, &settings, &mut out, &mut err),
        Command::Daftar(a) => cmd::daftar::run(a, &settings, &mut out, &mut err),
        Command::Init(a) => cmd::init::run(a, &mut out, &mut err),
        Command::Preview(a) => cmd::preview::run(a, &settings, &mut out, &mut err),
        Command::Panduan => cmd::panduan::run(&mut out),
        Command::Skema(a) => cmd::skema::run(a, &mut out),
        Command::Pengguna(a) => cmd::pengguna::run(a, &mut out, &mut err),
        Command::Riwayat(a) => cmd::riwayat::run(a, &mut out, &mut err),
        Command::Impor(a) => cmd::impor::run(a, &mut out, &mut err),
        Command::Sahkan(a) => cmd::sahkan::run(a, &settings, &mut out, &mut err),
        Command::Verifikasi(a) => cmd::verifikasi::run(a, &settings, &mut out, &mut err),
    }
}
