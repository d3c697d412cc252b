//! sopan's integration tests, in one test binary: the examples end to end, the fixture
//! folders, page images, a whole catalogue, the book, the review list, the preview in a
//! browser, and the router on hard cases and thousands of generated flows.
//! One binary instead of one per file: it links the Typst stack once.

#[path = "../common/mod.rs"]
mod common;

mod aksesibilitas;
mod alur;
mod architecture;
mod arsip;
mod berkas;
mod bom;
mod buku;
mod examples;
mod fixtures;
mod formulir;
mod fuzz;
mod grid;
mod hardening;
mod images;
mod impor;
mod katalog;
mod keamanan;
mod luar;
mod masuk;
mod panduan;
mod penyunting;
mod peramban;
mod preview;
mod review;
mod routing;
mod sahkan;
mod sulit;
mod tanda;
mod waktu;
