//! The router's hard cases as real SOPs (tests/fixtures/sulit), typeset end to end:
//! a loop back across a page break, three nested loops, a forward skip and a decision
//! whose both branches jump, eight lanes with a joint step, forty steps with long
//! texts, eight lines across one page break in a single lane. Each is routed on its
//! measured rows breaking none of the drawing rules 1-7 (src/flow/check.rs), and the
//! page with the hard part matches its reference image (looked at before it was
//! committed).

use crate::common::*;
use sopan::flow::check::{check, expected_edges};

/// Renders `tests/fixtures/sulit/<name>.toml`, checks rules 1-7 (src/flow/check.rs) and
/// compares page `page` (0-based) with its reference image.
fn hard_case(name: &str, page: usize) {
    let file = format!("tests/fixtures/sulit/{name}.toml");
    let (sop, _, rendered) = render(&root().join(&file));
    let report = check(&rendered.geometry, &expected_edges(&sop.prosedur));
    assert!(
        report.violations.is_empty(),
        "{file}: {:#?}",
        report.violations
    );
    reference(&file, page, &format!("sulit-{name}-hal{}", page + 1));
}

/// Rules 1-7 (src/flow/check.rs), above all rule 7 (a loop back through a connector pair)
/// and rule 5.
#[test]
fn loop_back_across_a_page_break() {
    hard_case("loop-lintas-halaman", 2);
}

/// Rules 1-7 (src/flow/check.rs), above all rules 4 and 5 (each loop on its own track).
#[test]
fn three_nested_loops() {
    hard_case("tiga-loop-bersarang", 1);
}

/// Rules 1-7 (src/flow/check.rs), above all rules 5 and 6 (side exits and their labels).
#[test]
fn forward_skip_and_a_decision_whose_both_branches_jump() {
    hard_case("lompatan-dan-dua-cabang", 1);
}

/// Rules 1-7 (src/flow/check.rs), above all rules 2 and 3 (lines to and past a joint step).
#[test]
fn eight_lanes_with_a_joint_step() {
    hard_case("delapan-lajur", 1);
}

/// Rules 1-7 (src/flow/check.rs), above all rule 7 (many page breaks) and rule 1.
#[test]
fn forty_steps_with_long_texts() {
    hard_case("empat-puluh-langkah", 3);
}

/// Rules 1-7 (src/flow/check.rs), above all rule 7 (eight connector pairs at one break in
/// one lane).
#[test]
fn eight_lines_across_one_page_break_in_one_lane() {
    hard_case("satu-lajur", 1);
}

/// Rules 1-7 (src/flow/check.rs) on joint steps across twenty lanes with jumps: the
/// search budget of a jump (src/flow/route/jump.rs) still gives clean drawings.
#[test]
fn joint_steps_across_twenty_lanes() {
    let file = root().join("tests/fixtures/sulit/bersama-dua-puluh-lajur.toml");
    let (sop, _, rendered) = render(&file);
    let report = check(&rendered.geometry, &expected_edges(&sop.prosedur));
    assert!(report.violations.is_empty(), "{:#?}", report.violations);
}
