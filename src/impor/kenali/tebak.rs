//! What the file does not show, guessed from the Kegiatan text, and only that: a
//! step's lane when no shape and no mark gives it, a decision when there is no
//! diamond, and a decision's "Tidak" when no connector or line leads from it. Each
//! guess keeps its reason, to be marked `# periksa:` in the file written.

use super::{Alur, Asal, Langkah};
use crate::impor::dokumen::Bentuk;

/// Words that mark a step as a decision when the symbols are missing.
const DECISION_CUES: [&str; 10] = [
    "jika tidak",
    "apabila tidak",
    "bila tidak",
    "jika belum",
    "apabila belum",
    "bila belum",
    "tidak sesuai",
    "belum sesuai",
    "tidak lengkap",
    "ditolak",
];

/// Fills what the file did not give: lanes from the text, decisions without a diamond,
/// and every decision's "Tidak" (from `drawn`, each step's targets in the file, when
/// one of them is not the next step).
pub fn lengkapi(alur: &mut Alur, drawn: &[Vec<usize>]) {
    let shaped = alur.langkah.iter().any(|l| l.bentuk.is_some());
    let lanes = alur.pelaksana.clone();
    for i in 0..alur.langkah.len() {
        if alur.langkah[i].pelaksana.is_empty() && !lanes.is_empty() {
            let guess = actor(&alur.langkah, i, &lanes);
            let step = &mut alur.langkah[i];
            step.pelaksana = vec![guess];
            step.asal = Asal::Teks;
        }
        let text = alur.langkah[i].kegiatan.to_lowercase();
        let decision = match alur.langkah[i].bentuk {
            Some(b) => b == Bentuk::Keputusan,
            None => !shaped && DECISION_CUES.iter().any(|c| text.contains(c)),
        };
        if !decision {
            continue;
        }
        let elsewhere: Vec<usize> = drawn
            .get(i)
            .map(|t| {
                t.iter()
                    .copied()
                    .filter(|&j| j != i + 1 && j != i)
                    .collect()
            })
            .unwrap_or_default();
        alur.langkah[i].tidak = match elsewhere.as_slice() {
            [one] => Some((*one, None)),
            _ if i > 0 => {
                let (j, why) = back_target(&alur.langkah, i, &lanes);
                Some((j, Some(why)))
            }
            _ => None,
        };
    }
}

/// The lane of step `i` guessed from the text: the one the step before hands its work
/// to or orders ("diserahkan kepada Kasubbag", "memerintahkan Anggota Tim"), else the
/// step before's lane, else the first lane.
fn actor(steps: &[Langkah], i: usize, lanes: &[String]) -> String {
    const HANDS_ON: [&str; 6] = [
        "kepada ",
        "ke ",
        "memerintahkan ",
        "menugaskan ",
        "mendisposisikan ",
        "untuk ",
    ];
    if i > 0
        && let Some(to) = named_after(&steps[i - 1].kegiatan, &HANDS_ON, lanes)
    {
        return to;
    }
    i.checked_sub(1)
        .and_then(|p| steps[p].pelaksana.first().cloned())
        .unwrap_or_else(|| lanes[0].clone())
}

/// The lane named right after the last of `cues` in `text` that is followed by one,
/// ignoring case: in "jika tidak, dikembalikan kepada A; jika setuju, diserahkan kepada
/// B" the work goes on to B.
fn named_after(text: &str, cues: &[&str], lanes: &[String]) -> Option<String> {
    let lower = text.to_lowercase();
    let refused = refusal_clauses(&lower);
    let mut best: Option<(usize, usize, &String)> = None;
    for cue in cues {
        for (at, _) in lower.match_indices(cue) {
            // "jika tidak, dikembalikan kepada A": A is where a refusal goes back to,
            // not who does the next step.
            if refused.iter().any(|r| r.contains(&at)) {
                continue;
            }
            let rest = &lower[at + cue.len()..];
            for lane in lanes {
                let name = lane.to_lowercase();
                let better =
                    best.is_none_or(|(pos, len, _)| at > pos || (at == pos && name.len() > len));
                if rest.starts_with(&name) && better {
                    best = Some((at, name.len(), lane));
                }
            }
        }
    }
    best.map(|(_, _, l)| l.clone())
}

