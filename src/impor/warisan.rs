//! What the catalogue around an import's folder already gives its SOPs: the kop and the
//! signer its katalog.toml files pass down. An import into a catalogue writes only what
//! differs from that, and never a second catalogue top (`[katalog]`) inside it.

use std::path::{Path, PathBuf};

use super::tulis::Bersama;
use crate::source::{self, KATALOG, lenient};

/// The catalogue an import's folder lies in.
#[derive(Debug)]
pub struct Warisan {
    /// The katalog.toml files above (and in) the folder, outermost first.
    pub rantai: Vec<PathBuf>,
    /// What they pass down, merged key by key; `logo` is set when any of them names one.
    pub bersama: Bersama,
}

/// The catalogue `folder` lies in, or `None` when no katalog.toml is in it or above it.
pub fn di(folder: &Path) -> Option<Warisan> {
    let rantai = source::katalog_chain(&folder.join("sop-baru.toml"));
    if rantai.is_empty() {
        return None;
    }
    let mut bersama = Bersama::default();
    for katalog in &rantai {
        let Some(table) = lenient::table(katalog) else {
            continue;
        };
        let section = |name: &str| table.get(name).and_then(toml::Value::as_table);
        if let Some(instansi) = section("instansi") {
            match instansi.get("baris") {
                Some(toml::Value::String(s)) => bersama.instansi = vec![s.clone()],
                Some(toml::Value::Array(a)) => {
                    bersama.instansi = a
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect();
                }
                _ => {}
            }
            if let Some(unit) = instansi.get("unit").and_then(toml::Value::as_str) {
                bersama.unit = unit.to_string();
            }
            if let Some(logo) = instansi.get("logo").and_then(toml::Value::as_str) {
                bersama.logo = Some(logo.to_string());
            }
        }
        if let Some(pengesahan) = section("pengesahan") {
            for (slot, key) in bersama
                .pengesahan
                .iter_mut()
                .zip(["jabatan", "nama", "pangkat", "nip"])
            {
                if let Some(v) = pengesahan.get(key).and_then(toml::Value::as_str) {
                    *slot = v.to_string();
                }
            }
        }
    }
    Some(Warisan { rantai, bersama })
}

impl Warisan {
    /// Whether `folder` holds a katalog.toml of its own already.
    pub fn punya_katalog(folder: &Path) -> bool {
        folder.join(KATALOG).is_file()
    }

    /// What of `own` differs from what the catalogue gives ([`selisih`]).
    pub fn selisih(&self, own: &Bersama) -> Bersama {
        selisih(own, &self.bersama)
    }

    /// The outermost katalog.toml: where the catalogue is named.
    pub fn puncak(&self) -> &Path {
        &self.rantai[0]
    }
}

/// What of `own` differs from `parent`: only those keys are kept, the rest is left to
/// inherit. A key `own` leaves empty inherits too. The parent's logo stands for the
/// SOP's, which is then not kept.
pub fn selisih(own: &Bersama, parent: &Bersama) -> Bersama {
    let differs = |a: &str, b: &str| !a.trim().is_empty() && !sama(a, b);
    let instansi_differs = !own.instansi.is_empty()
        && (own.instansi.len() != parent.instansi.len()
            || own
                .instansi
                .iter()
                .zip(&parent.instansi)
                .any(|(a, b)| !sama(a, b)));
    let mut pengesahan: [String; 4] = Default::default();
    for ((slot, mine), theirs) in pengesahan
        .iter_mut()
        .zip(&own.pengesahan)
        .zip(&parent.pengesahan)
    {
        if differs(mine, theirs) {
            *slot = mine.clone();
        }
    }
    Bersama {
        instansi: if instansi_differs {
            own.instansi.clone()
        } else {
            Vec::new()
        },
        unit: if differs(&own.unit, &parent.unit) {
            own.unit.clone()
        } else {
            String::new()
        },
        logo: own.logo.clone().filter(|_| parent.logo.is_none()),
        pengesahan,
    }
}

/// What every one of `all` says alike, key by key: the part of their kop and signer a
/// katalog.toml beside them holds once.
pub fn irisan(all: &[Bersama]) -> Bersama {
    let Some((first, rest)) = all.split_first() else {
        return Bersama::default();
    };
    let mut common = first.clone();
    for other in rest {
        if common.instansi.len() != other.instansi.len()
            || common
                .instansi
                .iter()
                .zip(&other.instansi)
                .any(|(a, b)| !sama(a, b))
        {
            common.instansi.clear();
        }
        if !sama(&common.unit, &other.unit) {
            common.unit.clear();
        }
        if common.logo != other.logo {
            common.logo = None;
        }
        for (mine, theirs) in common.pengesahan.iter_mut().zip(&other.pengesahan) {
            if !sama(mine, theirs) {
                mine.clear();
            }
        }
    }
    common
}

/// The same text for a kop or a signer: case, spaces and the NIP's grouping aside.
fn sama(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let (a, b) = (norm(a), norm(b));
    a == b
        || (a.replace(' ', "") == b.replace(' ', "")
            && a.chars().all(|c| c.is_ascii_digit() || c == ' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bersama(unit: &str, jabatan: &str, nip: &str) -> Bersama {
        Bersama {
            instansi: vec!["PEMERINTAH KOTA X".into(), "DINAS Y".into()],
            unit: unit.into(),
            logo: None,
            pengesahan: [jabatan.into(), "BUDI".into(), String::new(), nip.into()],
        }
    }

    #[test]
    fn only_what_differs_from_the_catalogue_is_kept() {
        let warisan = Warisan {
            rantai: vec![PathBuf::from("katalog.toml")],
            bersama: Bersama {
                logo: Some("logo.svg".into()),
                ..bersama("", "Kepala Dinas", "19691016 199503 1 001")
            },
        };
        let own = Bersama {
            instansi: vec!["Pemerintah  Kota X".into(), "dinas y".into()],
            logo: Some("logo.png".into()),
            ..bersama(
                "SEKRETARIAT",
                "Kepala Dinas Pendidikan",
                "196910161995031001",
            )
        };
        let d = warisan.selisih(&own);
        assert!(
            d.instansi.is_empty(),
            "same kop lines, case and spaces aside"
        );
        assert_eq!(d.unit, "SEKRETARIAT");
        assert_eq!(d.logo, None, "the catalogue's logo stands");
        assert_eq!(
            d.pengesahan,
            [
                "Kepala Dinas Pendidikan".to_string(),
                String::new(),
                String::new(),
                String::new()
            ],
            "the same name and NIP (grouped differently) inherit"
        );
    }
}
