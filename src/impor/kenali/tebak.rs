//! What the file does not show, guessed from the Kegiatan text, and only that: a
//! step's lane when no shape and no mark gives it, a decision when there is no
//! diamond, and a decision's "Tidak" when no connector or line leads from it. Each
//! guess keeps its reason, to be marked `# periksa:` in the file written.

use super::{Alur, Asal, Langkah, pendek};
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
        let note = alur.langkah[i].mutu[3].join("\n").to_lowercase();
        let both = format!("{text}\n{note}");
        let decision = match alur.langkah[i].bentuk {
            Some(b) => b == Bentuk::Keputusan,
            None => {
                !shaped
                    && (DECISION_CUES.iter().any(|c| text.contains(c))
                        || text.trim_end().ends_with('?')
                        || bercabang(&both))
            }
        };
        if !decision {
            continue;
        }
        let n = alur.langkah.len();
        let elsewhere: Vec<usize> = drawn
            .get(i)
            .map(|t| {
                t.iter()
                    .copied()
                    .filter(|&j| j != i + 1 && j != i)
                    .collect()
            })
            .unwrap_or_default();
        let (ya, tidak) = cabang(&both);
        let valid = |k: Option<usize>| k.filter(|&k| (1..=n).contains(&k) && k != i + 1);
        let (ya, tidak_num) = (valid(ya), valid(tidak));
        if let Some(y) = ya
            && elsewhere.is_empty()
            && y != i + 2
        {
            alur.langkah[i].ya = Some(y - 1);
        }
        alur.langkah[i].tidak = match (elsewhere.as_slice(), tidak_num) {
            ([one], _) => Some((*one, None)),
            (_, Some(k)) => Some((
                k - 1,
                Some(format!(
                    "dibaca dari nomor langkah di teks (\"{}\"); pastikan",
                    cabang_teks(&alur.langkah[i])
                )),
            )),
            _ if i > 0 => {
                let (j, why) = back_target(&alur.langkah, i, &lanes);
                Some((j, Some(format!("ditebak: {why}"))))
            }
            _ => {
                alur.langkah[i].keputusan_ragu = Some(format!(
                    "langkah {} tampak seperti keputusan (\"{}\"), tetapi arah \"Tidak\" \
                     tidak terbaca; tambahkan keputusan = {{ tidak = ... }} bila memang keputusan",
                    i + 1,
                    pendek(&alur.langkah[i].kegiatan)
                ));
                None
            }
        };
    }
}

/// A step's text that names its branches, for the note: the Keterangan when it names
/// them, else the Kegiatan.
fn cabang_teks(step: &Langkah) -> String {
    let note = step.mutu[3].join(" / ");
    if bercabang(&note.to_lowercase()) || cabang(&note.to_lowercase()) != (None, None) {
        note
    } else {
        pendek(&step.kegiatan)
    }
}

/// Whether lower-case `text` names a "Ya" and a "Tidak" branch ("Ya: lanjut", "jika
/// tidak, ...", "Tidak → 2").
fn bercabang(text: &str) -> bool {
    let marks = penanda(text);
    marks.iter().any(|&(_, ya)| ya) && marks.iter().any(|&(_, ya)| !ya)
}

/// Where lower-case `text` opens a branch, in order: (byte offset, whether it is Ya). A
/// branch word ("ya", "tidak", "belum") opens one when a colon, dash, arrow, comma or
/// "=" follows it, or "jika"/"bila"/"apabila" comes before it.
fn penanda(text: &str) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    for (word, ya) in [("ya", true), ("tidak", false), ("belum", false)] {
        for (at, _) in text.match_indices(word) {
            let before = &text[..at];
            let after = &text[at + word.len()..];
            let starts = before
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let ends = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
            if !(starts && ends) {
                continue;
            }
            let follows = after
                .trim_start()
                .starts_with([':', '-', '–', '→', '>', ',', '=', ')']);
            let cued = ["jika", "bila", "apabila", "kalau"]
                .iter()
                .any(|c| before.trim_end().ends_with(c));
            if follows || cued {
                out.push((at, ya));
            }
        }
    }
    out.sort();
    out
}

/// The step numbers (1-based) lower-case `text` names for its Ya and Tidak branches:
/// "no. 4", "nomor 4", "langkah 4", "ke 4", "→ 4", each taken by the branch word before
/// it.
fn cabang(text: &str) -> (Option<usize>, Option<usize>) {
    let marks = penanda(text);
    let (mut ya, mut tidak) = (None, None);
    for (at, k) in nomor(text) {
        let Some(&(_, is_ya)) = marks.iter().rev().find(|(m, _)| *m < at) else {
            continue;
        };
        let slot = if is_ya { &mut ya } else { &mut tidak };
        slot.get_or_insert(k);
    }
    (ya, tidak)
}

