//! Pengesahan: approving an SOP and signing its sheet ([`sahkan`]), the fingerprint of
//! what was approved and its short code ([`sidik`]), and the catalogue's archive of signed
//! PDFs with their records ([`arsip`]). The signature itself is [`crate::tanda`]'s.

pub mod arsip;
pub mod sahkan;
pub mod sidik;
