//! CMS SignedData as PAdES baseline B-B wants it (ETSI EN 319 142-1, `ETSI.CAdES.detached`):
//! detached content, signed attributes content-type, message-digest and
//! signing-certificate-v2, no signing-time (the claimed time is the PDF's `/M`), and for
//! B-T a signature timestamp token as an unsigned attribute. Also reading one back and
//! checking its digest, its signature and its certificates.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier as Oid;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use sha2::Digest as _;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

use super::penanda::Penanda;

/// OIDs of CMS, CAdES and the algorithms used.
pub mod oid {
    use const_oid::ObjectIdentifier as Oid;
    pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
    pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
    pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
    pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
    pub const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
    pub const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
    pub const SIGNATURE_TIMESTAMP: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
    pub const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
    pub const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    pub const SHA256_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    pub const SHA384_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    pub const SHA512_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    pub const EC: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
    pub const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    pub const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
}

/// A digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    /// Its OID.
    pub fn oid(self) -> Oid {
        match self {
            Hash::Sha256 => oid::SHA256,
            Hash::Sha384 => oid::SHA384,
            Hash::Sha512 => oid::SHA512,
        }
    }

    /// The algorithm of an OID, if sopan knows it.
    pub fn from_oid(o: &Oid) -> Option<Self> {
        [Hash::Sha256, Hash::Sha384, Hash::Sha512]
            .into_iter()
            .find(|h| h.oid() == *o)
    }

    /// The digest of `parts`, one after the other.
    pub fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            Hash::Sha256 => run::<sha2::Sha256>(parts),
            Hash::Sha384 => run::<sha2::Sha384>(parts),
            Hash::Sha512 => run::<sha2::Sha512>(parts),
        }
    }

    /// The algorithm identifier as CMS writes it (no parameters).
    pub fn algorithm(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: self.oid(),
            parameters: None,
        }
    }
}

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies ... OPTIONAL }`
/// (RFC 5035).
#[derive(Debug, Clone, Sequence)]
pub struct SigningCertificateV2 {
    /// The signer's certificate first.
    pub certs: Vec<EssCertIdV2>,
}

/// `ESSCertIDv2`: the hash of a certificate, and its issuer and serial number.
#[derive(Debug, Clone, Sequence)]
pub struct EssCertIdV2 {
    /// Absent for SHA-256 (the DEFAULT).
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    /// The certificate's hash.
    pub cert_hash: OctetString,
    /// Which certificate.
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }`.
#[derive(Debug, Clone, Sequence)]
pub struct IssuerSerial {
    /// The issuer, as a directory name.
    pub issuer: Vec<GeneralName>,
    /// The certificate's serial number.
    pub serial_number: SerialNumber,
}

/// Why a SignedData could not be made.
#[derive(Debug)]
pub struct CmsError(pub String);

impl std::fmt::Display for CmsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "tanda tangan CMS tidak dapat dibuat ({})", self.0)
    }
}

fn attribute(oid: Oid, value: Any) -> Result<Attribute, CmsError> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(err)?;
    Ok(Attribute { oid, values })
}

fn err(e: impl std::fmt::Display) -> CmsError {
    CmsError(e.to_string())
}

/// The signed attributes for a content with digest `digest`, signed by `signer`.
fn signed_attributes(signer: &Penanda, digest: &[u8]) -> Result<SetOfVec<Attribute>, CmsError> {
    let hash = signer.kunci.hash();
    let cert = &signer.sertifikat;
    let cert_der = cert.to_der().map_err(err)?;
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: (hash != Hash::Sha256).then(|| hash.algorithm()),
            cert_hash: OctetString::new(hash.digest(&[&cert_der])).map_err(err)?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    cert.tbs_certificate().issuer().clone(),
                )],
                serial_number: cert.tbs_certificate().serial_number().clone(),
            }),
        }],
    };
    let mut attrs = SetOfVec::new();
    attrs
        .insert(attribute(
            oid::CONTENT_TYPE,
            Any::encode_from(&oid::DATA).map_err(err)?,
        )?)
        .map_err(err)?;
    attrs
        .insert(attribute(
            oid::MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec()).map_err(err)?).map_err(err)?,
        )?)
        .map_err(err)?;
    attrs
        .insert(attribute(
            oid::SIGNING_CERTIFICATE_V2,
            Any::encode_from(&ess).map_err(err)?,
        )?)
        .map_err(err)?;
    Ok(attrs)
}

