//! The signer: a private key and its certificate chain read from a PKCS#12 file
//! (.p12/.pfx, modern PBES2/AES or legacy 3DES/RC2 as many CAs still issue), who the
//! certificate says the signer is, and the refusals and warnings before it signs.

use std::fmt;

use der::{Decode, Encode, Tagged};
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use signature::Signer as _;
use x509_cert::Certificate;

use super::cms::Hash;
use super::waktu;

/// OIDs read from keys and certificates.
mod oid {
    use const_oid::ObjectIdentifier as Oid;
    pub const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    pub const EC: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    pub const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    pub const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
    pub const CN: Oid = Oid::new_unwrap("2.5.4.3");
    pub const SERIAL_NUMBER: Oid = Oid::new_unwrap("2.5.4.5");
    pub const O: Oid = Oid::new_unwrap("2.5.4.10");
}

/// Why a certificate file cannot sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TolakSertifikat {
    /// The password does not open the file.
    SandiSalah,
    /// Not a PKCS#12 file sopan can read.
    BukanP12(String),
    /// The file holds no private key, or no certificate for it.
    TanpaKunci,
    /// A key type sopan cannot sign with.
    KunciTidakDidukung(String),
    /// The certificate's validity ended before now.
    Kedaluwarsa {
        /// When it ended (Unix seconds).
        sampai: i64,
    },
    /// The certificate is not valid yet.
    BelumBerlaku {
        /// When it starts (Unix seconds).
        dari: i64,
    },
}

impl fmt::Display for TolakSertifikat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TolakSertifikat::SandiSalah => f.write_str("kata sandi sertifikat salah"),
            TolakSertifikat::BukanP12(e) => {
                write!(
                    f,
                    "berkas sertifikat bukan berkas .p12/.pfx yang dapat dibaca ({e})"
                )
            }
            TolakSertifikat::TanpaKunci => {
                f.write_str("berkas sertifikat tidak berisi kunci privat beserta sertifikatnya")
            }
            TolakSertifikat::KunciTidakDidukung(k) => write!(
                f,
                "jenis kunci sertifikat tidak didukung ({k}); yang didukung: RSA (2048 bit atau lebih), ECDSA P-256 dan P-384"
            ),
            TolakSertifikat::Kedaluwarsa { sampai } => write!(
                f,
                "sertifikat sudah kedaluwarsa sejak {}",
                waktu::cetak(*sampai)
            ),
            TolakSertifikat::BelumBerlaku { dari } => write!(
                f,
                "sertifikat belum berlaku; mulai berlaku {}",
                waktu::cetak(*dari)
            ),
        }
    }
}

impl TolakSertifikat {
    /// What the clerk can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            TolakSertifikat::SandiSalah => {
                "ketik ulang kata sandi (passphrase) yang diberikan bersama sertifikat"
            }
            TolakSertifikat::BukanP12(_) | TolakSertifikat::TanpaKunci => {
                "pakai berkas .p12 atau .pfx dari penyelenggara sertifikat (misalnya BSrE) yang berisi kunci privat"
            }
            TolakSertifikat::KunciTidakDidukung(_) => {
                "minta sertifikat dengan kunci RSA atau ECDSA P-256 kepada penyelenggara sertifikat"
            }
            TolakSertifikat::Kedaluwarsa { .. } | TolakSertifikat::BelumBerlaku { .. } => {
                "perbarui sertifikat di penyelenggara sertifikat, atau periksa jam komputer ini"
            }
        }
    }
}

/// Something about the certificate the signer should confirm before it signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peringatan {
    /// The certificate names nobody (no common name).
    TanpaNama,
    /// The certificate holds no NIP.
    TanpaNip,
    /// The certificate's name is not the SOP's signer.
    NamaBerbeda {
        /// In the certificate.
        sertifikat: String,
        /// In `[pengesahan] nama`.
        sop: String,
    },
    /// The certificate's NIP is not the SOP's signer's.
    NipBerbeda {
        /// In the certificate.
        sertifikat: String,
        /// In `[pengesahan] nip`.
        sop: String,
    },
}

