//! The approval flow as a pure state machine: an SOP's stage ([`Tahap`]), who moves it
//! ([`Peran`]) and how ([`Gerak`]), to a new stage or a refusal with its reason in
//! Indonesian. Nothing here reads a file; [`super::keadaan`] finds an SOP's stage from its
//! history and archive and records the moves.
//!
//! ```text
//!            Ajukan (penyusun)          Teruskan (pemeriksa)          Sahkan (pengesah)
//!   konsep ───────────────────> diajukan ────────────────> diteruskan ───────────────> disahkan
//!      ^                           │                           │
//!      └─── Kembalikan (pemeriksa atau pengesah, dengan catatan)┘
//! ```
//!
//! A disahkan SOP whose text changes is a konsep again: its revision.

use std::fmt;

pub use crate::editor::akun::Peran;

/// Where an SOP stands in the approval flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tahap {
    /// Being written (or revised); editable.
    Konsep,
    /// Submitted, waiting for the pemeriksa; not editable.
    Diajukan,
    /// Reviewed and forwarded, waiting for the pengesah; not editable.
    Diteruskan,
    /// Approved and signed, and unchanged since.
    Disahkan,
}

/// A move of the approval flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gerak {
    /// The penyusun submits the SOP.
    Ajukan,
    /// The pemeriksa forwards it to the pengesah.
    Teruskan,
    /// The pemeriksa or the pengesah sends it back, with notes.
    Kembalikan,
    /// The pengesah approves and signs it.
    Sahkan,
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolak {
    /// The person holds none of the roles the move needs.
    Peran(Gerak),
    /// The move does not start from this stage.
    Tahap(Gerak, Tahap),
}

impl Tahap {
    /// The stage's name, as the history and the pages write it.
    pub fn nama(self) -> &'static str {
        match self {
            Tahap::Konsep => "konsep",
            Tahap::Diajukan => "diajukan",
            Tahap::Diteruskan => "diteruskan",
            Tahap::Disahkan => "disahkan",
        }
    }

    /// What the stage waits for, for a clerk.
    pub fn keterangan(self) -> &'static str {
        match self {
            Tahap::Konsep => "masih disusun; dapat diubah lalu diajukan",
            Tahap::Diajukan => "menunggu pemeriksaan",
            Tahap::Diteruskan => "sudah diperiksa, menunggu pengesahan",
            Tahap::Disahkan => "sudah disahkan dan ditandatangani",
        }
    }

    /// The role whose move the stage waits for: the one holding the SOP now; none once
    /// approved.
    pub fn pemegang(self) -> Option<Peran> {
        match self {
            Tahap::Konsep => Some(Peran::Penyusun),
            Tahap::Diajukan => Some(Peran::Pemeriksa),
            Tahap::Diteruskan => Some(Peran::Pengesah),
            Tahap::Disahkan => None,
        }
    }

    /// Whether the SOP may be changed from the form: not while it is submitted. A change
    /// to a disahkan SOP starts its revision.
    pub fn boleh_disunting(self) -> bool {
        matches!(self, Tahap::Konsep | Tahap::Disahkan)
    }
}

impl Gerak {
    /// Every move.
    pub const SEMUA: [Gerak; 4] = [
        Gerak::Ajukan,
        Gerak::Teruskan,
        Gerak::Kembalikan,
        Gerak::Sahkan,
    ];

    /// The move's name, as the history and the requests write it.
    pub fn nama(self) -> &'static str {
        match self {
            Gerak::Ajukan => "ajukan",
            Gerak::Teruskan => "teruskan",
            Gerak::Kembalikan => "kembalikan",
            Gerak::Sahkan => "sahkan",
        }
    }

    /// The move named `text`.
    pub fn baca(text: &str) -> Option<Gerak> {
        Self::SEMUA.into_iter().find(|g| g.nama() == text)
    }

    /// What the move did, for the history: "diajukan".
    pub fn hasil(self) -> &'static str {
        match self {
            Gerak::Ajukan => "diajukan",
            Gerak::Teruskan => "diteruskan kepada pengesah",
            Gerak::Kembalikan => "dikembalikan kepada penyusun",
            Gerak::Sahkan => "disahkan",
        }
    }

    /// The roles that may make the move.
    pub fn peran(self) -> &'static [Peran] {
        match self {
            Gerak::Ajukan => &[Peran::Penyusun],
            Gerak::Teruskan => &[Peran::Pemeriksa],
            Gerak::Kembalikan => &[Peran::Pemeriksa, Peran::Pengesah],
            Gerak::Sahkan => &[Peran::Pengesah],
        }
    }

    /// The stage the move leads to.
    pub fn tujuan(self) -> Tahap {
        match self {
            Gerak::Ajukan => Tahap::Diajukan,
            Gerak::Teruskan => Tahap::Diteruskan,
            Gerak::Kembalikan => Tahap::Konsep,
            Gerak::Sahkan => Tahap::Disahkan,
        }
    }

    /// The stages the move starts from.
    fn asal(self) -> &'static [Tahap] {
        match self {
            Gerak::Ajukan => &[Tahap::Konsep],
            Gerak::Teruskan => &[Tahap::Diajukan],
            Gerak::Kembalikan => &[Tahap::Diajukan, Tahap::Diteruskan],
            Gerak::Sahkan => &[Tahap::Diteruskan],
        }
    }
}

