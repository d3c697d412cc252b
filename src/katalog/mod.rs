//! A whole catalogue at once: `build` (every SOP to PDF, parallel and incremental),
//! `book` (the bound SOP book),
//! `daftar` (the register of SOPs and their status) and `init` (a ready new katalog).

pub mod build;
pub mod buku;
pub mod daftar;
pub mod init;
