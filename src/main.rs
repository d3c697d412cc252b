//! The `sopan` binary: parse arguments, run the command, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use sopan::cli::{Args, Command};
use sopan::commands::{self, Outcome};
use sopan::katalog;

/// Typst allocates and frees many small objects; glibc's malloc spent about a
/// tenth of a catalogue build on them, and its arenas slow parallel workers.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Args::parse();
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let outcome = match &args.command {
        Command::Render(a) => commands::render(a, &mut out, &mut err),
        Command::Check(a) => commands::check(a, &mut out, &mut err),
        Command::Build(a) => katalog::build::run(a, &mut out, &mut err),
        Command::Book(a) => katalog::buku::run(a, &mut out, &mut err),
        Command::Daftar(a) => katalog::daftar::run(a, &mut out, &mut err),
        Command::Init(a) => katalog::init::run(a, &mut out, &mut err),
        Command::Preview(a) => commands::preview(a, &mut out, &mut err),
    };
    match outcome {
        Outcome::Ok => ExitCode::SUCCESS,
        Outcome::BadInput => ExitCode::from(1),
        Outcome::BadUsage => ExitCode::from(2),
    }
}