/// Explicit step numbers in lower-case `text`, with where each is.
fn nomor(text: &str) -> Vec<(usize, usize)> {
    const CUES: [&str; 7] = ["no.", "no ", "nomor", "langkah", "ke ", "→", "->"];
    let mut out = Vec::new();
    for cue in CUES {
        for (at, _) in text.match_indices(cue) {
            let starts = text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            if !starts && cue.starts_with(char::is_alphabetic) {
                continue;
            }
            let rest = text[at + cue.len()..].trim_start();
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            let whole = rest[digits.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            if let (Ok(k), true) = (digits.parse::<usize>(), whole) {
                out.push((at, k));
            }
        }
    }
    out.sort();
    out.dedup_by_key(|(at, _)| *at);
    out
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
/// its Kegiatan or Keterangan names ("dikembalikan kepada Kasubbag"), else the nearest earlier step of
/// another lane (the work goes back to who made it), else the step before.
fn back_target(steps: &[Langkah], i: usize, lanes: &[String]) -> (usize, String) {
    let text = format!("{}\n{}", steps[i].kegiatan, steps[i].mutu[3].join("\n")).to_lowercase();
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
        return (j, format!("teks kegiatan atau keterangan menyebut {lane}"));
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

    fn langkah(k: &str, p: &str, ket: &str) -> Langkah {
        let mut l = Langkah {
            kegiatan: k.into(),
            pelaksana: vec![p.into()],
            asal: Asal::Tanda,
            ..Langkah::default()
        };
        if !ket.is_empty() {
            l.mutu[3] = vec![ket.into()];
        }
        l
    }

    fn alur(steps: Vec<Langkah>) -> Alur {
        Alur {
            judul: String::new(),
            pelaksana: vec!["A".into(), "B".into()],
            langkah: steps,
        }
    }

    #[test]
    fn branch_numbers_are_read_from_ya_and_tidak_parts_of_the_text() {
        for (text, want) in [
            (
                "ya: lanjut ke no. 4\ntidak: dikembalikan ke pemohon (no. 1)",
                (Some(4), Some(1)),
            ),
            ("ya → 6 / tidak → 4", (Some(6), Some(4))),
            (
                "jika tidak, kembali ke langkah 2; jika ya, ke nomor 5",
                (Some(5), Some(2)),
            ),
            ("tidak: diperbaiki (no. 4)", (None, Some(4))),
            ("dikirim ke 2 orang", (None, None)),
        ] {
            assert_eq!(cabang(text), want, "{text}");
        }
    }

    #[test]
    fn a_question_step_with_numbered_branches_is_a_decision_read_from_the_text() {
        let mut a = alur(vec![
            langkah("Mengajukan", "A", ""),
            langkah("Menyusun", "B", ""),
            langkah(
                "Memeriksa berkas. Lengkap?",
                "B",
                "Ya: no. 4 / Tidak: no. 1",
            ),
            langkah("Memproses", "B", ""),
        ]);
        lengkapi(&mut a, &[]);
        let (j, why) = a.langkah[2].tidak.clone().expect("a decision");
        assert_eq!(j, 0);
        assert!(why.is_some_and(|w| w.contains("dibaca dari nomor")));
        assert_eq!(a.langkah[2].ya, None, "Ya to the next step is the default");
    }

    #[test]
    fn a_step_that_looks_like_a_decision_is_never_silently_plain() {
        // A question without step numbers: "Tidak" is guessed, and said so.
        let mut a = alur(vec![
            langkah("Mengajukan", "A", ""),
            langkah("Memeriksa berkas. Lengkap?", "B", ""),
            langkah("Memproses", "B", ""),
        ]);
        lengkapi(&mut a, &[]);
        let (_, why) = a.langkah[1].tidak.clone().expect("a decision");
        assert!(why.is_some_and(|w| w.starts_with("ditebak")));
        // The first step cannot go back anywhere: it is left plain, with a warning.
        let mut a = alur(vec![
            langkah("Berkas lengkap?", "A", "Ya: lanjut / Tidak: ditolak"),
            langkah("Memproses", "B", ""),
        ]);
        lengkapi(&mut a, &[]);
        assert!(a.langkah[0].tidak.is_none());
        assert!(a.langkah[0].keputusan_ragu.is_some());
        // A plain step stays plain.
        let mut a = alur(vec![
            langkah("Mengajukan", "A", ""),
            langkah("Mencatat ke buku agenda", "B", "Tidak ada"),
        ]);
        lengkapi(&mut a, &[]);
        assert!(a.langkah[1].tidak.is_none() && a.langkah[1].keputusan_ragu.is_none());
    }
}
