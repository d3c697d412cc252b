//! The flowchart engine: symbols, orthogonal routes, labels and off-page connectors,
//! computed from the measured table geometry. Pure functions on numbers; no Typst here.

pub mod check;
pub mod cut;
pub mod geometry;
pub mod route;

pub use geometry::*;
pub use route::{Budget, FlowInput, RowBox, StepIn, Symbols, route, route_sheet};
