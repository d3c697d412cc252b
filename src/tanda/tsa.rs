//! RFC 3161 timestamps: asking a timestamp authority (TSA) over HTTP for a token over a
//! signature (PAdES B-T), and reading the time a token vouches for.

use std::time::Duration;

use der::asn1::{Int, OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence, Tagged};
use spki::AlgorithmIdentifierOwned;

use super::cms::{self, Hash, oid};

/// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`.
#[derive(Debug, Clone, Sequence)]
pub struct MessageImprint {
    /// The digest algorithm.
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// The digest.
    pub hashed_message: OctetString,
}

/// `TimeStampReq` with the fields sopan sends: version, imprint, nonce, certReq.
#[derive(Debug, Clone, Sequence)]
struct TimeStampReq {
    version: u8,
    message_imprint: MessageImprint,
    nonce: Int,
    cert_req: bool,
}

/// `PKIStatusInfo`: the status, and whatever else the TSA says, unread.
#[derive(Debug, Clone, Sequence)]
struct PkiStatusInfo {
    status: u8,
    #[asn1(optional = "true")]
    status_string: Option<Vec<String>>,
}

/// `TSTInfo`, the fields read: the imprint, the time and the nonce. Read by hand after
/// the imprint, because `genTime` may carry fractions of seconds.
#[derive(Debug, Clone)]
pub struct TstInfo {
    /// What was stamped.
    pub message_imprint: MessageImprint,
    /// The time, Unix seconds.
    pub gen_time: i64,
    /// The nonce, big-endian bytes.
    pub nonce: Option<Vec<u8>>,
}

/// Why a timestamp could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TsaError {
    /// The address is not an `http://` one.
    Alamat(String),
    /// The request failed (network, HTTP status).
    Jaringan(String),
    /// The answer was not a granted timestamp for this signature.
    Jawaban(String),
}

impl std::fmt::Display for TsaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TsaError::Alamat(a) => write!(
                f,
                "alamat TSA \"{a}\" tidak dapat dipakai: hanya alamat http:// yang didukung"
            ),
            TsaError::Jaringan(e) => write!(f, "TSA tidak dapat dihubungi ({e})"),
            TsaError::Jawaban(e) => write!(f, "jawaban TSA tidak dapat dipakai ({e})"),
        }
    }
}

/// Asks the TSA at `url` for a token over `data` (the signature value), with `hash`;
/// returns the token (a ContentInfo, DER) after checking it stamps `data`.
pub fn request(url: &str, data: &[u8], hash: Hash) -> Result<Vec<u8>, TsaError> {
    if !url.starts_with("http://") {
        return Err(TsaError::Alamat(url.to_string()));
    }
    let imprint = MessageImprint {
        hash_algorithm: hash.algorithm(),
        hashed_message: OctetString::new(hash.digest(&[data]))
            .map_err(|e| TsaError::Jawaban(e.to_string()))?,
    };
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| TsaError::Jaringan(e.to_string()))?;
    nonce[0] &= 0x7f;
    nonce[0] |= 0x01;
    let req = TimeStampReq {
        version: 1,
        message_imprint: imprint.clone(),
        nonce: Int::new(&nonce).map_err(|e| TsaError::Jawaban(e.to_string()))?,
        cert_req: true,
    }
    .to_der()
    .map_err(|e| TsaError::Jawaban(e.to_string()))?;

    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(true)
        .build()
        .new_agent();
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/timestamp-query")
        .send(&req[..])
        .map_err(|e| TsaError::Jaringan(e.to_string()))?;
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_vec()
        .map_err(|e| TsaError::Jaringan(e.to_string()))?;
    let token = token_of(&body)?;
    let info = read_token(&token).map_err(TsaError::Jawaban)?;
    if info.message_imprint.hashed_message.as_bytes() != imprint.hashed_message.as_bytes() {
        return Err(TsaError::Jawaban("cap waktu untuk data lain".into()));
    }
    if info.nonce.as_deref() != Some(&nonce[..]) {
        return Err(TsaError::Jawaban("nonce tidak cocok".into()));
    }
    Ok(token)
}