impl fmt::Display for Tolak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tolak::Peran(g) => {
                let who = g
                    .peran()
                    .iter()
                    .map(|p| p.nama())
                    .collect::<Vec<_>>()
                    .join(" atau ");
                let what = match g {
                    Gerak::Ajukan => "mengajukan",
                    Gerak::Teruskan => "meneruskan",
                    Gerak::Kembalikan => "mengembalikan",
                    Gerak::Sahkan => "mengesahkan",
                };
                write!(f, "hanya {who} yang dapat {what} SOP")
            }
            Tolak::Tahap(g, t) => f.write_str(match (g, t) {
                (Gerak::Ajukan, Tahap::Diajukan) => {
                    "SOP ini sudah diajukan dan sedang menunggu pemeriksaan"
                }
                (Gerak::Ajukan, Tahap::Diteruskan) => {
                    "SOP ini sudah diajukan dan sedang menunggu pengesahan"
                }
                (Gerak::Ajukan, Tahap::Disahkan) => {
                    "SOP ini sudah disahkan dan isinya belum berubah; ubah dulu isinya untuk revisi"
                }
                (_, Tahap::Konsep) => "SOP ini belum diajukan",
                (_, Tahap::Disahkan) => "SOP ini sudah disahkan",
                (Gerak::Teruskan, Tahap::Diteruskan) => "SOP ini sudah diteruskan kepada pengesah",
                (Gerak::Sahkan, Tahap::Diajukan) => {
                    "SOP ini belum diperiksa dan diteruskan oleh pemeriksa"
                }
                _ => "langkah itu tidak dapat dilakukan pada tahap ini",
            }),
        }
    }
}

/// The stage after `gerak` by someone holding `peran`, from stage `tahap`; or why not.
/// Roles are checked first: a move nobody of these roles may make is refused for that.
pub fn gerak(tahap: Tahap, peran: &[Peran], gerak: Gerak) -> Result<Tahap, Tolak> {
    if !gerak.peran().iter().any(|p| peran.contains(p)) {
        return Err(Tolak::Peran(gerak));
    }
    if !gerak.asal().contains(&tahap) {
        return Err(Tolak::Tahap(gerak, tahap));
    }
    Ok(gerak.tujuan())
}

/// The moves someone holding `peran` can make from `tahap`, in the flow's order.
pub fn tersedia(tahap: Tahap, peran: &[Peran]) -> Vec<Gerak> {
    Gerak::SEMUA
        .into_iter()
        .filter(|g| gerak(tahap, peran, *g).is_ok())
        .collect()
}

/// The stage after a history of moves (oldest first): the last move's.
pub fn tahap_akhir(moves: impl IntoIterator<Item = Gerak>) -> Tahap {
    moves
        .into_iter()
        .last()
        .map_or(Tahap::Konsep, Gerak::tujuan)
}

#[cfg(test)]
mod tests {
    use super::Gerak::*;
    use super::Peran::*;
    use super::Tahap::*;
    use super::*;

