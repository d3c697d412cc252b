//! What signing adds to a render: the LAKIP example rendered warm (load, typeset, PDF),
//! then signed (incremental update + CMS, PAdES B-B) with an RSA-2048 and an ECDSA
//! P-256 key from .p12 files made here with `openssl`, and the signature verified.
//!
//! Run with `cargo bench --bench tanda`. Numbers go to stdout.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use sopan::pipeline::{self, Settings};
use sopan::tanda::{self, Penanda};

fn median(n: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

fn openssl(dir: &Path, args: &[&str]) {
    let ok = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl")
        .status
        .success();
    assert!(ok, "openssl {args:?}");
}

/// A self-signed signer in `dir/name.p12`, password "bench".
fn signer(dir: &Path, name: &str, key: &[&str]) -> Penanda {
    let (k, pem, p12) = (
        format!("{name}.key"),
        format!("{name}.pem"),
        format!("{name}.p12"),
    );
    let mut req = vec!["req", "-x509", "-nodes", "-days", "30"];
    req.extend_from_slice(key);
    req.extend_from_slice(&[
        "-keyout",
        &k,
        "-out",
        &pem,
        "-subj",
        "/CN=Bench/serialNumber=196910161995031001",
    ]);
    openssl(dir, &req);
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            &k,
            "-in",
            &pem,
            "-out",
            &p12,
            "-passout",
            "pass:bench",
        ],
    );
    Penanda::baca(&std::fs::read(dir.join(&p12)).unwrap(), "bench").expect("p12")
}

fn main() {
    let dir = std::env::temp_dir().join(format!("sopan-bench-tanda-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/pagar-alam-dpmptsptk/perencanaan/lakip.toml");
    let settings = Settings::default();
    let render = || {
        let (loaded, rendered) = pipeline::render_file(&path, &settings).expect("render");
        pipeline::pdf(&loaded, &rendered, None).expect("pdf")
    };
    let pdf = render();
    let n = 15;
    let t_render = median(n, || {
        std::hint::black_box(render());
    });
    println!(
        "render LAKIP (warm, load + typeset + PDF): {:>7.1} ms",
        t_render.as_secs_f64() * 1e3
    );
    let keys: [(&str, &[&str]); 2] = [
        ("RSA-2048", &["-newkey", "rsa:2048"]),
        (
            "ECDSA P-256",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        ),
    ];
    for (i, (name, key)) in keys.iter().enumerate() {
        let penanda = signer(&dir, &format!("k{i}"), key);
        let opsi = tanda::Opsi {
            waktu: tanda::waktu::sekarang(),
            alasan: "bench".into(),
            lokasi: None,
            tsa: None,
        };
        let signed = tanda::sign(&pdf, &penanda, &opsi).expect("sign");
        let t_sign = median(n, || {
            std::hint::black_box(tanda::sign(&pdf, &penanda, &opsi).expect("sign"));
        });
        let t_verify = median(n, || {
            std::hint::black_box(tanda::verify(&signed, &[]).expect("verify"));
        });
        println!(
            "sign {name:<12} {:>7.1} ms (+{:.0}% on the render), verify {:>6.1} ms",
            t_sign.as_secs_f64() * 1e3,
            100.0 * t_sign.as_secs_f64() / t_render.as_secs_f64(),
            t_verify.as_secs_f64() * 1e3
        );
        assert!(
            t_sign < Duration::from_millis(100),
            "signing must add under 100 ms"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