impl fmt::Display for Peringatan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peringatan::TanpaNama => f.write_str("sertifikat tidak memuat nama penanda tangan"),
            Peringatan::TanpaNip => {
                f.write_str("sertifikat tidak memuat NIP (atribut serialNumber subjek sertifikat)")
            }
            Peringatan::NamaBerbeda { sertifikat, sop } => write!(
                f,
                "nama di sertifikat (\"{sertifikat}\") berbeda dengan penanda tangan di SOP (\"{sop}\")"
            ),
            Peringatan::NipBerbeda { sertifikat, sop } => write!(
                f,
                "NIP di sertifikat ({sertifikat}) berbeda dengan NIP penanda tangan di SOP ({sop})"
            ),
        }
    }
}

/// Who a certificate says its holder is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identitas {
    /// The subject's common name; "" when absent.
    pub nama: String,
    /// An 18-digit NIP read from the subject's serialNumber attribute (2.5.4.5); ""
    /// when there is none.
    pub nip: String,
    /// The issuer's common name (or organisation).
    pub penerbit: String,
    /// The certificate's serial number, hex.
    pub nomor_seri: String,
    /// Start of validity (Unix seconds).
    pub berlaku_dari: i64,
    /// End of validity (Unix seconds).
    pub berlaku_sampai: i64,
}

impl Identitas {
    /// Reads a certificate.
    pub fn of(cert: &Certificate) -> Self {
        let tbs = cert.tbs_certificate();
        let subject = tbs.subject();
        let nip = attribute(subject, oid::SERIAL_NUMBER)
            .map(|s| nip_in(&s))
            .unwrap_or_default();
        let issuer = tbs.issuer();
        let validity = tbs.validity();
        Identitas {
            nama: attribute(subject, oid::CN).unwrap_or_default(),
            nip,
            penerbit: attribute(issuer, oid::CN)
                .or_else(|| attribute(issuer, oid::O))
                .unwrap_or_default(),
            nomor_seri: tbs
                .serial_number()
                .as_bytes()
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect(),
            berlaku_dari: validity.not_before.to_unix_duration().as_secs() as i64,
            berlaku_sampai: validity.not_after.to_unix_duration().as_secs() as i64,
        }
    }

    /// Whether the certificate is valid at `t` (Unix seconds).
    pub fn berlaku_pada(&self, t: i64) -> bool {
        (self.berlaku_dari..=self.berlaku_sampai).contains(&t)
    }
}

/// The first attribute `oid` of a name, as text.
pub fn attribute(name: &x509_cert::name::Name, oid: const_oid::ObjectIdentifier) -> Option<String> {
    name.iter()
        .find(|a| a.oid == oid)
        .and_then(|a| directory_string(&a.value))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A DirectoryString (or any string type a CA may use) as text.
fn directory_string(value: &der::Any) -> Option<String> {
    use der::Tag;
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

/// The 18-digit NIP in a serialNumber attribute ("196910161995031001", "NIP:1969...",
/// "PNS-1969..."); "" when it holds none.
fn nip_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 18)
        .unwrap_or_default()
        .to_string()
}

/// A private key sopan signs with.
#[derive(Clone)]
pub enum Kunci {
    /// RSA, PKCS#1 v1.5 signatures with SHA-256.
    Rsa(Box<rsa::PrivateKey>),
    /// ECDSA on P-256 with SHA-256.
    P256(p256::ecdsa::SigningKey),
    /// ECDSA on P-384 with SHA-384.
    P384(p384::ecdsa::SigningKey),
}

impl fmt::Debug for Kunci {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.jenis())
    }
}