    /// Every (stage, role, move): the new stage, or the words its refusal starts with.
    const TABEL: [(Tahap, Peran, Gerak, Result<Tahap, &str>); 64] = [
        (Konsep, Penyusun, Ajukan, Ok(Diajukan)),
        (
            Konsep,
            Penyusun,
            Teruskan,
            Err("hanya pemeriksa yang dapat meneruskan"),
        ),
        (
            Konsep,
            Penyusun,
            Kembalikan,
            Err("hanya pemeriksa atau pengesah"),
        ),
        (
            Konsep,
            Penyusun,
            Sahkan,
            Err("hanya pengesah yang dapat mengesahkan"),
        ),
        (
            Konsep,
            Pemeriksa,
            Ajukan,
            Err("hanya penyusun yang dapat mengajukan"),
        ),
        (Konsep, Pemeriksa, Teruskan, Err("SOP ini belum diajukan")),
        (Konsep, Pemeriksa, Kembalikan, Err("SOP ini belum diajukan")),
        (Konsep, Pemeriksa, Sahkan, Err("hanya pengesah")),
        (Konsep, Pengesah, Ajukan, Err("hanya penyusun")),
        (Konsep, Pengesah, Teruskan, Err("hanya pemeriksa")),
        (Konsep, Pengesah, Kembalikan, Err("SOP ini belum diajukan")),
        (Konsep, Pengesah, Sahkan, Err("SOP ini belum diajukan")),
        (Konsep, Admin, Ajukan, Err("hanya penyusun")),
        (Konsep, Admin, Teruskan, Err("hanya pemeriksa")),
        (
            Konsep,
            Admin,
            Kembalikan,
            Err("hanya pemeriksa atau pengesah"),
        ),
        (Konsep, Admin, Sahkan, Err("hanya pengesah")),
        (
            Diajukan,
            Penyusun,
            Ajukan,
            Err("SOP ini sudah diajukan dan sedang menunggu pemeriksaan"),
        ),
        (Diajukan, Penyusun, Teruskan, Err("hanya pemeriksa")),
        (
            Diajukan,
            Penyusun,
            Kembalikan,
            Err("hanya pemeriksa atau pengesah"),
        ),
        (Diajukan, Penyusun, Sahkan, Err("hanya pengesah")),
        (Diajukan, Pemeriksa, Ajukan, Err("hanya penyusun")),
        (Diajukan, Pemeriksa, Teruskan, Ok(Diteruskan)),
        (Diajukan, Pemeriksa, Kembalikan, Ok(Konsep)),
        (Diajukan, Pemeriksa, Sahkan, Err("hanya pengesah")),
        (Diajukan, Pengesah, Ajukan, Err("hanya penyusun")),
        (Diajukan, Pengesah, Teruskan, Err("hanya pemeriksa")),
        (Diajukan, Pengesah, Kembalikan, Ok(Konsep)),
        (
            Diajukan,
            Pengesah,
            Sahkan,
            Err("SOP ini belum diperiksa dan diteruskan"),
        ),
        (Diajukan, Admin, Ajukan, Err("hanya penyusun")),
        (Diajukan, Admin, Teruskan, Err("hanya pemeriksa")),
        (
            Diajukan,
            Admin,
            Kembalikan,
            Err("hanya pemeriksa atau pengesah"),
        ),
        (Diajukan, Admin, Sahkan, Err("hanya pengesah")),
        (
            Diteruskan,
            Penyusun,
            Ajukan,
            Err("SOP ini sudah diajukan dan sedang menunggu pengesahan"),
        ),
        (Diteruskan, Penyusun, Teruskan, Err("hanya pemeriksa")),
        (
            Diteruskan,
            Penyusun,
            Kembalikan,
            Err("hanya pemeriksa atau pengesah"),
        ),
        (Diteruskan, Penyusun, Sahkan, Err("hanya pengesah")),
        (Diteruskan, Pemeriksa, Ajukan, Err("hanya penyusun")),
        (
            Diteruskan,
            Pemeriksa,
            Teruskan,
            Err("SOP ini sudah diteruskan kepada pengesah"),
        ),
        (Diteruskan, Pemeriksa, Kembalikan, Ok(Konsep)),
        (Diteruskan, Pemeriksa, Sahkan, Err("hanya pengesah")),
        (Diteruskan, Pengesah, Ajukan, Err("hanya penyusun")),
        (Diteruskan, Pengesah, Teruskan, Err("hanya pemeriksa")),
        (Diteruskan, Pengesah, Kembalikan, Ok(Konsep)),
        (Diteruskan, Pengesah, Sahkan, Ok(Disahkan)),
        (Diteruskan, Admin, Ajukan, Err("hanya penyusun")),
        (Diteruskan, Admin, Teruskan, Err("hanya pemeriksa")),
        (
            Diteruskan,
            Admin,
            Kembalikan,
            Err("hanya pemeriksa atau pengesah"),
        ),
        (Diteruskan, Admin, Sahkan, Err("hanya pengesah")),
        (
            Disahkan,
            Penyusun,
            Ajukan,
            Err("SOP ini sudah disahkan dan isinya belum berubah"),
        ),
        (Disahkan, Penyusun, Teruskan, Err("hanya pemeriksa")),
        (
            Disahkan,
            Penyusun,
            Kembalikan,
            Err("hanya pemeriksa atau pengesah"),
        ),
        (Disahkan, Penyusun, Sahkan, Err("hanya pengesah")),
        (Disahkan, Pemeriksa, Ajukan, Err("hanya penyusun")),
        (Disahkan, Pemeriksa, Teruskan, Err("SOP ini sudah disahkan")),
        (
            Disahkan,
            Pemeriksa,
            Kembalikan,
            Err("SOP ini sudah disahkan"),
        ),
        (Disahkan, Pemeriksa, Sahkan, Err("hanya pengesah")),
        (Disahkan, Pengesah, Ajukan, Err("hanya penyusun")),
        (Disahkan, Pengesah, Teruskan, Err("hanya pemeriksa")),
        (
            Disahkan,
            Pengesah,
            Kembalikan,
            Err("SOP ini sudah disahkan"),
        ),
        (Disahkan, Pengesah, Sahkan, Err("SOP ini sudah disahkan")),
        (Disahkan, Admin, Ajukan, Err("hanya penyusun")),
        (Disahkan, Admin, Teruskan, Err("hanya pemeriksa")),
        (
            Disahkan,
            Admin,
            Kembalikan,
            Err("hanya pemeriksa atau pengesah"),
        ),
        (Disahkan, Admin, Sahkan, Err("hanya pengesah")),
    ];

