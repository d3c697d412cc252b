//! Pengesahan: approving an SOP and signing its sheet ([`sahkan`]), the fingerprint of
//! what was approved and its short code ([`sidik`]), the catalogue's archive of signed
//! PDFs with their records ([`arsip`]), the approval flow as a pure state machine
//! ([`alur`]) and an SOP's place in it, moved and recorded in the history ([`keadaan`]).
//! The signature itself is [`crate::tanda`]'s.

pub mod alur;
pub mod arsip;
pub mod keadaan;
pub mod sahkan;
pub mod sidik;