/// The signature algorithm identifier a key's signatures carry.
fn signature_algorithm(signer: &Penanda) -> AlgorithmIdentifierOwned {
    use super::penanda::Kunci;
    match signer.kunci {
        Kunci::Rsa(_) => AlgorithmIdentifierOwned {
            oid: oid::SHA256_RSA,
            parameters: Some(Any::null()),
        },
        Kunci::P256(_) => AlgorithmIdentifierOwned {
            oid: oid::ECDSA_SHA256,
            parameters: None,
        },
        Kunci::P384(_) => AlgorithmIdentifierOwned {
            oid: oid::ECDSA_SHA384,
            parameters: None,
        },
    }
}

/// The SignerInfo of `signer` over a detached content whose digest (with the key's
/// [`Hash`]) is `digest`.
pub fn signer_info(signer: &Penanda, digest: &[u8]) -> Result<SignerInfo, CmsError> {
    let attrs = signed_attributes(signer, digest)?;
    // The signature is over the DER of the attributes as a SET OF (RFC 5652, 5.4).
    let signature = signer.kunci.sign(&attrs.to_der().map_err(err)?);
    let tbs = signer.sertifikat.tbs_certificate();
    Ok(SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: signer.kunci.hash().algorithm(),
        signed_attrs: Some(attrs),
        signature_algorithm: signature_algorithm(signer),
        signature: OctetString::new(signature).map_err(err)?,
        unsigned_attrs: None,
    })
}

/// Adds an RFC 3161 timestamp token (a ContentInfo, DER) over the signature as the
/// signature-time-stamp unsigned attribute.
pub fn add_timestamp(info: &mut SignerInfo, token: &[u8]) -> Result<(), CmsError> {
    let mut attrs = SetOfVec::new();
    attrs
        .insert(attribute(
            oid::SIGNATURE_TIMESTAMP,
            Any::from_der(token).map_err(err)?,
        )?)
        .map_err(err)?;
    info.unsigned_attrs = Some(attrs);
    Ok(())
}

/// The ContentInfo (DER) holding a SignedData with one signer and its certificates.
pub fn content_info(signer: &Penanda, info: SignerInfo) -> Result<Vec<u8>, CmsError> {
    let mut certs = SetOfVec::new();
    for c in std::iter::once(&signer.sertifikat).chain(&signer.rantai) {
        // A certificate given twice in the file is carried once.
        let _ = certs.insert(CertificateChoices::Certificate(c.clone()));
    }
    let mut digests = SetOfVec::new();
    digests.insert(info.digest_alg.clone()).map_err(err)?;
    let mut infos = SetOfVec::new();
    infos.insert(info).map_err(err)?;
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: digests,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: oid::DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(infos),
    };
    ContentInfo {
        content_type: oid::SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(err)?,
    }
    .to_der()
    .map_err(err)
}

/// The DER of `bytes` up to the end of its first element: `/Contents` is zero-padded.
pub fn first_element(bytes: &[u8]) -> Option<&[u8]> {
    let (&tag, rest) = bytes.split_first()?;
    if tag != 0x30 {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |a, &b| (a << 8) | usize::from(b));
        (len, 2 + n)
    };
    bytes.get(..header.checked_add(len)?)
}

/// A SignedData read back, with its certificates.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The SignedData.
    pub signed: SignedData,
    /// Its certificates.
    pub certs: Vec<Certificate>,
}