/// The parts of a (lower-case) text that say what happens on a refusal: from "jika
/// tidak", "bila belum" and the like to the next "jika"/"bila"/"apabila" or the end.
fn refusal_clauses(lower: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    for cue in DECISION_CUES
        .iter()
        .filter(|c| c.starts_with(['j', 'a', 'b']))
    {
        for (at, _) in lower.match_indices(cue) {
            let after = at + cue.len();
            let end = ["jika ", "bila ", "apabila "]
                .iter()
                .filter_map(|w| lower[after..].find(w).map(|p| after + p))
                .min()
                .unwrap_or(lower.len());
            out.push(at..end);
        }
    }
    out
}

/// Where a decision's "Tidak" goes, with the reason: the last earlier step of a lane
/// the text names ("dikembalikan kepada Kasubbag"), else the nearest earlier step of
/// another lane (the work goes back to who made it), else the step before.
fn back_target(steps: &[Langkah], i: usize, lanes: &[String]) -> (usize, String) {
    let text = steps[i].kegiatan.to_lowercase();
    let mut named: Option<&String> = None;
    for lane in lanes {
        let name = lane.to_lowercase();
        if text.contains(&name) && named.is_none_or(|n| name.len() > n.len()) {
            named = Some(lane);
        }
    }
    if let Some(lane) = named
        && let Some(j) = (0..i).rev().find(|&j| steps[j].pelaksana.contains(lane))
    {
        return (j, format!("teks kegiatan menyebut {lane}"));
    }
    let own = &steps[i].pelaksana;
    if let Some(j) = (0..i)
        .rev()
        .find(|&j| steps[j].pelaksana.iter().all(|p| !own.contains(p)))
    {
        return (
            j,
            "langkah sebelumnya dari pelaksana lain, yang biasanya membuat bahannya".into(),
        );
    }
    (i - 1, "langkah sebelumnya".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_doer_is_not_where_a_refusal_goes_back() {
        let lanes = ["Kasubbag", "Sekretaris"].map(String::from).to_vec();
        let text = "Memeriksa konsep, jika tidak setuju dikembalikan kepada Kasubbag";
        assert_eq!(named_after(text, &["kepada "], &lanes), None);
        let text = "Memeriksa, jika tidak sesuai dikembalikan kepada Kasubbag, jika sesuai diserahkan kepada Sekretaris";
        assert_eq!(
            named_after(text, &["kepada "], &lanes).as_deref(),
            Some("Sekretaris")
        );
    }

    #[test]
    fn tidak_goes_back_to_the_lane_the_text_names() {
        let step = |k: &str, p: &str| Langkah {
            kegiatan: k.into(),
            pelaksana: vec![p.into()],
            ..Langkah::default()
        };
        let steps = [
            step("Menyusun konsep", "Kasubbag"),
            step("Meneruskan konsep", "Sekretaris"),
            step(
                "Memeriksa; jika tidak setuju dikembalikan kepada Kasubbag untuk diperbaiki",
                "Kepala Dinas",
            ),
        ];
        let lanes = ["Kasubbag", "Sekretaris", "Kepala Dinas"]
            .map(String::from)
            .to_vec();
        assert_eq!(back_target(&steps, 2, &lanes).0, 0);
        let steps = [
            steps[0].clone(),
            steps[1].clone(),
            step("Memeriksa, jika belum sesuai dikembalikan", "Kepala Dinas"),
        ];
        assert_eq!(back_target(&steps, 2, &lanes).0, 1);
    }

    #[test]
    fn a_drawn_target_is_no_guess() {
        let step = |k: &str, p: &str, b: Option<Bentuk>| Langkah {
            kegiatan: k.into(),
            pelaksana: vec![p.into()],
            bentuk: b,
            asal: Asal::Bentuk,
            ..Langkah::default()
        };
        let mut alur = Alur {
            judul: String::new(),
            pelaksana: vec!["A".into(), "B".into()],
            langkah: vec![
                step("Menyusun", "A", Some(Bentuk::Kapsul)),
                step("Memeriksa", "B", Some(Bentuk::Keputusan)),
                step("Selesai", "A", Some(Bentuk::Kapsul)),
            ],
        };
        lengkapi(&mut alur, &[vec![1], vec![2, 0], vec![]]);
        assert_eq!(alur.langkah[1].tidak, Some((0, None)));
    }
}