    #[test]
    fn every_stage_role_and_move_leads_where_the_table_says() {
        for (tahap, peran, g, expected) in TABEL {
            let got = gerak(tahap, &[peran], g).map_err(|e| e.to_string());
            match (&got, expected) {
                (Ok(t), Ok(e)) => assert_eq!(*t, e, "{tahap:?} {peran:?} {g:?}"),
                (Err(reason), Err(start)) => {
                    assert!(
                        reason.starts_with(start),
                        "{tahap:?} {peran:?} {g:?}: {reason}"
                    )
                }
                _ => panic!("{tahap:?} {peran:?} {g:?}: {got:?}, expected {expected:?}"),
            }
        }
        // The table holds each combination once.
        for (i, a) in TABEL.iter().enumerate() {
            for b in &TABEL[i + 1..] {
                assert!((a.0, a.1, a.2) != (b.0, b.1, b.2), "{a:?} twice");
            }
        }
    }

    #[test]
    fn the_holder_of_a_stage_is_the_role_that_moves_it_on() {
        for tahap in [Konsep, Diajukan, Diteruskan, Disahkan] {
            let forward: Vec<Peran> = Peran::SEMUA
                .into_iter()
                .filter(|p| tersedia(tahap, &[*p]).iter().any(|g| *g != Kembalikan))
                .collect();
            assert_eq!(
                tahap.pemegang().into_iter().collect::<Vec<_>>(),
                forward,
                "{tahap:?}"
            );
        }
    }

    #[test]
    fn several_roles_allow_what_any_of_them_allows() {
        assert_eq!(
            gerak(Diteruskan, &[Penyusun, Pengesah], Sahkan),
            Ok(Disahkan)
        );
        assert_eq!(
            tersedia(Diajukan, &[Pemeriksa, Pengesah]),
            [Teruskan, Kembalikan]
        );
        assert_eq!(tersedia(Diteruskan, &[Pengesah]), [Kembalikan, Sahkan]);
        assert_eq!(tersedia(Konsep, &Peran::SEMUA), [Ajukan]);
        assert!(tersedia(Diajukan, &[Penyusun, Admin]).is_empty());
        assert_eq!(
            gerak(Konsep, &[], Ajukan).unwrap_err().to_string(),
            "hanya penyusun yang dapat mengajukan SOP"
        );
    }

    #[test]
    fn a_history_ends_in_its_last_move_and_only_submitted_sops_are_locked() {
        assert_eq!(tahap_akhir([]), Konsep);
        assert_eq!(
            tahap_akhir([Ajukan, Kembalikan, Ajukan, Teruskan]),
            Diteruskan
        );
        assert_eq!(tahap_akhir([Ajukan, Teruskan, Sahkan]), Disahkan);
        assert!(Konsep.boleh_disunting() && Disahkan.boleh_disunting());
        assert!(!Diajukan.boleh_disunting() && !Diteruskan.boleh_disunting());
        for g in Gerak::SEMUA {
            assert_eq!(Gerak::baca(g.nama()), Some(g));
        }
    }
}
