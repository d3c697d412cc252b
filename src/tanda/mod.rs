//! PAdES signatures, in three pieces each tested alone, as pyHanko splits them: the
//! incremental PDF update that carries a signature ([`incremental`]), the CMS SignedData
//! of PAdES baseline B-B/B-T ([`cms`], with [`tsa`] for the timestamp), and the
//! verification of a signed PDF ([`verify`]). The signer is read from a PKCS#12 file
//! ([`penanda`]). Nothing here knows about SOPs, the command line or HTTP.

pub mod cms;
pub mod incremental;
pub mod penanda;
pub mod tsa;
pub mod verify;
pub mod waktu;

pub use incremental::PdfError;
pub use penanda::{Identitas, Penanda, Peringatan, TolakSertifikat};
pub use verify::{Cakupan, Kepercayaan, Perubahan, Tanda, VerifyError, verify};

/// How a PDF is signed.
#[derive(Debug, Clone)]
pub struct Opsi {
    /// The claimed signing time (Unix seconds), written as `/M`.
    pub waktu: i64,
    /// `/Reason`.
    pub alasan: String,
    /// `/Location`, if any.
    pub lokasi: Option<String>,
    /// An RFC 3161 timestamp authority (`http://` URL), for PAdES B-T.
    pub tsa: Option<String>,
}

/// Why a PDF could not be signed.
#[derive(Debug)]
pub enum SignError {
    /// The PDF cannot take a signature.
    Pdf(PdfError),
    /// The CMS could not be made.
    Cms(cms::CmsError),
    /// The timestamp could not be had.
    Tsa(tsa::TsaError),
    /// The certificate cannot sign now.
    Sertifikat(TolakSertifikat),
}

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignError::Pdf(e) => e.fmt(f),
            SignError::Cms(e) => e.fmt(f),
            SignError::Tsa(e) => e.fmt(f),
            SignError::Sertifikat(e) => e.fmt(f),
        }
    }
}

/// Room for everything but the certificates and the timestamp token in `/Contents`.
const RUANG_DASAR: usize = 2048;
/// Room for a timestamp token (it carries the TSA's certificates).
const RUANG_CAP_WAKTU: usize = 12 * 1024;

/// Signs `pdf` as `penanda` (PAdES B-B, or B-T with a TSA): the PDF with an incremental
/// update holding the signature, covering the whole file.
pub fn sign(pdf: &[u8], penanda: &Penanda, opsi: &Opsi) -> Result<Vec<u8>, SignError> {
    penanda
        .periksa_masa_berlaku(opsi.waktu)
        .map_err(SignError::Sertifikat)?;
    let certs: usize = std::iter::once(&penanda.sertifikat)
        .chain(&penanda.rantai)
        .map(|c| der::Encode::encoded_len(c).map_or(4096, |l| u32::from(l) as usize))
        .sum();
    let mut ruang = RUANG_DASAR
        + certs
        + if opsi.tsa.is_some() {
            RUANG_CAP_WAKTU
        } else {
            0
        };
    // Twice at most: a timestamp larger than foreseen is asked for again with room for it.
    for _ in 0..2 {
        let field = incremental::SigField {
            nama_field: "Pengesahan".into(),
            penanda: penanda.identitas().nama,
            waktu: waktu::pdf_date(opsi.waktu),
            alasan: opsi.alasan.clone(),
            lokasi: opsi.lokasi.clone(),
            ruang,
        };
        let prepared = incremental::prepare(pdf, &field).map_err(SignError::Pdf)?;
        let hash = penanda.kunci.hash();
        let digest = hash.digest(&prepared.signed_parts());
        let mut info = cms::signer_info(penanda, &digest).map_err(SignError::Cms)?;
        if let Some(url) = &opsi.tsa {
            let token =
                tsa::request(url, info.signature.as_bytes(), hash).map_err(SignError::Tsa)?;
            cms::add_timestamp(&mut info, &token).map_err(SignError::Cms)?;
        }
        let der = cms::content_info(penanda, info).map_err(SignError::Cms)?;
        match prepared.fill(&der) {
            Ok(signed) => return Ok(signed),
            Err(PdfError::RuangKurang { perlu, .. }) => ruang = perlu + 1024,
            Err(e) => return Err(SignError::Pdf(e)),
        }
    }
    Err(SignError::Pdf(PdfError::RuangKurang {
        ruang,
        perlu: ruang,
    }))
}