impl Kunci {
    /// Reads a PKCS#8 private key.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, TolakSertifikat> {
        let info = rsa::pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(|e| TolakSertifikat::BukanP12(e.to_string()))?;
        let bad = |e: &dyn fmt::Display| TolakSertifikat::BukanP12(e.to_string());
        match info.algorithm.oid {
            oid::RSA => {
                let key = rsa::PrivateKey::from_pkcs8_der(der).map_err(|e| bad(&e))?;
                let bits = rsa::traits::PublicKeyParts::size(&key) * 8;
                if bits < 2048 {
                    return Err(TolakSertifikat::KunciTidakDidukung(format!(
                        "RSA {bits} bit"
                    )));
                }
                Ok(Kunci::Rsa(Box::new(key)))
            }
            oid::EC => {
                let curve = info
                    .algorithm
                    .parameters
                    .and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok());
                match curve {
                    Some(oid::P256) => p256::ecdsa::SigningKey::from_pkcs8_der(der)
                        .map(Kunci::P256)
                        .map_err(|e| bad(&e)),
                    Some(oid::P384) => p384::ecdsa::SigningKey::from_pkcs8_der(der)
                        .map(Kunci::P384)
                        .map_err(|e| bad(&e)),
                    other => Err(TolakSertifikat::KunciTidakDidukung(format!(
                        "ECDSA kurva {}",
                        other.map_or("?".into(), |o| curve_name(&o))
                    ))),
                }
            }
            other => Err(TolakSertifikat::KunciTidakDidukung(algorithm_name(&other))),
        }
    }

    /// The key type, as the report names it.
    pub fn jenis(&self) -> &'static str {
        match self {
            Kunci::Rsa(_) => "RSA",
            Kunci::P256(_) => "ECDSA P-256",
            Kunci::P384(_) => "ECDSA P-384",
        }
    }

    /// The digest this key signs with.
    pub fn hash(&self) -> Hash {
        match self {
            Kunci::Rsa(_) | Kunci::P256(_) => Hash::Sha256,
            Kunci::P384(_) => Hash::Sha384,
        }
    }

    /// The public key as SubjectPublicKeyInfo DER.
    pub fn public_der(&self) -> Option<Vec<u8>> {
        let doc = match self {
            Kunci::Rsa(k) => k.to_public_key().to_public_key_der().ok()?,
            Kunci::P256(k) => k.verifying_key().to_public_key_der().ok()?,
            Kunci::P384(k) => k.verifying_key().to_public_key_der().ok()?,
        };
        Some(doc.as_bytes().to_vec())
    }

    /// Signs `message` (hashing it with [`Self::hash`]): the signature as CMS carries it.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        use signature::SignatureEncoding as _;
        match self {
            Kunci::Rsa(k) => {
                let key = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                key.sign(message).to_vec()
            }
            Kunci::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                sig.to_der().to_vec()
            }
            Kunci::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign(message);
                sig.to_der().to_vec()
            }
        }
    }
}

fn curve_name(o: &const_oid::ObjectIdentifier) -> String {
    const_oid::db::DB
        .by_oid(o)
        .map_or_else(|| o.to_string(), str::to_string)
}

fn algorithm_name(o: &const_oid::ObjectIdentifier) -> String {
    match o.to_string().as_str() {
        "1.3.101.112" => "Ed25519".into(),
        "1.2.840.10040.4.1" => "DSA".into(),
        _ => curve_name(o),
    }
}

/// The signer: a key, its certificate, and the rest of its chain.
#[derive(Clone)]
pub struct Penanda {
    /// The private key.
    pub kunci: Kunci,
    /// The signer's certificate.
    pub sertifikat: Certificate,
    /// The other certificates of the file (intermediates, root).
    pub rantai: Vec<Certificate>,
}

impl fmt::Debug for Penanda {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Penanda")
            .field("kunci", &self.kunci)
            .field("identitas", &self.identitas())
            .finish()
    }
}

