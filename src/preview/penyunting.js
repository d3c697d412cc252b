// Penyunting sopan: formulir SOP di samping lembar yang ikut berubah saat diketik,
// penyimpanan yang tidak menimpa perubahan orang lain, "SOP baru" di daftar, dan alur
// pengesahan (Ajukan, Teruskan, Kembalikan dengan catatan per isian, Sahkan dengan
// sertifikat .p12) di bagian "Pengesahan" di bawah kepala halaman.
//
// Keadaan dan gambar terpisah: `model` adalah isi formulir; `gambar()` membuat formulir
// baru dari model lalu `samakan()` hanya mengubah bagian halaman yang berbeda. Elemen
// yang sama tetap elemen yang sama, jadi tombol di bawah penunjuk tidak pernah diganti
// (klik tidak hilang), fokus dan posisi baca pembaca layar tetap. Semua tombol dan isian
// ditangani oleh satu pendengar di formulir, menurut `data-aksi` dan `data-ikat`;
// bagian Pengesahan punya satu pendengarnya sendiri. Keadaan alur (`alur`) datang dari
// server bersama formulir: selama SOP diajukan, formulir hanya dapat dibaca.
(function () {
  "use strict";
  var token = document.body.dataset.token || "";

  function kirim(alamat, isi) {
    return fetch(alamat, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Sopan-Token": token },
      body: JSON.stringify(isi || {}),
      cache: "no-store",
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { j._status = r.status; return j; });
    });
  }

  // Alamat sebuah SOP: setiap bagian jalurnya dikodekan (id boleh memuat # atau ?).
  function alamatSop(id) {
    return "/sop/" + id.split("/").map(encodeURIComponent).join("/");
  }

  function el(tag, attrs, anak) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (k === "teks") e.textContent = v;
      else if (k === "nilai") e.value = v;
      else if (k === "centang") e.checked = !!v;
      else if (v !== false && v != null) e.setAttribute(k, v === true ? "" : v);
    });
    (anak || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }

  // ---- Daftar: SOP baru dan keluar ----
  var formBaru = document.getElementById("form-baru");
  if (formBaru) {
    var namaBaru = formBaru.nama, berkasBaru = formBaru.berkas, salahBaru = document.getElementById("baru-salah");
    var berkasDiketik = false;
    // Nama berkas dibuat dari Nama SOP: huruf kecil, spasi menjadi tanda hubung.
    var jadiBerkas = function (t) {
      return t.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
        .replace(/[^a-z0-9_-]+/g, "-").replace(/-+/g, "-").replace(/^[-_]+|-+$/g, "").slice(0, 80);
    };
    namaBaru.addEventListener("input", function () { if (!berkasDiketik) berkasBaru.value = jadiBerkas(namaBaru.value); });
    berkasBaru.addEventListener("input", function () { berkasDiketik = berkasBaru.value !== ""; });
    formBaru.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var berkas = berkasBaru.value.trim().replace(/\.toml$/i, "");
      var pesan = !berkas ? "Isi Nama SOP atau Nama berkas." :
        /^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(berkas) ? null :
        "Nama berkas hanya boleh berisi huruf, angka, tanda - dan _, tanpa spasi (misalnya " + (jadiBerkas(berkas) || "penyusunan-renstra") + ").";
      if (pesan) { salahBaru.textContent = pesan; salahBaru.hidden = false; berkasBaru.setAttribute("aria-invalid", "true"); berkasBaru.focus(); return; }
      kirim("/baru", { bab: formBaru.bab.value, berkas: berkas, nama: namaBaru.value.trim() }).then(function (j) {
        if (j.alamat) { location.href = j.alamat; return; }
        salahBaru.textContent = j.pesan || "SOP baru tidak dapat dibuat.";
        salahBaru.hidden = false;
      });
    });
  }
  var keluar = document.getElementById("keluar");
  if (keluar) {
    keluar.addEventListener("click", function () {
      kirim("/keluar").then(function () { location.href = "/"; });
    });
  }

  var sop = document.body.dataset.ubah;
  if (!sop) return;
  var dasarAlamat = alamatSop(sop);
  var formEl = document.getElementById("formulir");
  var lembar = document.getElementById("lembar-draf");
  var catatanEl = document.getElementById("catatan");
  var keadaan = document.getElementById("keadaan");
  var umumkanEl = document.getElementById("umumkan");
  var tombolSimpan = document.getElementById("simpan");
  var tombolUrung = document.getElementById("urungkan");
  var bentrok = document.getElementById("bentrok");
  var judul = document.getElementById("judul-sop");

  var GRID = [];      // kotak grid dari server: [kunci, nama, bantuan]
  // Kop dan penanda tangan: [kunci, label, jenis, bantuan]. Nilainya boleh ada di SOP
  // sendiri atau diwarisi dari katalog.toml.
  var KOP = [
    ["instansi.baris", "Baris kop", "panjang", "Satu baris kop per baris: pemerintah, lalu dinas."],
    ["instansi.unit", "Unit kerja", null, "Dicetak paling bawah di kop."],
    ["instansi.logo", "Logo (nama berkas gambar)", null, "Gambar png, jpg atau svg, dihitung dari folder berkas ini."],
    ["pengesahan.jabatan", "Jabatan penanda tangan", null, "Misalnya Kepala Dinas."],
    ["pengesahan.nama", "Nama penanda tangan", null, null],
    ["pengesahan.pangkat", "Pangkat/golongan", null, null],
    ["pengesahan.nip", "NIP", null, "18 angka; spasi boleh."],
    ["pengesahan.ttd", "Gambar tanda tangan (nama berkas)", null, "Untuk lembar yang ditandatangani di atas kertas; kosongkan bila disahkan secara elektronik."],
  ];
  var alurEl = document.getElementById("alur");
  var MUTU = [["kelengkapan", "Kelengkapan"], ["output", "Output"], ["keterangan", "Keterangan"]];
  var TANGGAL = [["tanggal_pembuatan", "Tanggal pembuatan"], ["tanggal_revisi", "Tanggal revisi"], ["tanggal_efektif", "Tanggal efektif"]];
  var BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"];
  var BATAS_URUNG = 20;

  var model = null;   // { identitas, grid, tabel: [{judul, asal, pelaksana, langkah}], prosedur: bool }
  var dasar = "";     // teks berkas saat formulir dimuat
  var awal = "";      // JSON formulir saat dimuat, untuk tahu ada perubahan
  var kunciBerikut = 1;
  var catatanTerakhir = [];
  var urungan = [];   // salinan model sebelum setiap perubahan susunan, terbaru di akhir
  var fokusNanti = null;
  window.sopanUkur = [];

  // Alur pengesahan, dari server bersama formulir.
  var alur = null;       // { tahap, boleh_sunting, baca_saja, koreksi, gerak, sahkan, ... }
  var peran = [];
  var warisan = {};      // kunci kop -> { nilai, berkas }
  var katalog = null;    // katalog.toml terdekat: { boleh, berkas, dasar, kop }
  var kopKatalog = {};   // nilai kop katalog.toml yang sedang diubah admin
  var koreksiBaru = {};  // jalur -> catatan pemeriksa yang sedang ditulis
  var catatanUmum = "";
  var peringatanSahkan = null; // peringatan sertifikat yang menunggu "Tetap sahkan"
  var kotor = false;

  // Mengumumkan satu kalimat lewat satu-satunya wilayah "polite" halaman ini.
  function umumkan(teks) {
    umumkanEl.textContent = "";
    setTimeout(function () { umumkanEl.textContent = teks; }, 30);
  }

  // ---- model <-> formulir ----
  function tujuan(raw) { return { raw: raw || "", k: undefined }; }

  function keModel(form) {
    function langkahDari(list) {
      return list.map(function (l) {
        return {
          _k: kunciBerikut++, asal: l.asal,
          teks: Object.assign({ id: "", kegiatan: "", waktu: "" }, l.teks),
          daftar: Object.assign({ pelaksana: [], kelengkapan: [], output: [], keterangan: [] }, l.daftar),
          keputusan: l.keputusan ? { ya: tujuan(l.keputusan.ya), tidak: tujuan(l.keputusan.tidak) } : null,
          lanjut: tujuan(l.lanjut),
          bersama: (l.daftar && l.daftar.pelaksana || []).length > 1,
        };
      });
    }
    var m = { identitas: Object.assign({}, form.identitas), grid: {}, tabel: [], prosedur: form.prosedur.length > 0, kop: {}, tanggalTeks: {} };
    // A date written in the file as text ("23 Januari 2024") stays a text box; every other
    // date field is the browser's date picker, whatever is typed into it meanwhile.
    TANGGAL.forEach(function (d) {
      var v = m.identitas[d[0]] || "";
      if (v !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(v)) m.tanggalTeks[d[0]] = true;
    });
    GRID.forEach(function (g) { m.grid[g[0]] = (form.grid[g[0]] || []).slice(); });
    KOP.forEach(function (k) { m.kop[k[0]] = ((form.kop || {})[k[0]] || []).slice(); });
    if (m.prosedur) {
      form.prosedur.forEach(function (p) {
        m.tabel.push({ asal: p.asal, judul: p.judul, pelaksana: p.pelaksana.slice(), langkah: langkahDari(p.langkah) });
      });
    } else {
      m.tabel.push({ asal: null, judul: "", pelaksana: form.pelaksana.slice(), langkah: langkahDari(form.langkah) });
    }
    m.tabel.forEach(function (t) {
      t.langkah.forEach(function (l) {
        [l.lanjut, l.keputusan && l.keputusan.ya, l.keputusan && l.keputusan.tidak].forEach(function (x) {
          if (x) x.k = cari(x.raw, t.langkah);
        });
      });
    });
    return m;
  }

  // Kunci langkah yang dituju teks `raw` ("" = langkah berikutnya, "selesai", nomor atau id).
  function cari(raw, langkah) {
    if (raw === "") return "";
    if (raw.toLowerCase() === "selesai") return "selesai";
    if (/^\d+$/.test(raw)) { var s = langkah[parseInt(raw, 10) - 1]; return s ? s._k : null; }
    for (var i = 0; i < langkah.length; i++) if (langkah[i].teks.id === raw) return langkah[i]._k;
    return null;
  }

  function tulisTujuan(t, langkah) {
    if (t.k === null) return t.raw;           // tidak dikenal: dibiarkan
    if (t.k === "" || t.k === "selesai") return t.k === "selesai" && t.raw.toLowerCase() === "selesai" ? t.raw : t.k;
    if (t.raw !== "" && cari(t.raw, langkah) === t.k) return t.raw;
    var i = langkah.findIndex(function (s) { return s._k === t.k; });
    // A target whose step was deleted stays an error beside its field, never a silent
    // "next step".
    if (i < 0) return "(langkah yang dihapus)";
    return langkah[i].teks.id || String(i + 1);
  }

  function keForm() {
    function langkahKe(list) {
      return list.map(function (l) {
        return {
          asal: l.asal, teks: l.teks, daftar: l.daftar,
          keputusan: l.keputusan ? { ya: tulisTujuan(l.keputusan.ya, list), tidak: tulisTujuan(l.keputusan.tidak, list) } : null,
          lanjut: tulisTujuan(l.lanjut, list),
        };
      });
    }
    var f = { identitas: model.identitas, grid: model.grid, pelaksana: [], langkah: [], prosedur: [], kop: model.kop };
    if (model.prosedur) {
      f.prosedur = model.tabel.map(function (t) {
        return { asal: t.asal, judul: t.judul, pelaksana: t.pelaksana, langkah: langkahKe(t.langkah) };
      });
    } else {
      f.pelaksana = model.tabel[0].pelaksana;
      f.langkah = langkahKe(model.tabel[0].langkah);
    }
    return f;
  }

  // Langkah berkunci `k`, dengan tabelnya dan tempatnya.
  function langkahK(k) {
    k = Number(k);
    for (var ti = 0; ti < model.tabel.length; ti++) {
      var t = model.tabel[ti];
      for (var i = 0; i < t.langkah.length; i++) if (t.langkah[i]._k === k) return { t: t, ti: ti, i: i, l: t.langkah[i] };
    }
    return null;
  }

  function geser(list, i, arah) {
    var j = i + arah;
    if (j < 0 || j >= list.length) return false;
    list.splice(j, 0, list.splice(i, 1)[0]);
    return true;
  }

  function langkahBaru(pelaksana) {
    var l = { _k: kunciBerikut++, asal: null, teks: { id: "", kegiatan: "", waktu: "" },
      daftar: { pelaksana: pelaksana.slice(0, 1), kelengkapan: [], output: [], keterangan: [] },
      keputusan: null, lanjut: tujuan(""), bersama: false };
    l.lanjut.k = "";
    return l;
  }

  // ---- perubahan susunan, masing-masing dapat diurungkan ----
  // Setiap aksi menerima data tombolnya dan mengembalikan kalimat yang diumumkan.
  var AKSI = {
    "tambah-butir": function (d) {
      var list = model.grid[d.grid]; list.push("");
      fokusNanti = d.grid + "-" + (list.length - 1);
      return "Butir " + list.length + " ditambahkan.";
    },
    "naik": function (d) { return geserButir(d, -1); },
    "turun": function (d) { return geserButir(d, 1); },
    "hapus": function (d) {
      var list = model.grid[d.grid], i = Number(d.i);
      list.splice(i, 1);
      fokusNanti = list.length ? d.grid + "-" + Math.min(i, list.length - 1) : d.grid + "-tambah";
      return "Butir " + (i + 1) + " dihapus.";
    },
    "tambah-pelaksana": function (d) {
      var t = model.tabel[d.t]; t.pelaksana.push("");
      fokusNanti = "t" + d.t + "-pelaksana-" + (t.pelaksana.length - 1);
      return "Pelaksana " + t.pelaksana.length + " ditambahkan.";
    },
    "kiri-pelaksana": function (d) { return geserPelaksana(d, -1); },
    "kanan-pelaksana": function (d) { return geserPelaksana(d, 1); },
    "hapus-pelaksana": function (d) {
      var t = model.tabel[d.t], i = Number(d.i), nama = t.pelaksana[i];
      t.pelaksana.splice(i, 1);
      fokusNanti = t.pelaksana.length ? "t" + d.t + "-pelaksana-" + Math.min(i, t.pelaksana.length - 1) : "t" + d.t + "-tambah-pelaksana";
      return "Pelaksana " + (nama || (i + 1)) + " dihapus.";
    },
    "tambah-langkah": function (d) {
      var t = model.tabel[d.t], akhir = t.langkah[t.langkah.length - 1];
      var l = langkahBaru(akhir ? akhir.daftar.pelaksana : t.pelaksana);
      t.langkah.push(l);
      fokusNanti = "l" + l._k + "-kegiatan";
      return "Langkah " + t.langkah.length + " ditambahkan.";
    },
    "sisipkan": function (d) {
      var x = langkahK(d.k), l = langkahBaru(x.l.daftar.pelaksana);
      x.t.langkah.splice(x.i + 1, 0, l);
      fokusNanti = "l" + l._k + "-kegiatan";
      return "Langkah " + (x.i + 2) + " disisipkan.";
    },
    "naik-langkah": function (d) { return geserLangkah(d, -1); },
    "turun-langkah": function (d) { return geserLangkah(d, 1); },
    "hapus-langkah": function (d) {
      var x = langkahK(d.k);
      x.t.langkah.splice(x.i, 1);
      var sisa = x.t.langkah;
      fokusNanti = sisa.length ? "l" + sisa[Math.min(x.i, sisa.length - 1)]._k + "-kegiatan" : "t" + x.ti + "-tambah-langkah";
      return "Langkah " + (x.i + 1) + " dihapus. Urungkan dengan Ctrl+Z atau tombol Urungkan.";
    },
    "bersama": function (d) {
      var x = langkahK(d.k); x.l.bersama = true;
      fokusNanti = "l" + d.k + "-p0";
      return "Langkah " + (x.i + 1) + ": centang semua pelaksana langkah bersama.";
    },
    "tunggal": function (d) {
      var x = langkahK(d.k); x.l.bersama = false;
      x.l.daftar.pelaksana = x.l.daftar.pelaksana.slice(0, 1);
      fokusNanti = "l" + d.k + "-bersama";
      return "Langkah " + (x.i + 1) + " kini satu pelaksana.";
    },
    "naik-prosedur": function (d) { return geserProsedur(d, -1); },
    "turun-prosedur": function (d) { return geserProsedur(d, 1); },
    "hapus-prosedur": function (d) {
      var ti = Number(d.t);
      model.tabel.splice(ti, 1);
      fokusNanti = "p" + Math.min(ti, model.tabel.length - 1) + "-judul";
      return "Sub-prosedur " + (ti + 1) + " dihapus.";
    },
    "tambah-prosedur": function () {
      if (!model.prosedur) { model.prosedur = true; model.tabel[0].judul = model.identitas.nama || ""; }
      model.tabel.push({ asal: null, judul: "", pelaksana: model.tabel[model.tabel.length - 1].pelaksana.slice(), langkah: [] });
      fokusNanti = "p" + (model.tabel.length - 1) + "-judul";
      return "Sub-prosedur " + model.tabel.length + " ditambahkan.";
    },
  };

  function geserButir(d, arah) {
    var i = Number(d.i);
    if (!geser(model.grid[d.grid], i, arah)) return null;
    fokusNanti = d.grid + "-" + (i + arah) + "-" + (arah < 0 ? "naik" : "turun");
    return "Butir " + (i + 1) + " kini butir " + (i + 1 + arah) + ".";
  }

  function geserPelaksana(d, arah) {
    var i = Number(d.i);
    if (!geser(model.tabel[d.t].pelaksana, i, arah)) return null;
    fokusNanti = "t" + d.t + "-pelaksana-" + (i + arah) + "-" + (arah < 0 ? "kiri" : "kanan");
    return "Pelaksana " + (i + 1) + " kini kolom " + (i + 1 + arah) + ".";
  }

  function geserLangkah(d, arah) {
    var x = langkahK(d.k);
    if (!geser(x.t.langkah, x.i, arah)) return null;
    fokusNanti = "l" + d.k + "-" + (arah < 0 ? "naik" : "turun");
    return "Langkah " + (x.i + 1) + " kini langkah " + (x.i + 1 + arah) + ".";
  }

  function geserProsedur(d, arah) {
    var ti = Number(d.t);
    if (!geser(model.tabel, ti, arah)) return null;
    fokusNanti = "p" + (ti + arah) + "-" + (arah < 0 ? "naik" : "turun");
    return "Sub-prosedur " + (ti + 1) + " kini sub-prosedur " + (ti + 1 + arah) + ".";
  }

  function urungkan() {
    var u = urungan.pop();
    if (!u) return;
    model = JSON.parse(u.model);
    gambar();
    berubah();
    umumkan("Diurungkan: " + u.apa);
  }

  // Menjalankan aksi susunan: salinan untuk urung, lalu gambar ulang dan draf.
  function jalankan(nama, d, apa) {
    var sebelum = JSON.stringify(model);
    var kalimat = AKSI[nama](d);
    if (kalimat === null) return;
    urungan.push({ apa: apa || kalimat, model: sebelum });
    if (urungan.length > BATAS_URUNG) urungan.shift();
    gambar();
    berubah();
    if (/^hapus/.test(nama)) beritahu(kalimat.replace(/ Urungkan dengan.*$/, ""), true);
    else if (kalimat) umumkan(kalimat);
  }

  // Catatan yang terlihat di bawah layar beberapa detik, dengan tombol Urungkan bila
  // perlu; kalimatnya juga dibacakan.
  var beritaEl = document.getElementById("berita"), beritaWaktu = null;
  function beritahu(teks, bisaUrung) {
    beritaEl.textContent = "";
    beritaEl.appendChild(el("span", { teks: teks }));
    if (bisaUrung) beritaEl.appendChild(el("button", { type: "button", "class": "kecil-tombol", id: "berita-urung", teks: "Urungkan" }));
    beritaEl.hidden = false;
    umumkan(teks + (bisaUrung ? " Urungkan dengan Ctrl+Z atau tombol Urungkan." : ""));
    clearTimeout(beritaWaktu);
    beritaWaktu = setTimeout(function () { beritaEl.hidden = true; }, 10000);
  }
  beritaEl.addEventListener("click", function (ev) {
    if (ev.target.id === "berita-urung") { beritaEl.hidden = true; urungkan(); }
  });

  // ---- isian: data-ikat menyebut bagian model yang diisinya ----
  function ikat(e) {
    var b = e.dataset.ikat.split(".");
    var v = e.value;
    switch (b[0]) {
      case "identitas":
        model.identitas[b[1]] = v;
        if (b[1] === "nama") judul.textContent = v;
        if (b[1] === "status") return true;
        return false;
      case "grid": model.grid[b[1]][Number(b[2])] = v; return false;
      case "kop": {
        var kunci = b[1] + "." + b[2];
        model.kop[kunci] = kunci === "instansi.baris"
          ? v.split("\n").map(function (x) { return x.trim(); }).filter(function (x) { return x !== ""; })
          : (v.trim() ? [v] : []);
        // The mark under a field says whether it is inherited: redrawn at once, except
        // for the kop lines, where a redraw would eat the new line just typed.
        return kunci !== "instansi.baris";
      }
      case "judul": model.tabel[Number(b[1])].judul = v; return false;
      case "pelaksana": {
        var t = model.tabel[Number(b[1])], i = Number(b[2]), lama = t.pelaksana[i];
        t.pelaksana[i] = v;
        t.langkah.forEach(function (l) { l.daftar.pelaksana = l.daftar.pelaksana.map(function (q) { return q === lama ? v : q; }); });
        return true;
      }
      case "teks": langkahK(b[1]).l.teks[b[2]] = v; return b[2] === "kegiatan" || b[2] === "id";
      case "daftar": {
        // Satu butir per baris; teks yang diketik disimpan apa adanya untuk kotaknya,
        // agar spasi dan baris baru yang baru diketik tidak hilang.
        var l = langkahK(b[1]).l;
        l.daftar[b[2]] = v.split("\n").map(function (x) { return x.trim(); }).filter(function (x) { return x !== ""; });
        l.mentah = l.mentah || {};
        l.mentah[b[2]] = v;
        return false;
      }
    }
    return false;
  }

  // Pilihan (jenis langkah, tujuan, pelaksana): perubahan susunan yang dapat diurungkan.
  function pilih(e) {
    var d = e.dataset, x = d.k ? langkahK(d.k) : null;
    var sebelum = JSON.stringify(model), apa = null;
    switch (d.pilih) {
      case "jenis":
        x.l.keputusan = e.value === "keputusan" ? { ya: { raw: "", k: "" }, tidak: { raw: "", k: "" } } : null;
        apa = "jenis langkah " + (x.i + 1);
        break;
      case "ya": case "tidak": case "lanjut": {
        var t = d.pilih === "lanjut" ? x.l.lanjut : x.l.keputusan[d.pilih];
        if (e.value !== "?") t.k = (e.value === "" || e.value === "selesai") ? e.value : parseInt(e.value, 10);
        apa = "tujuan langkah " + (x.i + 1);
        break;
      }
      case "pelaksana": {
        var p = x.t.pelaksana[Number(d.i)];
        if (e.type === "radio") {
          if (!e.checked) return;
          x.l.daftar.pelaksana = [p];
        } else {
          x.l.daftar.pelaksana = x.t.pelaksana.filter(function (q) {
            return q === p ? e.checked : x.l.daftar.pelaksana.indexOf(q) >= 0;
          });
        }
        apa = "pelaksana langkah " + (x.i + 1);
        break;
      }
      default: return;
    }
    urungan.push({ apa: apa, model: sebelum });
    if (urungan.length > BATAS_URUNG) urungan.shift();
    gambar();
    berubah();
  }

  var gambarNanti = false;
  formEl.addEventListener("input", function (ev) {
    var e = ev.target;
    if (!e.dataset || !e.dataset.ikat) return;
    // Catatan pemeriksa dan nilai katalog.toml bukan isi berkas SOP ini.
    var bagian = e.dataset.ikat.split(".")[0];
    if (bagian === "koreksi") { koreksiBaru[e.dataset.ikat.slice(8)] = e.value; return; }
    if (bagian === "katalog") { ikatKatalog(e); return; }
    sentuh(e);
    var susunan = ikat(e);
    if (susunan && !gambarNanti) {
      gambarNanti = true;
      requestAnimationFrame(function () { gambarNanti = false; gambar(); });
    }
    berubah();
  });
  formEl.addEventListener("change", function (ev) {
    if (ev.target.dataset && ev.target.dataset.pilih) { sentuh(ev.target); pilih(ev.target); }
  });
  formEl.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button[data-aksi]");
    if (!b || b.disabled || !formEl.contains(b)) return;
    ev.preventDefault();
    if (b.getAttribute("aria-disabled") === "true") { beritahu(b.getAttribute("data-alasan"), false); return; }
    if (LAIN[b.dataset.aksi]) { LAIN[b.dataset.aksi](b.dataset); return; }
    sentuh(b);
    jalankan(b.dataset.aksi, b.dataset);
  });
  formEl.addEventListener("submit", function (ev) { ev.preventDefault(); });
  // In a list of the grid, Enter starts the next item, as in a Word list; Shift+Enter
  // breaks the line inside the item.
  formEl.addEventListener("keydown", function (ev) {
    var e = ev.target;
    if (ev.key !== "Enter" || ev.shiftKey || ev.isComposing || !e.dataset || !/^grid\./.test(e.dataset.ikat || "")) return;
    ev.preventDefault();
    var b = e.dataset.ikat.split("."), list = model.grid[b[1]], i = Number(b[2]);
    var sebelum = JSON.stringify(model);
    list[i] = e.value.slice(0, e.selectionStart);
    list.splice(i + 1, 0, e.value.slice(e.selectionEnd));
    urungan.push({ apa: "butir baru", model: sebelum });
    if (urungan.length > BATAS_URUNG) urungan.shift();
    e.value = list[i];
    fokusNanti = b[1] + "-" + (i + 1);
    gambar();
    var baru = document.getElementById(fokusNanti || b[1] + "-" + (i + 1));
    if (baru && baru.setSelectionRange) baru.setSelectionRange(0, 0);
    berubah();
  });
  formEl.addEventListener("input", function (ev) { if (ev.target.tagName === "TEXTAREA") tinggikan(ev.target); });

  // A text box grows with its text, so a long legal title is read whole.
  function tinggikan(t) {
    t.style.height = "auto";
    t.style.height = (t.scrollHeight + 2) + "px";
  }
  tombolUrung.addEventListener("click", urungkan);
  // A text box that has been typed in since it got focus: Ctrl+Z there undoes typing.
  var diketik = null;
  document.addEventListener("focusin", function () { diketik = null; });
  formEl.addEventListener("input", function (ev) { diketik = ev.target; }, true);
  document.addEventListener("keydown", function (ev) {
    if (!(ev.ctrlKey || ev.metaKey) || ev.shiftKey || ev.altKey || (ev.key !== "z" && ev.key !== "Z")) return;
    var e = document.activeElement;
    var teks = e && (e.tagName === "TEXTAREA" || (e.tagName === "INPUT" && /^(text|search|date|)$/.test(e.type)));
    // In a text box with typing of its own, Ctrl+Z undoes the typing, as usual; in one
    // just landed in (after a deletion, say), it undoes the last change of the form.
    if ((teks && diketik === e) || !urungan.length) return;
    ev.preventDefault();
    urungkan();
  });

  // ---- gambar formulir dari model ----
  function ringkas(c) {
    var baris = c.teks.split("\n").filter(function (x) { return /^(error|warning|peringatan|kesalahan|hint|saran)/i.test(x.trim()) || /^\s*= /.test(x); });
    return (baris.length ? baris : [c.teks.split("\n")[0]]).join("\n").replace(/^\s*= /gm, "");
  }

  // Bidang yang sudah disentuh petugas sejak formulir dimuat (jalur data-jalur).
  var disentuh = {};
  function sentuh(e) {
    var b = e.closest && e.closest("[data-jalur]");
    if (b) disentuh[b.dataset.jalur] = true;
  }
  function tersentuh(jalur) {
    if (!jalur) return false;
    return Object.keys(disentuh).some(function (j) { return j === jalur || j.indexOf(jalur + ".") === 0 || jalur.indexOf(j + ".") === 0; });
  }
  // Pesan yang hanya berkata bidang masih kosong, pada bidang yang belum disentuh:
  // tampil sebagai daftar "masih perlu diisi", bukan kesalahan merah.
  // Reminders placed on a steps list ("sedikitnya dua langkah") stay on the quiet list
  // while the steps are being entered.
  function tenang(c) { return c.kosong && (!tersentuh(c.jalur) || /(^|\.)langkah$/.test(c.jalur || "")); }

  // Pesan draf di samping bidangnya (jalur terdekat yang ada di formulir `akar`), dengan
  // aria-describedby ke pesan itu dan aria-invalid pada isian yang salah; yang tenang
  // masuk daftar "Masih perlu diisi" di atas formulir.
  function tandai(akar) {
    var bidangNya = {};
    Array.prototype.forEach.call(akar.querySelectorAll("[data-jalur]"), function (x) { bidangNya[x.dataset.jalur] = x; });
    var hitung = {}, perlu = [];
    catatanTerakhir.forEach(function (c) {
      var j = c.jalur;
      while (j && !bidangNya[j]) j = j.indexOf(".") >= 0 ? j.slice(0, j.lastIndexOf(".")) : null;
      var wadah = j ? bidangNya[j] : null;
      var masukan = wadah ? (wadah.querySelector(":scope > input, :scope > textarea, :scope > select") || wadah.querySelector("input, textarea, select, button")) : null;
      if (tenang(c)) { perlu.push({ teks: c.formulir, ke: masukan && masukan.id }); return; }
      if (!wadah) return;
      hitung[j] = (hitung[j] || 0) + 1;
      var id = "pesan-" + j.replace(/\./g, "-") + "-" + hitung[j];
      wadah.classList.add("ada-salah");
      wadah.appendChild(el("p", { "class": "pesan-bidang " + (c.galat ? "salah" : "awas"), id: id, teks: c.formulir || ringkas(c) }));
      var sasaran = wadah.querySelector(":scope > input, :scope > textarea, :scope > select") || wadah;
      var ids = (sasaran.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      ids.push(id);
      sasaran.setAttribute("aria-describedby", ids.join(" "));
      if (c.galat && sasaran !== wadah) sasaran.setAttribute("aria-invalid", "true");
    });
    if (!perlu.length) return;
    var daftar = el("section", { "class": "perlu", id: "perlu", "data-kunci": "perlu", "aria-labelledby": "perlu-judul" }, [
      el("h2", { id: "perlu-judul", teks: "Masih perlu diisi" }),
      el("ul", {}, perlu.map(function (p, n) {
        return el("li", { "data-kunci": "perlu-" + n }, [p.ke ? el("a", { href: "#" + p.ke, teks: p.teks }) : p.teks]);
      })),
    ]);
    var nav = akar.querySelector(".loncat");
    akar.insertBefore(daftar, nav ? nav.nextSibling : akar.firstChild);
  }

  function bidang(jalur, label, masukan, bantuan) {
    var bantuanEl = bantuan ? el("p", { "class": "kecil", id: masukan.id + "-bantuan", teks: bantuan }) : null;
    if (bantuanEl) masukan.setAttribute("aria-describedby", bantuanEl.id);
    return el("div", { "class": "bidang", "data-jalur": jalur }, [el("label", { "for": masukan.id }, [label]), masukan, bantuanEl]);
  }

  function isian(id, ikatan, nilai, jenis) {
    var panjang = jenis === "panjang" || jenis === "kegiatan";
    var e = el(panjang ? "textarea" : "input", { id: id, "data-ikat": ikatan, rows: panjang ? (jenis === "kegiatan" ? 4 : 2) : null, nilai: nilai });
    if (jenis && !panjang) e.type = jenis;
    return e;
  }

  // Tombol: teks terlihat, dan nama aksesibel yang diawali teks itu.
  function tombol(teks, nama, aksi, data, kelas) {
    var a = { type: "button", "class": "kecil-tombol " + (kelas || ""), "data-aksi": aksi, teks: teks };
    if (nama) a["aria-label"] = nama;
    Object.keys(data || {}).forEach(function (k) { a["data-" + k] = data[k]; });
    return el("button", a);
  }

  function pilihan(id, data, nilai, opsi) {
    var a = { id: id };
    Object.keys(data).forEach(function (k) { a["data-" + k] = data[k]; });
    return el("select", a, opsi.map(function (o) {
      return el("option", { value: o[0], selected: o[0] === nilai }, [o[1]]);
    }));
  }

  function daftarButir(g) {
    var kunci = g[0], label = g[1], list = model.grid[kunci];
    var judulId = kunci + "-judul";
    var isi = list.map(function (v, i) {
      var id = kunci + "-" + i, no = id + "-no";
      var nomor = "butir " + (i + 1) + " " + label;
      return el("div", { "class": "butir", "data-kunci": id + "-baris" }, [
        el("span", { "class": "no", id: no, teks: (i + 1) + "." }),
        el("textarea", { id: id, rows: 2, "data-ikat": "grid." + kunci + "." + i, "aria-labelledby": judulId + " " + no, nilai: v }),
        tombol("↑", "Naikkan " + nomor, "naik", { grid: kunci, i: i }),
        tombol("↓", "Turunkan " + nomor, "turun", { grid: kunci, i: i }),
        tombol("✕", "Hapus " + nomor, "hapus", { grid: kunci, i: i }, "hapus"),
      ]);
    });
    isi.forEach(function (b, i) {
      var bs = b.querySelectorAll("button");
      bs[0].id = kunci + "-" + i + "-naik"; bs[1].id = kunci + "-" + i + "-turun"; bs[2].id = kunci + "-" + i + "-hapus";
      if (i === 0) bs[0].disabled = true;
      if (i === list.length - 1) bs[1].disabled = true;
    });
    var tambah = tombol("+ Tambah butir", "Tambah butir " + label, "tambah-butir", { grid: kunci });
    tambah.id = kunci + "-tambah";
    var bantuan = g[2] ? el("p", { "class": "kecil", id: kunci + "-bantuan", teks: g[2] }) : null;
    return el("div", { "class": "bidang", "data-jalur": kunci, role: "group", "aria-labelledby": judulId,
      "aria-describedby": bantuan ? bantuan.id : null }, [el("h4", { id: judulId, teks: label }), bantuan].concat(isi, [tambah]));
  }

  function opsiTujuan(t, langkah, diri, kosong) {
    var opsi = [["", kosong]];
    langkah.forEach(function (s, i) {
      if (s._k === diri) return;
      var ket = (s.teks.kegiatan || "").slice(0, 48);
      opsi.push([String(s._k), "Langkah " + (i + 1) + (ket ? ": " + ket : "")]);
    });
    opsi.push(["selesai", "Selesai"]);
    if (t.k === null) opsi.push(["?", "(tidak dikenal: " + t.raw + ")"]);
    return opsi;
  }

  function nilaiTujuan(t) { return t.k === null ? "?" : String(t.k); }

  // Pelaksana sebuah langkah: satu pilihan (radio); langkah bersama dibuat dengan sengaja.
  function pilihPelaksana(t, l, i, jalur) {
    var id = "l" + l._k;
    var bersama = l.bersama || l.daftar.pelaksana.length > 1;
    var judulId = id + "-pelaksana-judul";
    var pilih = el("div", { "class": "centang" }, t.pelaksana.map(function (p, pi) {
      var cb = el("input", { type: bersama ? "checkbox" : "radio", name: id + "-pelaksana", id: id + "-p" + pi, value: String(pi),
        "data-pilih": "pelaksana", "data-k": l._k, "data-i": pi, centang: l.daftar.pelaksana.indexOf(p) >= 0 });
      return el("label", { "data-kunci": id + "-p" + pi + "-label" }, [cb, " " + (p || "(tanpa nama)")]);
    }));
    var anak = [el("h4", { id: judulId }, ["Pelaksana langkah " + (i + 1)]), pilih];
    if (bersama) {
      anak.push(el("p", { "class": "lencana-bersama", teks: "Langkah bersama: " + (l.daftar.pelaksana.join(" + ") || "centang pelaksananya") }));
      var satu = tombol("Jadikan satu pelaksana", "Jadikan satu pelaksana untuk langkah " + (i + 1), "tunggal", { k: l._k });
      satu.id = id + "-tunggal";
      anak.push(satu);
    } else {
      var ber = tombol("+ Pelaksana bersama", "Pelaksana bersama untuk langkah " + (i + 1), "bersama", { k: l._k });
      ber.id = id + "-bersama";
      anak.push(ber);
    }
    return el("div", { "class": "bidang", "data-jalur": jalur + ".pelaksana", role: "group", "aria-labelledby": judulId }, anak);
  }

  function gambarLangkah(t, ti, awalan) {
    var wadah = el("div", { "class": "langkah-daftar", "data-jalur": awalan + "langkah" });
    t.langkah.forEach(function (l, i) {
      var jalur = awalan + "langkah." + i;
      var id = "l" + l._k;
      var alur;
      if (l.keputusan) {
        alur = el("div", { "class": "dua" }, [
          bidang(jalur + ".keputusan.ya", "Jika Ya, ke", pilihan(id + "-ya", { pilih: "ya", k: l._k }, nilaiTujuan(l.keputusan.ya), opsiTujuan(l.keputusan.ya, t.langkah, l._k, "(langkah berikutnya)"))),
          bidang(jalur + ".keputusan.tidak", "Jika Tidak, ke", pilihan(id + "-tidak", { pilih: "tidak", k: l._k }, nilaiTujuan(l.keputusan.tidak), opsiTujuan(l.keputusan.tidak, t.langkah, l._k, "(pilih langkah)"))),
        ]);
      } else {
        alur = bidang(jalur + ".lanjut", "Lalu ke", pilihan(id + "-lanjut", { pilih: "lanjut", k: l._k }, nilaiTujuan(l.lanjut), opsiTujuan(l.lanjut, t.langkah, l._k, "(langkah berikutnya)")));
      }
      var mutu = el("div", { "class": "tiga" }, MUTU.map(function (m) {
        var tertulis = l.mentah && l.mentah[m[0]] != null ? l.mentah[m[0]] : l.daftar[m[0]].join("\n");
        return bidang(jalur + "." + m[0], m[1], isian(id + "-" + m[0], "daftar." + l._k + "." + m[0], tertulis, "panjang"));
      }).concat([bidang(jalur + ".waktu", "Waktu", isian(id + "-waktu", "teks." + l._k + ".waktu", l.teks.waktu), "mis. 1 Jam")]));
      var nomor = "langkah " + (i + 1);
      var alat = [
        tombol("↑", "Naikkan " + nomor, "naik-langkah", { k: l._k }),
        tombol("↓", "Turunkan " + nomor, "turun-langkah", { k: l._k }),
        tombol("+ Sisipkan di bawah", "Sisipkan di bawah " + nomor, "sisipkan", { k: l._k }),
        tombol("Hapus", "Hapus " + nomor, "hapus-langkah", { k: l._k }, "hapus"),
      ];
      alat[0].id = id + "-naik"; alat[1].id = id + "-turun"; alat[2].id = id + "-sisipkan"; alat[3].id = id + "-hapus";
      if (i === 0) alat[0].disabled = true;
      if (i === t.langkah.length - 1) alat[1].disabled = true;
      var bersama = l.daftar.pelaksana.length > 1;
      wadah.appendChild(el("fieldset", { "class": "langkah" + (bersama ? " bersama" : ""), "data-jalur": jalur, "data-kunci": id }, [
        el("legend", {}, ["Langkah " + (i + 1) + (bersama ? " (bersama)" : "")]),
        el("div", { "class": "alat-langkah" }, alat),
        bidang(jalur + ".kegiatan", "Kegiatan", isian(id + "-kegiatan", "teks." + l._k + ".kegiatan", l.teks.kegiatan, "kegiatan")),
        pilihPelaksana(t, l, i, jalur),
        bidang(jalur + ".jenis", "Jenis langkah", pilihan(id + "-jenis", { pilih: "jenis", k: l._k }, l.keputusan ? "keputusan" : "proses",
          [["proses", "Kegiatan biasa"], ["keputusan", "Keputusan (Ya/Tidak)"]])),
        alur,
        el("h4", { teks: "Mutu baku (satu butir per baris)" }), mutu,
        el("details", { "data-kunci": id + "-lainnya" }, [el("summary", { teks: "Lainnya" }),
          bidang(jalur + ".id", "Nama pendek (id)", isian(id + "-id", "teks." + l._k + ".id", l.teks.id), "Boleh kosong. Dipakai bila langkah lain menuju langkah ini.")]),
      ]));
    });
    var tambah = tombol("+ Tambah langkah", "Tambah langkah di akhir", "tambah-langkah", { t: ti }, "utama");
    tambah.id = "t" + ti + "-tambah-langkah";
    wadah.appendChild(tambah);
    return wadah;
  }

  function gambarPelaksana(t, ti, jalur) {
    var dipakai = function (p) { return t.langkah.some(function (l) { return l.daftar.pelaksana.indexOf(p) >= 0; }); };
    var judulId = "t" + ti + "-pelaksana-judul";
    var isi = t.pelaksana.map(function (p, i) {
      var id = "t" + ti + "-pelaksana-" + i, no = id + "-no";
      var nomor = "pelaksana " + (i + 1);
      var hapus = tombol("✕", "Hapus " + nomor, "hapus-pelaksana", { t: ti, i: i }, "hapus");
      hapus.id = id + "-hapus";
      var dipakaiDi = t.langkah.map(function (l, li) { return l.daftar.pelaksana.indexOf(p) >= 0 ? li + 1 : 0; }).filter(Boolean);
      if (dipakaiDi.length) {
        // Stays focusable and says why when pressed, where a disabled button says nothing.
        hapus.setAttribute("aria-disabled", "true");
        hapus.setAttribute("data-alasan", "Pelaksana " + (p || (i + 1)) + " masih dipakai langkah " + dipakaiDi.join(", ") + ": pilih pelaksana lain di langkah itu dulu.");
        hapus.title = hapus.getAttribute("data-alasan");
      }
      var kiri = tombol("↑", "Geser ke kiri " + nomor, "kiri-pelaksana", { t: ti, i: i });
      var kanan = tombol("↓", "Geser ke kanan " + nomor, "kanan-pelaksana", { t: ti, i: i });
      kiri.id = id + "-kiri"; kanan.id = id + "-kanan";
      if (i === 0) kiri.disabled = true;
      if (i === t.pelaksana.length - 1) kanan.disabled = true;
      return el("div", { "class": "butir", "data-kunci": id + "-baris" }, [el("span", { "class": "no", id: no, teks: (i + 1) + "." }),
        el("input", { id: id, "data-ikat": "pelaksana." + ti + "." + i, "aria-labelledby": judulId + " " + no, nilai: p }),
        kiri, kanan, hapus]);
    });
    var tambah = tombol("+ Tambah pelaksana", null, "tambah-pelaksana", { t: ti });
    tambah.id = "t" + ti + "-tambah-pelaksana";
    isi.push(tambah);
    return el("div", { "class": "bidang", "data-jalur": jalur, role: "group", "aria-labelledby": judulId },
      [el("h4", { id: judulId, tabindex: "-1", teks: "Pelaksana (kolom diagram, kiri ke kanan)" }),
        el("p", { "class": "kecil", teks: "Mengganti nama di sini ikut mengganti nama di setiap langkah." })].concat(isi));
  }

  // Tautan ke setiap bagian formulir, agar pengguna papan ketik tidak perlu menekan Tab
  // melewati semua isian sebelumnya.
  function tautanBagian() {
    var bagian = [["judul-identitas", "Identitas"], ["judul-kop", "Kop dan penanda tangan"], ["judul-grid", "Dasar hukum dan lainnya"]];
    model.tabel.forEach(function (t, ti) {
      var nama = model.prosedur ? "Sub-prosedur " + (ti + 1) : "Alur";
      bagian.push(["t" + ti + "-pelaksana-judul", nama + ": pelaksana"]);
      bagian.push(["judul-langkah-" + ti, nama + ": langkah"]);
    });
    return el("nav", { "class": "loncat", "data-kunci": "loncat", "aria-label": "Bagian formulir" }, [
      el("ul", {}, bagian.map(function (b) {
        return el("li", { "data-kunci": "ke-" + b[0] }, [el("a", { href: "#" + b[0], teks: b[1] })]);
      })),
    ]);
  }

  function bangun() {
    var akar = el("form");
    var id = model.identitas;
    var status = id.status || "konsep";
    akar.appendChild(tautanBagian());
    akar.appendChild(el("section", { "class": "kartu", "data-kunci": "identitas", "aria-labelledby": "judul-identitas" }, [
      el("h2", { id: "judul-identitas", tabindex: "-1", teks: "Identitas" }),
      bidang("nomor", "Nomor SOP", isian("f-nomor", "identitas.nomor", id.nomor || "")),
      bidang("nama", "Nama SOP", isian("f-nama", "identitas.nama", id.nama || "")),
      el("div", { "class": "tiga" }, TANGGAL.map(function (d) {
        var v = id[d[0]] || "";
        var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
        // The picker shows the browser's own order (mm/dd/yyyy in an English browser):
        // the date as the sheet prints it stands under it.
        var tercetak = m ? "Tercetak: " + Number(m[3]) + " " + BULAN[Number(m[2]) - 1] + " " + m[1] : null;
        return bidang(d[0], d[1], isian("f-" + d[0], "identitas." + d[0], v, model.tanggalTeks[d[0]] ? null : "date"), tercetak);
      })),
      bidang("status", "Status", (function () {
        var s = pilihan("f-status", { ikat: "identitas.status" }, status, [["konsep", "Konsep (tercetak KONSEP)"], ["berlaku", "Berlaku"], ["dicabut", "Dicabut"], ["diganti", "Diganti"]]);
        return s;
      })()),
      status === "diganti" ? bidang("diganti_oleh", "Diganti oleh (nomor SOP pengganti)", isian("f-diganti", "identitas.diganti_oleh", id.diganti_oleh || "")) : null,
    ]));
    akar.appendChild(kartuKop());
    akar.appendChild(el("section", { "class": "kartu", "data-kunci": "grid", "aria-labelledby": "judul-grid" }, [el("h2", { id: "judul-grid", tabindex: "-1", teks: "Dasar hukum, kualifikasi dan lainnya" })].concat(
      GRID.map(daftarButir))));
    model.tabel.forEach(function (t, ti) {
      var awalan = model.prosedur ? "prosedur." + ti + "." : "";
      var alat = null;
      if (model.prosedur) {
        var naik = tombol("↑", "Naikkan sub-prosedur " + (ti + 1), "naik-prosedur", { t: ti });
        var turun = tombol("↓", "Turunkan sub-prosedur " + (ti + 1), "turun-prosedur", { t: ti });
        naik.id = "p" + ti + "-naik"; turun.id = "p" + ti + "-turun";
        if (ti === 0) naik.disabled = true;
        if (ti === model.tabel.length - 1) turun.disabled = true;
        alat = el("div", { "class": "alat-langkah" }, [naik, turun,
          model.tabel.length > 1 ? tombol("Hapus sub-prosedur", "Hapus sub-prosedur " + (ti + 1), "hapus-prosedur", { t: ti }, "hapus") : null]);
      }
      var judulId = "judul-tabel-" + ti;
      akar.appendChild(el("section", { "class": "kartu", "data-jalur": model.prosedur ? "prosedur." + ti : null, "data-kunci": "tabel-" + ti, "aria-labelledby": judulId }, [
        el("h2", { id: judulId, teks: model.prosedur ? "Sub-prosedur " + (ti + 1) : "Alur" }),
        model.prosedur ? bidang(awalan + "judul", "Judul sub-prosedur", isian("p" + ti + "-judul", "judul." + ti, t.judul)) : null,
        alat,
        gambarPelaksana(t, ti, awalan + "pelaksana"),
        el("h3", { id: "judul-langkah-" + ti, tabindex: "-1", teks: "Langkah" }),
        gambarLangkah(t, ti, awalan),
      ]));
    });
    var tambahP = tombol("+ Tambah sub-prosedur", null, "tambah-prosedur", {});
    tambahP.id = "tambah-prosedur";
    akar.appendChild(el("section", { "class": "kartu", "data-kunci": "sub-prosedur", "aria-labelledby": "judul-sub" }, [
      el("h2", { id: "judul-sub", teks: "Sub-prosedur" }),
      el("p", { "class": "kecil", teks: model.prosedur
        ? "SOP ini punya beberapa tabel alur, masing-masing dengan judul, pelaksana dan langkahnya."
        : "Bila SOP perlu beberapa tabel alur (misalnya untuk tiap jenjang), ubah alurnya menjadi sub-prosedur." }),
      tambahP,
    ]));
    return akar;
  }

  // ---- kop dan penanda tangan: milik SOP ini, atau diwarisi dari katalog.toml ----
  function satuBaris(v) { return v.replace(/\n/g, " / "); }

  function kartuKop() {
    var anak = [el("h2", { id: "judul-kop", tabindex: "-1", teks: "Kop dan penanda tangan" }),
      el("p", { "class": "kecil", teks: "Isian yang dikosongkan memakai nilai dari katalog.toml. Isi untuk menggantinya di SOP ini saja." })];
    KOP.forEach(function (k) {
      var kunci = k[0], id = "f-kop-" + kunci.replace(".", "-");
      var sendiri = model.kop[kunci] || [];
      var asal = warisan[kunci];
      var nilaiAsal = asal ? asal.nilai.join("\n") : "";
      var masukan = isian(id, "kop." + kunci, sendiri.join("\n"), k[2]);
      if (nilaiAsal) masukan.setAttribute("placeholder", nilaiAsal);
      var tanda;
      if (!sendiri.length && asal) tanda = ["warisan", "Diwarisi dari " + asal.berkas + ": " + satuBaris(nilaiAsal)];
      else if (sendiri.length && asal) tanda = ["ganti", "Diisi di SOP ini, menggantikan nilai " + asal.berkas + " (" + satuBaris(nilaiAsal) + "). Kosongkan untuk memakai nilai katalog lagi."];
      else if (sendiri.length) tanda = ["ganti", "Diisi di SOP ini."];
      else tanda = ["kosong", "Belum diisi, di SOP ini maupun di katalog.toml."];
      var b = bidang(kunci, k[1], masukan, k[3]);
      var tandaEl = el("p", { "class": "asal " + tanda[0], id: id + "-asal", teks: tanda[1] });
      b.appendChild(tandaEl);
      masukan.setAttribute("aria-describedby", ((masukan.getAttribute("aria-describedby") || "") + " " + tandaEl.id).trim());
      anak.push(b);
    });
    if (katalog && katalog.boleh) anak.push(kopKatalogEl());
    return el("section", { "class": "kartu", "data-kunci": "kop", "aria-labelledby": "judul-kop" }, anak);
  }

  // Admin: nilai katalog.toml, untuk semua SOP yang mewarisinya.
  function kopKatalogEl() {
    var isi = KOP.map(function (k) {
      var kunci = k[0], id = "k-kop-" + kunci.replace(".", "-");
      var m = isian(id, "katalog." + kunci, (kopKatalog[kunci] || []).join("\n"), k[2]);
      return el("div", { "class": "bidang", "data-kunci": id + "-bidang" }, [el("label", { "for": id }, [k[1]]), m]);
    });
    var simpanK = tombol("Simpan ke " + katalog.berkas, null, "simpan-katalog", {}, "utama");
    simpanK.id = "simpan-katalog";
    return el("details", { "class": "kop-katalog", id: "kop-katalog", "data-kunci": "kop-katalog" }, [
      el("summary", { teks: "Ubah di " + katalog.berkas + " (admin)" }),
      el("p", { "class": "kecil", teks: "Nilai di sini berlaku untuk semua SOP yang mewarisinya, kecuali yang mengisinya sendiri. Disimpan terpisah dari SOP ini." }),
    ].concat(isi, [simpanK]));
  }

  function ikatKatalog(e) {
    var b = e.dataset.ikat.split("."), kunci = b[1] + "." + b[2], v = e.value;
    kopKatalog[kunci] = kunci === "instansi.baris"
      ? v.split("\n").map(function (x) { return x.trim(); }).filter(function (x) { return x !== ""; })
      : (v.trim() ? [v.trim()] : []);
  }

  function simpanKatalog() {
    var tombolK = document.getElementById("simpan-katalog");
    tombolK.disabled = true;
    kirim(dasarAlamat + "/katalog", { dasar: katalog.dasar, kop: kopKatalog }).then(function (j) {
      tombolK.disabled = false;
      if (j._status === 200) return muatAlur().then(function () { umumkan(j.pesan); });
      umumkan(j.pesan || "katalog.toml tidak dapat disimpan.");
    });
  }

  // ---- catatan pemeriksa per isian ----
  function idJalur(j) { return j.replace(/[^A-Za-z0-9_-]/g, "-"); }
  function bisaCatat() {
    return !!alur && (alur.gerak.indexOf("kembalikan") >= 0 || alur.gerak.indexOf("teruskan") >= 0);
  }
  function namaBidang(b) {
    var l = b.querySelector(":scope > label, :scope > h4, :scope > legend");
    return l ? l.textContent.trim() : b.dataset.jalur;
  }

  // Tombol "+ Catatan" pada setiap isian, atau kotak catatannya bila sedang ditulis.
  function catatKoreksi(akar) {
    if (!bisaCatat()) return;
    Array.prototype.forEach.call(akar.querySelectorAll(".bidang[data-jalur]"), function (b) {
      var j = b.dataset.jalur, id = idJalur(j), nama = namaBidang(b);
      if (koreksiBaru[j] !== undefined) {
        var ta = el("textarea", { id: "koreksi-" + id, rows: 2, "data-ikat": "koreksi." + j, nilai: koreksiBaru[j] });
        var hapus = tombol("Hapus catatan", "Hapus catatan untuk " + nama, "hapus-catat", { jalur: j }, "hapus");
        hapus.id = "hapus-catat-" + id;
        b.appendChild(el("div", { "class": "tulis-koreksi", "data-kunci": "tulis-koreksi-" + id }, [
          el("label", { "for": ta.id, teks: "Catatan pemeriksa untuk " + nama }), ta, hapus]));
      } else {
        var t = tombol("+ Catatan", "Tulis catatan untuk " + nama, "catat", { jalur: j }, "catat");
        t.id = "catat-" + id;
        b.appendChild(t);
      }
    });
  }

  // Catatan pemeriksa yang sudah dikirim, di samping isiannya (seperti pesan draf).
  function tandaiKoreksi(akar) {
    if (!alur || !alur.koreksi.length) return;
    var bidangNya = {};
    Array.prototype.forEach.call(akar.querySelectorAll("[data-jalur]"), function (x) { bidangNya[x.dataset.jalur] = x; });
    alur.koreksi.forEach(function (c, n) {
      var j = c.jalur;
      while (j && !bidangNya[j]) j = j.indexOf(".") >= 0 ? j.slice(0, j.lastIndexOf(".")) : null;
      if (!j) return;
      var wadah = bidangNya[j], id = "koreksi-ada-" + n;
      wadah.classList.add("ada-koreksi");
      wadah.appendChild(el("p", { "class": "pesan-bidang koreksi", id: id,
        teks: "Catatan pemeriksa" + (c.oleh ? " (" + c.oleh + ")" : "") + ": " + c.teks }));
      var sasaran = wadah.querySelector(":scope > input, :scope > textarea, :scope > select") || wadah;
      var ids = (sasaran.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      ids.push(id);
      sasaran.setAttribute("aria-describedby", ids.join(" "));
    });
  }

  // Selama SOP diajukan (atau bagi akun yang bukan penyusun) formulir hanya dapat
  // dibaca: isian tetap dapat difokus dan dibaca, tombol susunan disembunyikan.
  function kunciFormulir(akar) {
    if (!alur || alur.boleh_sunting) return;
    Array.prototype.forEach.call(akar.querySelectorAll("input, textarea, select"), function (e) {
      var ik = (e.dataset && e.dataset.ikat) || "";
      if (ik.indexOf("koreksi.") === 0 || ik.indexOf("katalog.") === 0) return;
      if (e.tagName === "SELECT" || e.type === "radio" || e.type === "checkbox") e.disabled = true;
      else e.setAttribute("readonly", "");
    });
    Array.prototype.forEach.call(akar.querySelectorAll("button[data-aksi]"), function (b) {
      if (AKSI[b.dataset.aksi]) b.hidden = true;
    });
    var nav = akar.querySelector(".loncat");
    akar.insertBefore(el("p", { "class": "baca-saja", id: "baca-saja", "data-kunci": "baca-saja", teks: alur.baca_saja }),
      nav ? nav.nextSibling : akar.firstChild);
  }

  var LAIN = {
    "catat": function (d) {
      koreksiBaru[d.jalur] = koreksiBaru[d.jalur] || "";
      fokusNanti = "koreksi-" + idJalur(d.jalur);
      gambar();
    },
    "hapus-catat": function (d) {
      delete koreksiBaru[d.jalur];
      fokusNanti = "catat-" + idJalur(d.jalur);
      gambar();
      umumkan("Catatan dihapus.");
    },
    "simpan-katalog": simpanKatalog,
  };

  // ---- bagian Pengesahan: tahap, catatan, dan tombol menurut peran ----
  var pesanAlur = null, sibuk = false;

  function kumpulkanKoreksi() {
    var out = Object.keys(koreksiBaru).filter(function (j) { return koreksiBaru[j].trim(); })
      .map(function (j) { return { jalur: j, teks: koreksiBaru[j].trim() }; });
    if (catatanUmum.trim()) out.unshift({ jalur: "", teks: catatanUmum.trim() });
    return out;
  }

  function tombolAlur(id, teks, kelas, mati) {
    return el("button", { type: "button", "class": "tombol" + (kelas ? " " + kelas : ""), id: id, "data-aksi": id, teks: teks, disabled: mati || sibuk });
  }

  function gambarAlur() {
    if (!alur) { alurEl.hidden = true; return; }
    alurEl.hidden = false;
    var g = alur.gerak, baru = el("section");
    var lencana = alur.revisi ? ["berubah", "revisi"] : [alur.tahap, alur.tahap];
    baru.appendChild(el("h2", { id: "alur-judul", tabindex: "-1" }, ["Pengesahan: ", el("span", { "class": "lencana " + lencana[0], teks: lencana[1] })]));
    var ket = alur.keterangan.charAt(0).toUpperCase() + alur.keterangan.slice(1) + ".";
    var disahkan = alur.disahkan && alur.tahap === "disahkan";
    if (alur.terakhir && !disahkan) ket += " Terakhir " + alur.terakhir.ringkasan + " oleh " + alur.terakhir.pengguna + ", " + alur.terakhir.waktu + ".";
    baru.appendChild(el("p", { id: "alur-keterangan", teks: ket }));
    if (alur.pemegang) baru.appendChild(el("p", { id: "alur-pemegang", teks: "Sekarang di tangan " + alur.pemegang + "." }));
    if (disahkan) {
      baru.appendChild(el("p", { id: "alur-disahkan" }, ["Disahkan oleh " + alur.disahkan.jabatan + " (" + alur.disahkan.penanda + ") pada " +
        alur.disahkan.waktu + ". Kode verifikasi ", el("a", { href: alur.disahkan.verifikasi, teks: alur.disahkan.kode }), "."]));
    }
    if (alur.berubah.length) {
      baru.appendChild(el("div", { "class": "berubah", id: "alur-berubah" }, [
        el("p", { teks: alur.revisi
          ? "Sudah berubah sejak disahkan, jadi tidak lagi tampil sebagai disahkan. Perubahan ini memulai revisi; tanggal revisi diisi saat revisinya disahkan."
          : "Berubah sejak diajukan; SOP ini hanya dapat dikembalikan kepada penyusun untuk diajukan lagi." }),
        el("ul", {}, alur.berubah.map(function (b, n) { return el("li", { "data-kunci": "berubah-" + n, teks: b }); }))]));
    }
    if (alur.koreksi.length) {
      baru.appendChild(el("div", { "class": "koreksi-daftar", id: "koreksi-daftar" }, [
        el("h3", { teks: "Catatan pemeriksa" + (alur.terakhir ? " (" + alur.terakhir.pengguna + ")" : "") }),
        el("ul", {}, alur.koreksi.map(function (c, n) {
          var tujuan = c.jalur && document.querySelector("[data-jalur='" + c.jalur + "'] input, [data-jalur='" + c.jalur + "'] textarea, [data-jalur='" + c.jalur + "'] select");
          var nama = c.jalur ? (c.nama || c.jalur) : "Umum";
          return el("li", { "data-kunci": "koreksi-" + n }, [tujuan && tujuan.id ? el("a", { href: "#" + tujuan.id, teks: nama }) : nama, ": " + c.teks]);
        }))]));
    }
    var aksi = [];
    if (g.indexOf("ajukan") >= 0) {
      aksi.push(tombolAlur("ajukan", "Ajukan untuk disahkan", null, kotor));
      if (kotor) aksi.push(el("span", { "class": "kecil", id: "ajukan-syarat", teks: "Simpan dulu perubahan, lalu ajukan." }));
    }
    if (bisaCatat()) {
      baru.appendChild(el("div", { "class": "bidang", id: "catatan-umum-bidang" }, [
        el("label", { "for": "catatan-umum", teks: "Catatan umum untuk penyusun" }),
        el("textarea", { id: "catatan-umum", rows: 2, nilai: catatanUmum, "aria-describedby": "catatan-umum-bantuan" }),
        el("p", { "class": "kecil", id: "catatan-umum-bantuan", teks: "Catatan untuk satu isian: tombol \"+ Catatan\" di samping isian itu di formulir." })]));
    }
    if (g.indexOf("teruskan") >= 0) aksi.push(tombolAlur("teruskan", "Teruskan ke pengesah"));
    if (g.indexOf("kembalikan") >= 0) aksi.push(tombolAlur("kembalikan", "Kembalikan ke penyusun", "kedua"));
    if (g.indexOf("sahkan") >= 0) {
      if (!alur.sahkan.boleh) {
        baru.appendChild(el("p", { "class": "awas-teks", id: "sahkan-tls", teks: alur.sahkan.alasan }));
      } else {
        baru.appendChild(el("div", { "class": "sahkan", id: "sahkan-isian" }, [
          el("p", { "class": "kecil", id: "sahkan-bantuan", teks: "Pilih berkas sertifikat elektronik penanda tangan (.p12 atau .pfx dari BSrE atau penyelenggara lain) dan ketik kata sandinya. Kata sandi hanya dipakai untuk menandatangani dan tidak disimpan." }),
          el("div", { "class": "bidang" }, [el("label", { "for": "sertifikat", teks: "Berkas sertifikat (.p12 atau .pfx)" }),
            el("input", { type: "file", id: "sertifikat", accept: ".p12,.pfx", "data-tetap": true, "aria-describedby": "sahkan-bantuan" })]),
          el("div", { "class": "bidang" }, [el("label", { "for": "sandi", teks: "Kata sandi sertifikat" }),
            el("input", { type: "password", id: "sandi", autocomplete: "off", "data-tetap": true })])]));
        aksi.push(tombolAlur("sahkan", "Sahkan dan tandatangani"));
      }
    }
    if (peringatanSahkan) {
      baru.appendChild(el("div", { "class": "berubah", id: "sahkan-peringatan" }, [
        el("h3", { id: "peringatan-judul", tabindex: "-1", teks: "Periksa sertifikatnya" }),
        el("ul", {}, peringatanSahkan.map(function (w, n) { return el("li", { "data-kunci": "peringatan-" + n, teks: w }); })),
        el("p", { teks: "Bila sertifikat ini memang milik penanda tangan SOP, pilih Tetap sahkan." }),
        el("div", { "class": "aksi" }, [tombolAlur("sahkan-tetap", "Tetap sahkan"), tombolAlur("batal-sahkan", "Batal", "kedua")])]));
    }
    if (aksi.length) baru.appendChild(el("div", { "class": "aksi", id: "alur-aksi" }, aksi));
    baru.appendChild(el("p", { id: "alur-pesan", "class": "salah", tabindex: "-1", hidden: !pesanAlur, teks: pesanAlur || "" }));
    jagaFokus(alurEl, function () { samakanAnak(alurEl, baru); });
  }

  function selesaiAlur(teks) {
    umumkan(teks);
    var h = document.getElementById("alur-judul");
    if (h) h.focus();
  }

  function tampilPesanAlur(teks) {
    pesanAlur = teks;
    gambarAlur();
    umumkan(teks);
    document.getElementById("alur-pesan").focus();
  }

  function gerakkan(g, koreksi) {
    sibuk = true;
    pesanAlur = null;
    gambarAlur();
    kirim(dasarAlamat + "/alur", { gerak: g, koreksi: koreksi }).then(function (j) {
      sibuk = false;
      if (j._status === 200) {
        koreksiBaru = {};
        catatanUmum = "";
        return muat().then(function () { selesaiAlur(j.pesan); });
      }
      tampilPesanAlur(j.pesan || "Tidak dapat dilakukan.");
    });
  }

  function sahkan(tetap) {
    var berkas = document.getElementById("sertifikat"), sandi = document.getElementById("sandi");
    if (!berkas || !berkas.files || !berkas.files.length) {
      tampilPesanAlur("Pilih dulu berkas sertifikat (.p12 atau .pfx).");
      return;
    }
    var baca = new FileReader();
    baca.onload = function () {
      var bytes = new Uint8Array(baca.result), bin = "";
      for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
      sibuk = true;
      pesanAlur = null;
      gambarAlur();
      kirim(dasarAlamat + "/sahkan", { sertifikat: btoa(bin), sandi: sandi.value, tetap: tetap }).then(function (j) {
        sibuk = false;
        if (j._status === 200) {
          sandi.value = "";
          peringatanSahkan = null;
          return muat().then(function () { selesaiAlur(j.pesan); });
        }
        if (j.konfirmasi) {
          peringatanSahkan = j.peringatan;
          gambarAlur();
          umumkan(j.pesan + " " + j.peringatan.join(". "));
          document.getElementById("peringatan-judul").focus();
          return;
        }
        peringatanSahkan = null;
        tampilPesanAlur((j.pesan || "Tidak disahkan.") + (j.saran ? " Saran: " + j.saran + "." : ""));
      });
    };
    baca.readAsArrayBuffer(berkas.files[0]);
  }

  var GERAK = {
    "ajukan": function () { gerakkan("ajukan", []); },
    "teruskan": function () { gerakkan("teruskan", kumpulkanKoreksi()); },
    "kembalikan": function () {
      var k = kumpulkanKoreksi();
      if (!k.length) {
        tampilPesanAlur("Tulis sedikitnya satu catatan (catatan umum, atau \"+ Catatan\" pada isian), agar penyusun tahu apa yang perlu diperbaiki.");
        return;
      }
      gerakkan("kembalikan", k);
    },
    "sahkan": function () { sahkan(false); },
    "sahkan-tetap": function () { sahkan(true); },
    "batal-sahkan": function () {
      peringatanSahkan = null;
      gambarAlur();
      umumkan("Pengesahan dibatalkan.");
      var b = document.getElementById("sahkan");
      if (b) b.focus();
    },
  };
  alurEl.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button[data-aksi]");
    if (!b || b.disabled || !GERAK[b.dataset.aksi]) return;
    ev.preventDefault();
    GERAK[b.dataset.aksi]();
  });
  alurEl.addEventListener("input", function (ev) {
    if (ev.target.id === "catatan-umum") catatanUmum = ev.target.value;
  });

  // ---- menyamakan halaman dengan formulir baru, elemen demi elemen ----
  function kunciNode(n) {
    return n.nodeType === 1 ? (n.getAttribute("data-kunci") || n.id || null) : null;
  }

  function samakan(lama, baru) {
    Array.prototype.slice.call(lama.attributes).forEach(function (a) {
      if (!baru.hasAttribute(a.name) && !(lama.tagName === "DETAILS" && a.name === "open") && a.name !== "style") lama.removeAttribute(a.name);
    });
    Array.prototype.forEach.call(baru.attributes, function (a) {
      if (lama.getAttribute(a.name) !== a.value) lama.setAttribute(a.name, a.value);
    });
    samakanAnak(lama, baru);
    if ((lama.tagName === "INPUT" || lama.tagName === "TEXTAREA" || lama.tagName === "SELECT") && !lama.hasAttribute("data-tetap")) {
      // The field being typed in keeps what the clerk typed: the model follows it, never
      // the other way round, so no keystroke is undone by a redraw.
      if (lama.value !== baru.value && !(lama === document.activeElement && lama.tagName !== "SELECT")) lama.value = baru.value;
      if (lama.type === "checkbox" || lama.type === "radio") lama.checked = baru.checked;
    }
  }

  // Runs `ubah` (a redraw of `induk`) and gives focus back to the element that had it,
  // with its cursor, if the redraw moved that element: moving a node in the page takes
  // its focus away, and the next Tab would start again from the top of the page.
  function jagaFokus(induk, ubah) {
    var aktif = document.activeElement, pilihan = null;
    if (!aktif || !induk.contains(aktif)) { ubah(); return; }
    try { if (typeof aktif.selectionStart === "number") pilihan = [aktif.selectionStart, aktif.selectionEnd]; } catch (e) { pilihan = null; }
    ubah();
    if (document.activeElement === aktif || !document.contains(aktif)) return;
    aktif.focus({ preventScroll: true });
    if (pilihan) { try { aktif.setSelectionRange(pilihan[0], pilihan[1]); } catch (e) { /* not a text box */ } }
  }

  function samakanAnak(induk, baruInduk) {
    var baruAnak = Array.prototype.slice.call(baruInduk.childNodes);
    var berkunci = {};
    Array.prototype.forEach.call(induk.childNodes, function (n) { var k = kunciNode(n); if (k) berkunci[k] = n; });
    var pos = induk.firstChild;
    baruAnak.forEach(function (b) {
      var k = kunciNode(b), cocok = null;
      if (k && berkunci[k] && berkunci[k].nodeName === b.nodeName) { cocok = berkunci[k]; delete berkunci[k]; }
      else if (!k && pos && !kunciNode(pos) && pos.nodeName === b.nodeName) cocok = pos;
      if (cocok) {
        if (cocok === pos) pos = pos.nextSibling;
        else induk.insertBefore(cocok, pos);
        if (cocok.nodeType === 1) samakan(cocok, b);
        else if (cocok.nodeValue !== b.nodeValue) cocok.nodeValue = b.nodeValue;
      } else {
        induk.insertBefore(b, pos);
      }
    });
    while (pos) { var n = pos.nextSibling; induk.removeChild(pos); pos = n; }
  }

  var tertekan = false, gambarTertunda = false;
  document.addEventListener("pointerdown", function () { tertekan = true; }, true);
  document.addEventListener("pointerup", function () {
    tertekan = false;
    if (gambarTertunda) { gambarTertunda = false; setTimeout(gambar, 0); }
  }, true);

  function gambar() {
    var baru = bangun();
    tandai(baru);
    tandaiKoreksi(baru);
    catatKoreksi(baru);
    kunciFormulir(baru);
    jagaFokus(formEl, function () { samakanAnak(formEl, baru); });
    if (alur && alur.baca_saja) formEl.setAttribute("aria-describedby", "baca-saja");
    else formEl.removeAttribute("aria-describedby");
    Array.prototype.forEach.call(formEl.querySelectorAll("textarea"), tinggikan);
    var f = fokusNanti && document.getElementById(fokusNanti);
    fokusNanti = null;
    if (f) f.focus();
  }

  // Menggambar ulang setelah jawaban draf, tetapi tidak selagi tombol penunjuk ditekan:
  // tombol yang sedang diklik tidak boleh bergeser di bawah penunjuk.
  function gambarBila() {
    if (tertekan) { gambarTertunda = true; return; }
    gambar();
  }

  // ---- draf dan catatan ----
  var sedang = false, lagi = false, jumlahGalat = -1;
  function berubah() {
    var dulu = kotor;
    kotor = JSON.stringify(keForm()) !== awal;
    tombolSimpan.disabled = !kotor || document.body.dataset.pilih === "ya" || (!!alur && !alur.boleh_sunting);
    if (dulu !== kotor) gambarAlur();
    tombolUrung.disabled = urungan.length === 0;
    keadaan.textContent = kotor ? "Belum disimpan" : "Tersimpan";
    document.body.dataset.draf = "menunggu";
    draf(performance.now());
  }

  function draf(mulai) {
    if (sedang) { lagi = mulai; return; }
    sedang = true;
    kirim(dasarAlamat + "/draf", { form: keForm(), dasar: dasar }).then(function (j) {
      if (j._status !== 200) { tampilCatatan([{ galat: true, teks: j.pesan || "Pratinjau gagal dibuat.", jalur: null }]); return; }
      catatanTerakhir = j.catatan || [];
      var umum = catatanTerakhir.slice();
      if (j.gagal) umum.push({ galat: true, teks: j.gagal, jalur: null });
      tampilCatatan(umum);
      gambarBila();
      if (j.halaman && j.halaman.length) return tampilHalaman(j.halaman);
      // No sheet yet: say what it waits for, in the form's words.
      var alasan = catatanTerakhir.filter(function (c) { return c.galat; })[0];
      if (!lembar.querySelector("figure")) {
        lembar.textContent = "";
        lembar.appendChild(el("p", { "class": "tunggu", teks: "Lembar tampil setelah isian wajib lengkap" + (alasan ? ". Masih perlu: " + alasan.formulir : (j.gagal ? ": " + j.gagal : ".")) }));
      }
    }).catch(function () {}).then(function () {
      window.sopanUkur.push(performance.now() - mulai);
      sedang = false;
      if (lagi !== false) { var m = lagi; lagi = false; draf(m); }
      else document.body.dataset.draf = "siap";
    });
  }

  // Only the pages that changed are replaced: typing in one step redraws one page.
  var svgLama = [];
  function tampilHalaman(svgs) {
    var jumlah = svgs.length;
    var baru = svgs.map(function (s, i) {
      if (s === svgLama[i] && lembar.children[i]) return null;
      var u = URL.createObjectURL(new Blob([s], { type: "image/svg+xml" }));
      return el("figure", {}, [el("img", { src: u, alt: "Halaman " + (i + 1) + " dari " + jumlah + " (draf)", width: "842" }),
        el("figcaption", { teks: "Halaman " + (i + 1) + " dari " + jumlah })]);
    });
    var tunggu = baru.filter(Boolean).map(function (f) {
      var img = f.querySelector("img");
      return img.decode ? img.decode().catch(function () {}) : null;
    });
    return Promise.all(tunggu).then(function () {
      if (!lembar.querySelector("figure")) lembar.textContent = "";
      baru.forEach(function (f, i) {
        var lama = lembar.children[i];
        if (!f) {
          lama.querySelector("figcaption").textContent = "Halaman " + (i + 1) + " dari " + jumlah;
          return;
        }
        if (lama) {
          URL.revokeObjectURL(lama.querySelector("img").src);
          lembar.replaceChild(f, lama);
        } else {
          lembar.appendChild(f);
        }
      });
      while (lembar.children.length > jumlah) {
        var akhir = lembar.lastElementChild;
        URL.revokeObjectURL(akhir.querySelector("img").src);
        lembar.removeChild(akhir);
      }
      svgLama = svgs;
      lembar.dataset.halaman = String(jumlah);
    });
  }

  // Daftar kesalahan dan peringatan di atas lembar, dengan kata-kata formulir; teks
  // lengkap seperti `sopan check` tersimpan di "Rincian".
  function tampilCatatan(list) {
    list = list.filter(function (c) { return !tenang(c); });
    catatanEl.textContent = "";
    var galat = list.filter(function (c) { return c.galat; });
    catatanEl.hidden = list.length === 0;
    catatanEl.classList.toggle("hanya-peringatan", galat.length === 0);
    if (galat.length !== jumlahGalat) {
      if (galat.length) umumkan(galat.length + " kesalahan. " + (galat[0].formulir || ringkas(galat[0])));
      else if (jumlahGalat > 0) umumkan("Tidak ada kesalahan lagi.");
      jumlahGalat = galat.length;
    }
    if (!list.length) return;
    catatanEl.appendChild(el("h2", { teks: galat.length ? galat.length + " kesalahan" + (list.length > galat.length ? ", " + (list.length - galat.length) + " peringatan" : "") : list.length + " peringatan" }));
    catatanEl.appendChild(el("ul", {}, list.map(function (c) {
      return el("li", { "class": c.galat ? "salah" : "awas" }, [c.formulir || ringkas(c),
        el("details", {}, [el("summary", { teks: "Rincian" }), el("pre", { teks: c.teks })])]);
    })));
  }

  // ---- perbesar lembar ----
  var skala = 100;
  function ubahSkala(s) {
    var gulung = lembar.closest(".draf");
    var atas = gulung.scrollHeight ? gulung.scrollTop / gulung.scrollHeight : 0;
    var kiri = gulung.scrollWidth ? gulung.scrollLeft / gulung.scrollWidth : 0;
    skala = Math.max(50, Math.min(300, s));
    lembar.style.setProperty("--skala", skala + "%");
    // The same place of the sheet stays in view.
    gulung.scrollTop = atas * gulung.scrollHeight;
    gulung.scrollLeft = kiri * gulung.scrollWidth;
    document.getElementById("skala").textContent = skala + "%";
  }
  document.getElementById("perkecil").addEventListener("click", function () { ubahSkala(skala - 25); });
  document.getElementById("perbesar").addEventListener("click", function () { ubahSkala(skala + 25); });
  document.getElementById("skala-pas").addEventListener("click", function () { ubahSkala(100); });

  // ---- muat dan simpan ----
  // Mengisi formulir dari `form` yang dibaca dari teks berkas `teks`. `berubahSaja`:
  // formulir itu belum tersimpan (hasil penggabungan).
  function pasang(form, teks, berubahSaja) {
    dasar = teks;
    model = keModel(form);
    awal = berubahSaja ? "" : JSON.stringify(keForm());
    urungan = [];
    gambar();
    berubah();
  }

  function muat() {
    return fetch(dasarAlamat + "/formulir", { cache: "no-store" }).then(function (r) { return r.json().then(function (j) { j._status = r.status; return j; }); }).then(function (j) {
      if (j._status !== 200) {
        keadaan.textContent = j.pesan || "Formulir tidak dapat dimuat.";
        umumkan(keadaan.textContent);
        if (j.galat) tampilCatatan([{ galat: true, teks: j.galat }]);
        return;
      }
      GRID = j.kotak.map(function (k) { return [k.kunci, k.nama, k.bantuan]; });
      bentrok.hidden = true;
      bentrok.textContent = "";
      delete document.body.dataset.bentrok;
      terimaAlur(j);
      koreksiBaru = {};
      kotor = false;
      pasang(j.form, j.dasar, false);
      gambarAlur();
      document.body.dataset.siap = "ya";
    });
  }

  // Keadaan alur, peran, warisan kop dan katalog.toml dari jawaban formulir.
  function terimaAlur(j) {
    alur = j.alur || null;
    peran = j.peran || [];
    warisan = j.warisan || {};
    katalog = j.katalog || null;
    kopKatalog = {};
    if (katalog && katalog.kop) Object.keys(katalog.kop).forEach(function (k) { kopKatalog[k] = katalog.kop[k].slice(); });
    document.body.dataset.alur = alur ? alur.tahap : "";
    document.body.dataset.peran = peran.join(" ");
  }

  // Memuat ulang alur, warisan dan katalog.toml tanpa menyentuh isian formulir yang
  // belum disimpan (sesudah katalog.toml disimpan).
  function muatAlur() {
    return fetch(dasarAlamat + "/formulir", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (j) {
      if (!j.form) return;
      terimaAlur(j);
      gambar();
      gambarAlur();
    });
  }

  // Nilai sebuah isian dalam kalimat untuk petugas.
  function tampilNilai(v) {
    if (v === null || v === undefined) return "(tidak ada)";
    if (Array.isArray(v)) return v.length ? v.join("\n") : "(kosong)";
    if (typeof v === "object") {
      if ("tidak" in v) return "Ya \u2192 " + (v.ya || "langkah berikutnya") + "; Tidak \u2192 " + (v.tidak || "-");
      var n = (v.langkah || []).length + (v.prosedur || []).reduce(function (a, p) { return a + p.langkah.length; }, 0);
      return n + " langkah, pelaksana: " + (v.pelaksana || []).join(", ");
    }
    return v === "" ? "(kosong)" : String(v);
  }

  // Menaruh `nilai` di `jalur` formulir (`identitas.nama`, `langkah.3.teks.kegiatan`).
  function taruh(form, jalur, nilai) {
    if (jalur === "alur") { form.pelaksana = nilai.pelaksana; form.langkah = nilai.langkah; form.prosedur = nilai.prosedur; return; }
    if (jalur.indexOf("kop.") === 0) { form.kop[jalur.slice(4)] = nilai; return; }
    var b = jalur.split("."), o = form;
    for (var i = 0; i < b.length - 1; i++) o = o[/^\d+$/.test(b[i]) ? Number(b[i]) : b[i]];
    o[b[b.length - 1]] = nilai;
  }

  // Berkas berubah di tempat lain: perubahan petugas sudah digabungkan dengan berkas
  // yang baru oleh server. Isian yang diubah di dua tempat dipilih petugas; tidak ada
  // ketikan yang dibuang tanpa pilihannya.
  function tampilBentrok(j) {
    var g = j.gabungan;
    bentrok.textContent = "";
    if (!g) {
      // Berkas kini bukan TOML: tidak dapat digabungkan; formulir dibiarkan apa adanya.
      bentrok.appendChild(el("h2", { id: "bentrok-judul", tabindex: "-1", teks: "Belum disimpan: berkas sudah berubah" }));
      bentrok.appendChild(el("p", { teks: j.pesan + " Isi berkas sekarang tidak dapat dibaca formulir; perbaiki dulu dengan penyunting teks." }));
      bentrok.appendChild(el("pre", { "class": "beda", teks: j.beda || "" }));
      bentrok.appendChild(el("button", { type: "button", "class": "tombol kedua", id: "muat-ulang", teks: "Muat ulang dari berkas (perubahan saya dibuang)" }));
      bentrok.hidden = false;
      document.getElementById("muat-ulang").addEventListener("click", function () { muat(); });
      keadaan.textContent = "Belum disimpan: berkas sudah berubah";
      tombolSimpan.disabled = false;
      umumkan("Belum disimpan: berkas sudah diubah.");
      document.getElementById("bentrok-judul").focus();
      return;
    }
    document.body.dataset.bentrok = "ya";
    bentrok.appendChild(el("h2", { id: "bentrok-judul", tabindex: "-1", teks: g.bentrok.length
      ? "Berkas diubah orang lain: pilih nilai untuk " + g.bentrok.length + " isian"
      : "Berkas diubah orang lain: perubahan Anda sudah digabungkan" }));
    bentrok.appendChild(el("p", { teks: g.bentrok.length
      ? "Sejak formulir dibuka, berkas ini diubah di tempat lain. Perubahan Anda yang lain sudah digabungkan dengan perubahan itu. Isian di bawah diubah di kedua tempat: pilih nilai yang dipakai, lalu Simpan."
      : "Sejak formulir dibuka, berkas ini diubah di tempat lain, pada isian yang lain. Formulir kini memuat perubahan itu dan perubahan Anda. Periksa lembarnya, lalu Simpan." }));
    (g.catatan || []).forEach(function (c) { bentrok.appendChild(el("p", { "class": "awas-teks", teks: c })); });
    var pilihan = g.bentrok.map(function (b, n) {
      var nama = "bentrok-" + n;
      return el("fieldset", { "class": "pilih-bentrok", "data-jalur-bentrok": b.jalur }, [
        el("legend", { teks: b.nama }),
        el("label", {}, [el("input", { type: "radio", name: nama, value: "saya", centang: true }), " Isian saya: ", el("span", { "class": "nilai", teks: tampilNilai(b.saya) })]),
        el("label", {}, [el("input", { type: "radio", name: nama, value: "berkas" }), " Di berkas sekarang: ", el("span", { "class": "nilai", teks: tampilNilai(b.berkas) })]),
      ]);
    });
    pilihan.forEach(function (p) { bentrok.appendChild(p); });
    var terapkan = null;
    if (g.bentrok.length) {
      terapkan = el("button", { type: "button", "class": "tombol", id: "terapkan-pilihan", teks: "Pakai pilihan ini" });
      bentrok.appendChild(terapkan);
    }
    bentrok.appendChild(el("details", {}, [el("summary", { teks: "Baris berkas yang berbeda" }),
      el("p", { "class": "kecil", teks: "\"dulu\": saat formulir dimuat; \"sekarang\": isi berkas saat ini." }),
      el("pre", { "class": "beda", teks: j.beda || "" })]));
    bentrok.appendChild(el("button", { type: "button", "class": "tombol kedua", id: "muat-ulang", teks: "Buang perubahan saya dan muat ulang dari berkas" }));
    bentrok.hidden = false;
    document.getElementById("muat-ulang").addEventListener("click", function () { muat(); });
    var formBerkas = g.form;
    pasang(formBerkas, j.dasar, true);
    if (terapkan) {
      tombolSimpan.disabled = true;
      document.body.dataset.pilih = "ya";
      terapkan.addEventListener("click", function () {
        g.bentrok.forEach(function (b, n) {
          var pilih = bentrok.querySelector("input[name=bentrok-" + n + "]:checked");
          taruh(formBerkas, b.jalur, pilih && pilih.value === "berkas" ? b.berkas : b.saya);
        });
        delete document.body.dataset.pilih;
        pasang(formBerkas, j.dasar, true);
        pilihan.forEach(function (p) { p.disabled = true; });
        terapkan.disabled = true;
        keadaan.textContent = "Belum disimpan: pilihan dipakai";
        umumkan("Pilihan dipakai. Periksa lalu Simpan.");
        tombolSimpan.focus();
      });
    }
    keadaan.textContent = "Belum disimpan: berkas sudah berubah";
    umumkan(g.bentrok.length ? "Belum disimpan: pilih nilai untuk " + g.bentrok.length + " isian yang diubah di dua tempat." : "Belum disimpan: perubahan Anda sudah digabungkan dengan berkas terbaru. Periksa lalu Simpan.");
    document.getElementById("bentrok-judul").focus();
  }

  tombolSimpan.addEventListener("click", function () {
    tombolSimpan.disabled = true;
    keadaan.textContent = "Menyimpan…";
    keadaan.focus({ preventScroll: true });
    kirim(dasarAlamat + "/simpan", { form: keForm(), dasar: dasar }).then(function (j) {
      if (j._status === 200) {
        document.body.dataset.simpan = String((parseInt(document.body.dataset.simpan || "0", 10)) + 1);
        return muat().then(function () {
          keadaan.textContent = j.peringatan || "Tersimpan";
          keadaan.focus({ preventScroll: true });
          umumkan(keadaan.textContent);
        });
      }
      if (j._status === 409) {
        tampilBentrok(j);
        return;
      }
      keadaan.textContent = j.pesan || "Tidak dapat menyimpan.";
      umumkan(keadaan.textContent);
      tombolSimpan.disabled = false;
    });
  });

  window.addEventListener("beforeunload", function (ev) {
    if (model && JSON.stringify(keForm()) !== awal) { ev.preventDefault(); ev.returnValue = ""; }
  });

  muat();
})();