/// Reads a ContentInfo holding a SignedData.
pub fn parse(der: &[u8]) -> Result<Parsed, String> {
    let der = first_element(der).ok_or("bukan DER")?;
    let info = ContentInfo::from_der(der).map_err(|e| e.to_string())?;
    if info.content_type != oid::SIGNED_DATA {
        return Err(format!("isi CMS bukan SignedData ({})", info.content_type));
    }
    let signed = info
        .content
        .decode_as::<SignedData>()
        .map_err(|e| e.to_string())?;
    let certs = signed
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Parsed { signed, certs })
}

/// What checking one signer of a SignedData found.
#[derive(Debug, Clone, Default)]
pub struct SignerCheck {
    /// The signer's certificate, found among the SignedData's.
    pub cert: Option<Certificate>,
    /// The digest algorithm.
    pub hash: Option<Hash>,
    /// The content's digest equals the message-digest attribute.
    pub digest_ok: bool,
    /// The signature over the signed attributes verifies with the certificate's key.
    pub signature_ok: bool,
    /// Whether signing-certificate(-v2) names this certificate; `None` when absent.
    pub signing_certificate_ok: Option<bool>,
    /// Whether the signed attributes hold a signing-time (PAdES B-B forbids it).
    pub signing_time: bool,
    /// What is wrong, in words.
    pub masalah: Vec<String>,
}

/// Checks the first signer of `parsed` against `content` (the signed bytes, in parts).
pub fn check(parsed: &Parsed, content: &[&[u8]]) -> SignerCheck {
    let mut out = SignerCheck::default();
    let Some(info) = parsed.signed.signer_infos.0.iter().next() else {
        out.masalah.push("CMS tidak berisi penanda tangan".into());
        return out;
    };
    out.cert = signer_cert(&parsed.certs, &info.sid).cloned();
    let Some(hash) = Hash::from_oid(&info.digest_alg.oid) else {
        out.masalah.push(format!(
            "algoritma digest {} tidak didukung",
            info.digest_alg.oid
        ));
        return out;
    };
    out.hash = Some(hash);
    let Some(attrs) = &info.signed_attrs else {
        out.masalah.push("CMS tanpa atribut bertanda tangan".into());
        return out;
    };
    let digest = hash.digest(content);
    let claimed = attrs
        .iter()
        .find(|a| a.oid == oid::MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok());
    out.digest_ok = claimed.is_some_and(|c| c.as_bytes() == digest.as_slice());
    if !out.digest_ok {
        out.masalah
            .push("isi berkas tidak sama dengan yang ditandatangani (digest berbeda)".into());
    }
    out.signing_time = attrs.iter().any(|a| a.oid == oid::SIGNING_TIME);
    let Some(cert) = &out.cert else {
        out.masalah
            .push("sertifikat penanda tangan tidak ada di dalam tanda tangan".into());
        return out;
    };
    out.signing_certificate_ok = attrs
        .iter()
        .find(|a| a.oid == oid::SIGNING_CERTIFICATE_V2)
        .and_then(|a| a.values.iter().next())
        .map(|v| {
            v.decode_as::<SigningCertificateV2>().is_ok_and(|s| {
                s.certs.first().is_some_and(|id| {
                    let h = id
                        .hash_algorithm
                        .as_ref()
                        .map_or(Some(Hash::Sha256), |a| Hash::from_oid(&a.oid));
                    match (h, cert.to_der()) {
                        (Some(h), Ok(der)) => h.digest(&[&der]) == id.cert_hash.as_bytes(),
                        _ => false,
                    }
                })
            })
        });
    if out.signing_certificate_ok == Some(false) {
        out.masalah
            .push("atribut signing-certificate-v2 tidak cocok dengan sertifikat".into());
    }
    out.signature_ok = attrs.to_der().is_ok_and(|message| {
        verify(
            cert.tbs_certificate().subject_public_key_info(),
            &info.signature_algorithm.oid,
            hash,
            &message,
            info.signature.as_bytes(),
        )
    });
    if !out.signature_ok {
        out.masalah
            .push("tanda tangan kriptografis tidak cocok dengan sertifikatnya".into());
    }
    out
}