impl Penanda {
    /// Opens a PKCS#12 file with its password: the first private key whose certificate
    /// is in the file.
    pub fn baca(p12: &[u8], sandi: &str) -> Result<Self, TolakSertifikat> {
        use p12_keystore::error::Error as E;
        let archive =
            p12_keystore::Pkcs12Archive::from_pkcs12(p12, sandi).map_err(|e| match e {
                E::MacError(_) | E::UnpadError => TolakSertifikat::SandiSalah,
                other => TolakSertifikat::BukanP12(other.to_string()),
            })?;
        let certs: Vec<Certificate> = archive
            .certs
            .iter()
            .filter_map(|c| Certificate::from_der(c.cert.as_der()).ok())
            .collect();
        let mut refused = None;
        for bag in &archive.keys {
            let kunci = match Kunci::from_pkcs8(bag.key.as_der()) {
                Ok(k) => k,
                Err(e) => {
                    refused = Some(e);
                    continue;
                }
            };
            let Some(public) = kunci.public_der() else {
                continue;
            };
            let own = certs.iter().position(|c| {
                c.tbs_certificate()
                    .subject_public_key_info()
                    .to_der()
                    .is_ok_and(|d| d == public)
            });
            if let Some(i) = own {
                let mut rantai = certs.clone();
                let sertifikat = rantai.remove(i);
                return Ok(Penanda {
                    kunci,
                    sertifikat,
                    rantai,
                });
            }
        }
        Err(refused.unwrap_or(TolakSertifikat::TanpaKunci))
    }

    /// Who the certificate says the signer is.
    pub fn identitas(&self) -> Identitas {
        Identitas::of(&self.sertifikat)
    }

    /// Whether the certificate may sign at `sekarang` (Unix seconds): an expired or
    /// not-yet-valid one is refused.
    pub fn periksa_masa_berlaku(&self, sekarang: i64) -> Result<(), TolakSertifikat> {
        let id = self.identitas();
        if sekarang > id.berlaku_sampai {
            return Err(TolakSertifikat::Kedaluwarsa {
                sampai: id.berlaku_sampai,
            });
        }
        if sekarang < id.berlaku_dari {
            return Err(TolakSertifikat::BelumBerlaku {
                dari: id.berlaku_dari,
            });
        }
        Ok(())
    }

    /// What the signer should confirm before signing an SOP whose signer is `nama`
    /// with NIP `nip` (as written in `[pengesahan]`).
    pub fn peringatan(&self, nama: &str, nip: &str) -> Vec<Peringatan> {
        let id = self.identitas();
        let mut found = Vec::new();
        if id.nama.is_empty() {
            found.push(Peringatan::TanpaNama);
        } else if !nama.trim().is_empty() && !same_person(&id.nama, nama) {
            found.push(Peringatan::NamaBerbeda {
                sertifikat: id.nama.clone(),
                sop: nama.trim().to_string(),
            });
        }
        let sop_nip: String = nip.chars().filter(char::is_ascii_digit).collect();
        if id.nip.is_empty() {
            found.push(Peringatan::TanpaNip);
        } else if !sop_nip.is_empty() && sop_nip != id.nip {
            found.push(Peringatan::NipBerbeda {
                sertifikat: id.nip.clone(),
                sop: sop_nip,
            });
        }
        found
    }
}

/// Whether a certificate's name and the SOP's name are one person: every word of the
/// certificate's name appears in the SOP's (which may add titles: "Drs.", "M.Si"),
/// ignoring case and punctuation.
fn same_person(sertifikat: &str, sop: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let sop = words(sop);
    let cert = words(sertifikat);
    !cert.is_empty() && cert.iter().all(|w| sop.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nip_is_an_eighteen_digit_run() {
        assert_eq!(nip_in("196910161995031001"), "196910161995031001");
        assert_eq!(nip_in("NIP:196910161995031001"), "196910161995031001");
        assert_eq!(nip_in("PNS-196910161995031001"), "196910161995031001");
        assert_eq!(nip_in("3201010101010001"), "", "a 16-digit NIK is no NIP");
    }

    #[test]
    fn titles_do_not_make_another_person() {
        assert!(same_person("GUNSONO MEKSON", "GUNSONO MEKSON, SE, MM"));
        assert!(same_person("Gunsono Mekson", "GUNSONO MEKSON, SE, MM"));
        assert!(!same_person("Siti Aminah", "GUNSONO MEKSON, SE, MM"));
        assert!(!same_person("", "GUNSONO"));
    }
}
