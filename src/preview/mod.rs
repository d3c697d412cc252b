//! `sopan preview`: a local web server that shows a catalogue's SOPs as they are edited,
//! with each SOP's pages as vector images, its review list and its diagnostics.
//!
//! [`watch`] sees a saved file, [`catalogue`] renders it again on a thread with a large
//! stack and keeps only the latest render, [`server`] serves the pages built by [`html`]
//! and tells open pages through Server-Sent Events.

pub mod alur;
pub mod catalogue;
pub mod conn;
pub mod gate;
pub mod html;
pub mod http;
pub mod server;
pub mod sesi;
pub mod sunting;
pub mod throttle;
pub mod watch;

pub use server::{Options, Preview, StartError, Tls, start};