/// The certificate `sid` names.
pub fn signer_cert<'a>(
    certs: &'a [Certificate],
    sid: &SignerIdentifier,
) -> Option<&'a Certificate> {
    certs.iter().find(|c| {
        let tbs = c.tbs_certificate();
        match sid {
            SignerIdentifier::IssuerAndSerialNumber(is) => {
                tbs.issuer() == &is.issuer && tbs.serial_number() == &is.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => tbs
                .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
                .ok()
                .flatten()
                .is_some_and(|(_, own)| own.0.as_bytes() == ski.0.as_bytes()),
        }
    })
}

/// Whether `signature` over `message` verifies with `key`, by the signature algorithm
/// `algorithm` (an RSA or ECDSA OID) and the digest `hash`.
pub fn verify(
    key: &spki::SubjectPublicKeyInfoOwned,
    algorithm: &Oid,
    hash: Hash,
    message: &[u8],
    signature: &[u8],
) -> bool {
    use signature::hazmat::PrehashVerifier;
    let digest = hash.digest(&[message]);
    let point = key.subject_public_key.raw_bytes();
    match key.algorithm.oid {
        oid::RSA => {
            let rsa_algorithms = [oid::RSA, oid::SHA256_RSA, oid::SHA384_RSA, oid::SHA512_RSA];
            if !rsa_algorithms.contains(algorithm) {
                return false;
            }
            let Ok(public) =
                <rsa::PublicKey as rsa::pkcs1::DecodeRsaPublicKey>::from_pkcs1_der(point)
            else {
                return false;
            };
            let Ok(sig) = rsa::pkcs1v15::Signature::try_from(signature) else {
                return false;
            };
            match hash {
                Hash::Sha256 => rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(public)
                    .verify_prehash(&digest, &sig)
                    .is_ok(),
                Hash::Sha384 => rsa::pkcs1v15::VerifyingKey::<sha2::Sha384>::new(public)
                    .verify_prehash(&digest, &sig)
                    .is_ok(),
                Hash::Sha512 => rsa::pkcs1v15::VerifyingKey::<sha2::Sha512>::new(public)
                    .verify_prehash(&digest, &sig)
                    .is_ok(),
            }
        }
        oid::EC => {
            if ![oid::ECDSA_SHA256, oid::ECDSA_SHA384, oid::ECDSA_SHA512].contains(algorithm) {
                return false;
            }
            let curve = key
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<Oid>().ok());
            match curve {
                Some(oid::P256) => {
                    let (Ok(k), Ok(s)) = (
                        p256::ecdsa::VerifyingKey::from_sec1_bytes(point),
                        p256::ecdsa::Signature::from_der(signature),
                    ) else {
                        return false;
                    };
                    k.verify_prehash(&digest, &s).is_ok()
                }
                Some(oid::P384) => {
                    let (Ok(k), Ok(s)) = (
                        p384::ecdsa::VerifyingKey::from_sec1_bytes(point),
                        p384::ecdsa::Signature::from_der(signature),
                    ) else {
                        return false;
                    };
                    k.verify_prehash(&digest, &s).is_ok()
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The digest a certificate's signature algorithm uses, if sopan knows it.
pub fn hash_of_signature(algorithm: &Oid) -> Option<Hash> {
    match *algorithm {
        oid::SHA256_RSA | oid::ECDSA_SHA256 => Some(Hash::Sha256),
        oid::SHA384_RSA | oid::ECDSA_SHA384 => Some(Hash::Sha384),
        oid::SHA512_RSA | oid::ECDSA_SHA512 => Some(Hash::Sha512),
        _ => None,
    }
}

/// Whether `cert` was signed by `issuer`'s key.
pub fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
        return false;
    }
    let algorithm = &cert.signature_algorithm().oid;
    let (Some(hash), Ok(tbs)) = (
        hash_of_signature(algorithm),
        cert.tbs_certificate().to_der(),
    ) else {
        return false;
    };
    let Some(sig) = cert.signature().as_bytes() else {
        return false;
    };
    verify(
        issuer.tbs_certificate().subject_public_key_info(),
        algorithm,
        hash,
        &tbs,
        sig,
    )
}

/// The SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}