/// The token of a `TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken
/// ContentInfo OPTIONAL }`, when granted (status 0 or 1).
fn token_of(body: &[u8]) -> Result<Vec<u8>, TsaError> {
    let bad = |e: &dyn std::fmt::Display| TsaError::Jawaban(e.to_string());
    let outer = <&der::asn1::SequenceRef>::from_der(body).map_err(|e| bad(&e))?;
    let mut reader = der::SliceReader::new(outer.as_bytes()).map_err(|e| bad(&e))?;
    let status = Any::decode(&mut reader).map_err(|e| bad(&e))?;
    let status: PkiStatusInfo = status.decode_as().map_err(|e| bad(&e))?;
    if status.status > 1 {
        let why = status.status_string.unwrap_or_default().join("; ");
        return Err(TsaError::Jawaban(format!(
            "permintaan ditolak, status {} {why}",
            status.status
        )));
    }
    let token = Any::decode(&mut reader).map_err(|e| bad(&e))?;
    token.to_der().map_err(|e| bad(&e))
}

/// Reads the TSTInfo inside a timestamp token (a ContentInfo with SignedData).
pub fn read_token(token: &[u8]) -> Result<TstInfo, String> {
    let parsed = cms::parse(token)?;
    let encap = &parsed.signed.encap_content_info;
    if encap.econtent_type != oid::TST_INFO {
        return Err("token bukan TSTInfo".into());
    }
    let content = encap.econtent.as_ref().ok_or("token tanpa isi")?;
    let bytes = content
        .decode_as::<OctetString>()
        .map_err(|e| e.to_string())?;
    read_tst_info(bytes.as_bytes())
}

/// The TSTInfo bytes inside a token, for checking the token's own signature.
pub fn tst_info_bytes(parsed: &cms::Parsed) -> Option<Vec<u8>> {
    parsed
        .signed
        .encap_content_info
        .econtent
        .as_ref()?
        .decode_as::<OctetString>()
        .ok()
        .map(|o| o.as_bytes().to_vec())
}

fn read_tst_info(der: &[u8]) -> Result<TstInfo, String> {
    let e = |e: der::Error| e.to_string();
    let seq = <&der::asn1::SequenceRef>::from_der(der).map_err(e)?;
    let mut r = der::SliceReader::new(seq.as_bytes()).map_err(e)?;
    let _version = Any::decode(&mut r).map_err(e)?;
    let _policy = Any::decode(&mut r).map_err(e)?;
    let message_imprint = MessageImprint::decode(&mut r).map_err(e)?;
    let _serial = Any::decode(&mut r).map_err(e)?;
    let stamp = Any::decode(&mut r).map_err(e)?;
    if stamp.tag() != der::Tag::GeneralizedTime {
        return Err("genTime bukan GeneralizedTime".into());
    }
    let gen_time = generalized_time(stamp.value()).ok_or("genTime tidak terbaca")?;
    let mut nonce = None;
    // accuracy, ordering, nonce, tsa, extensions: only the nonce is read.
    while let Ok(any) = Any::decode(&mut r) {
        if any.tag() == der::Tag::Integer {
            nonce = Some(any.value().to_vec());
        }
    }
    Ok(TstInfo {
        message_imprint,
        gen_time,
        nonce,
    })
}

/// `YYYYMMDDHHMMSS[.fff]Z` to Unix seconds.
fn generalized_time(text: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(text).ok()?;
    let s = s.strip_suffix('Z')?;
    let whole = s.split('.').next()?;
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| whole[r].parse::<i64>().ok();
    let (y, mo, d) = (n(0..4)?, n(4..6)?, n(6..8)?);
    let (h, mi, se) = (n(8..10)?, n(10..12)?, n(12..14)?);
    Some(super::waktu::days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// The unsigned signature-time-stamp token of a signer, if any.
pub fn token_in(info: &::cms::signed_data::SignerInfo) -> Option<Vec<u8>> {
    let attrs: &SetOfVec<x509_cert::attr::Attribute> = info.unsigned_attrs.as_ref()?;
    attrs
        .iter()
        .find(|a| a.oid == oid::SIGNATURE_TIMESTAMP)?
        .values
        .iter()
        .next()?
        .to_der()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generalized_times_with_and_without_fractions() {
        assert_eq!(generalized_time(b"19700101000000Z"), Some(0));
        assert_eq!(generalized_time(b"20240601123000Z"), Some(1_717_245_000));
        assert_eq!(
            generalized_time(b"20240601123000.123Z"),
            Some(1_717_245_000)
        );
        assert_eq!(generalized_time(b"20240601123000"), None);
    }
}
