// Penyunting sopan: formulir SOP di samping lembar yang ikut berubah saat diketik,
// penyimpanan yang tidak menimpa perubahan orang lain, dan "SOP baru" di daftar.
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

  // Daftar: SOP baru dan keluar.
  var formBaru = document.getElementById("form-baru");
  if (formBaru) {
    formBaru.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var salah = document.getElementById("baru-salah");
      kirim("/baru", { bab: formBaru.bab.value, berkas: formBaru.berkas.value }).then(function (j) {
        if (j.alamat) { location.href = j.alamat; return; }
        salah.textContent = j.pesan || "SOP baru tidak dapat dibuat.";
        salah.hidden = false;
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
  var dasarAlamat = "/sop/" + sop.split("/").map(encodeURIComponent).join("/");
  var formEl = document.getElementById("formulir");
  var lembar = document.getElementById("lembar-draf");
  var catatanEl = document.getElementById("catatan");
  var keadaan = document.getElementById("keadaan");
  var tombolSimpan = document.getElementById("simpan");
  var bentrok = document.getElementById("bentrok");
  var judul = document.getElementById("judul-sop");

  var GRID = [];      // kotak grid dari server: [kunci, nama, bantuan]
  var MUTU = [["kelengkapan", "Kelengkapan"], ["output", "Output"], ["keterangan", "Keterangan"]];

  var model = null;   // { identitas, grid, tabel: [{judul, asal, pelaksana, langkah}], prosedur: bool }
  var dasar = "";     // teks berkas saat formulir dimuat
  var awal = "";      // JSON formulir saat dimuat, untuk tahu ada perubahan
  var kunciBerikut = 1;
  window.sopanUkur = [];

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
        };
      });
    }
    var m = { identitas: Object.assign({}, form.identitas), grid: {}, tabel: [], prosedur: form.prosedur.length > 0 };
    GRID.forEach(function (g) { m.grid[g[0]] = (form.grid[g[0]] || []).slice(); });
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
    var f = { identitas: model.identitas, grid: model.grid, pelaksana: [], langkah: [], prosedur: [] };
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

  // ---- tampilan ----
  function el(tag, attrs, anak) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "teks") e.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== false && attrs[k] != null) e.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    });
    (anak || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }

  function bidang(jalur, label, masukan, bantuan) {
    return el("div", { "class": "bidang", "data-jalur": jalur }, [
      el("label", { "for": masukan.id }, [label]), masukan,
      bantuan ? el("p", { "class": "kecil", teks: bantuan }) : null,
    ]);
  }

  function teks(id, nilai, ubah, jenis) {
    var e = el(jenis === "panjang" ? "textarea" : "input", { id: id, rows: jenis === "panjang" ? 2 : null });
    if (jenis && jenis !== "panjang") e.type = jenis;
    e.value = nilai;
    e.addEventListener("input", function () { ubah(e.value); berubah(); });
    return e;
  }

  function tombol(label, judul, aksi, kelas) {
    return el("button", { type: "button", "class": "kecil-tombol " + (kelas || ""), title: judul, "aria-label": judul, teks: label,
      onclick: function () { aksi(); gambar(); berubah(); } });
  }

  // Daftar butir: tambah, hapus, urutkan.
  function daftarButir(jalur, label, list, bantuan) {
    var isi = list.map(function (v, i) {
      return el("div", { "class": "butir" }, [
        el("span", { "class": "no", teks: (i + 1) + "." }),
        teks(jalur + "-" + i, v, function (x) { list[i] = x; }, "panjang"),
        tombol("↑", "Naikkan butir", function () { if (i > 0) list.splice(i - 1, 0, list.splice(i, 1)[0]); }),
        tombol("↓", "Turunkan butir", function () { if (i < list.length - 1) list.splice(i + 1, 0, list.splice(i, 1)[0]); }),
        tombol("✕", "Hapus butir", function () { list.splice(i, 1); }, "hapus"),
      ]);
    });
    isi.push(tombol("+ Tambah butir", "Tambah butir " + label, function () { list.push(""); fokusNanti = jalur + "-" + list.length; }));
    return el("div", { "class": "bidang", "data-jalur": jalur }, [el("h4", { teks: label })].concat(
      bantuan ? [el("p", { "class": "kecil", teks: bantuan })] : []).concat(isi));
  }

  function pilihan(id, nilai, opsi, ubah) {
    var s = el("select", { id: id }, opsi.map(function (o) {
      return el("option", { value: o[0], selected: o[0] === nilai }, [o[1]]);
    }));
    s.addEventListener("change", function () { ubah(s.value); gambar(); berubah(); });
    return s;
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
  function setTujuan(t, v) { if (v !== "?") t.k = (v === "" || v === "selesai") ? v : parseInt(v, 10); }

  function gambarLangkah(t, ti, awalan) {
    var wadah = el("div", { "class": "langkah-daftar" });
    t.langkah.forEach(function (l, i) {
      var jalur = awalan + "langkah." + i;
      var id = "l" + l._k;
      var pel = el("div", { "class": "centang" }, t.pelaksana.map(function (p, pi) {
        var cb = el("input", { type: "checkbox", id: id + "-p" + pi, checked: l.daftar.pelaksana.indexOf(p) >= 0 });
        cb.addEventListener("change", function () {
          var now = t.pelaksana.filter(function (q) { return q === p ? cb.checked : l.daftar.pelaksana.indexOf(q) >= 0; });
          l.daftar.pelaksana = now; gambar(); berubah();
        });
        return el("label", {}, [cb, " " + (p || "(tanpa nama)")]);
      }));
      var alur;
      if (l.keputusan) {
        alur = el("div", { "class": "dua" }, [
          bidang(jalur + ".keputusan.ya", "Jika Ya, ke", pilihan(id + "-ya", nilaiTujuan(l.keputusan.ya), opsiTujuan(l.keputusan.ya, t.langkah, l._k, "(langkah berikutnya)"), function (v) { setTujuan(l.keputusan.ya, v); })),
          bidang(jalur + ".keputusan.tidak", "Jika Tidak, ke", pilihan(id + "-tidak", nilaiTujuan(l.keputusan.tidak), opsiTujuan(l.keputusan.tidak, t.langkah, l._k, "(pilih langkah)"), function (v) { setTujuan(l.keputusan.tidak, v); })),
        ]);
      } else {
        alur = bidang(jalur + ".lanjut", "Lalu ke", pilihan(id + "-lanjut", nilaiTujuan(l.lanjut), opsiTujuan(l.lanjut, t.langkah, l._k, "(langkah berikutnya)"), function (v) { setTujuan(l.lanjut, v); }));
      }
      var mutu = el("div", { "class": "tiga" }, MUTU.map(function (m) {
        return bidang(jalur + "." + m[0], m[1], teks(id + "-" + m[0], l.daftar[m[0]].join("\n"), function (v) {
          l.daftar[m[0]] = v.split("\n").map(function (x) { return x.trim(); }).filter(function (x) { return x !== ""; });
        }, "panjang"));
      }).concat([bidang(jalur + ".waktu", "Waktu", teks(id + "-waktu", l.teks.waktu, function (v) { l.teks.waktu = v; }), "mis. 1 Jam")]));
      wadah.appendChild(el("fieldset", { "class": "langkah", "data-jalur": jalur }, [
        el("legend", {}, ["Langkah " + (i + 1)]),
        el("div", { "class": "alat-langkah" }, [
          tombol("↑", "Naikkan langkah", function () { if (i > 0) t.langkah.splice(i - 1, 0, t.langkah.splice(i, 1)[0]); }),
          tombol("↓", "Turunkan langkah", function () { if (i < t.langkah.length - 1) t.langkah.splice(i + 1, 0, t.langkah.splice(i, 1)[0]); }),
          tombol("+ Sisipkan di bawah", "Sisipkan langkah di bawah", function () { t.langkah.splice(i + 1, 0, langkahBaru(l.daftar.pelaksana)); }),
          tombol("Hapus", "Hapus langkah " + (i + 1), function () { t.langkah.splice(i, 1); }, "hapus"),
        ]),
        bidang(jalur + ".kegiatan", "Kegiatan", teks(id + "-kegiatan", l.teks.kegiatan, function (v) { l.teks.kegiatan = v; }, "panjang")),
        el("div", { "class": "bidang", "data-jalur": jalur + ".pelaksana" }, [el("h4", { teks: "Pelaksana" }), pel,
          el("p", { "class": "kecil", teks: "Centang lebih dari satu untuk langkah bersama." })]),
        bidang(jalur + ".jenis", "Jenis langkah", pilihan(id + "-jenis", l.keputusan ? "keputusan" : "proses",
          [["proses", "Kegiatan biasa"], ["keputusan", "Keputusan (Ya/Tidak)"]], function (v) {
            l.keputusan = v === "keputusan" ? { ya: tujuan(""), tidak: { raw: "", k: "" } } : null;
            if (l.keputusan) { l.keputusan.ya.k = ""; }
          })),
        alur,
        el("h4", { teks: "Mutu baku (satu butir per baris)" }), mutu,
        el("details", {}, [el("summary", { teks: "Lainnya" }),
          bidang(jalur + ".id", "Nama pendek (id)", teks(id + "-id", l.teks.id, function (v) { l.teks.id = v; }), "Boleh kosong. Dipakai bila langkah lain menuju langkah ini.")]),
      ]));
    });
    wadah.appendChild(tombol("+ Tambah langkah", "Tambah langkah di akhir", function () {
      var last = t.langkah[t.langkah.length - 1];
      t.langkah.push(langkahBaru(last ? last.daftar.pelaksana : t.pelaksana.slice(0, 1)));
    }, "utama"));
    return wadah;
  }

  function langkahBaru(pelaksana) {
    var l = { _k: kunciBerikut++, asal: null, teks: { id: "", kegiatan: "", waktu: "" },
      daftar: { pelaksana: pelaksana.slice(), kelengkapan: [], output: [], keterangan: [] }, keputusan: null, lanjut: tujuan("") };
    l.lanjut.k = "";
    fokusNanti = "l" + l._k + "-kegiatan";
    return l;
  }

  function gambarPelaksana(t, jalur) {
    var dipakai = function (p) { return t.langkah.some(function (l) { return l.daftar.pelaksana.indexOf(p) >= 0; }); };
    var isi = t.pelaksana.map(function (p, i) {
      var input = el("input", { id: jalur + "-" + i, value: p });
      input.value = p;
      input.addEventListener("input", function () {
        var lama = t.pelaksana[i], baru = input.value;
        t.pelaksana[i] = baru;
        t.langkah.forEach(function (l) { l.daftar.pelaksana = l.daftar.pelaksana.map(function (q) { return q === lama ? baru : q; }); });
        berubah();
      });
      input.addEventListener("change", function () { gambar(); });
      var hapus = tombol("✕", "Hapus pelaksana", function () { t.pelaksana.splice(i, 1); }, "hapus");
      if (dipakai(p)) { hapus.disabled = true; hapus.title = "Masih dipakai langkah; pindahkan langkahnya dulu"; }
      return el("div", { "class": "butir" }, [el("span", { "class": "no", teks: (i + 1) + "." }), input,
        tombol("↑", "Geser ke kiri", function () { if (i > 0) t.pelaksana.splice(i - 1, 0, t.pelaksana.splice(i, 1)[0]); }),
        tombol("↓", "Geser ke kanan", function () { if (i < t.pelaksana.length - 1) t.pelaksana.splice(i + 1, 0, t.pelaksana.splice(i, 1)[0]); }),
        hapus]);
    });
    isi.push(tombol("+ Tambah pelaksana", "Tambah pelaksana", function () { t.pelaksana.push(""); fokusNanti = jalur + "-" + (t.pelaksana.length - 1); }));
    return el("div", { "class": "bidang", "data-jalur": jalur }, [el("h4", { teks: "Pelaksana (kolom diagram, kiri ke kanan)" }),
      el("p", { "class": "kecil", teks: "Mengganti nama di sini ikut mengganti nama di setiap langkah." })].concat(isi));
  }

  var fokusNanti = null;

  function gambar() {
    var aktif = document.activeElement && document.activeElement.id;
    var pilih = aktif && document.activeElement.selectionStart;
    var gulir = window.scrollY;
    formEl.textContent = "";
    var id = model.identitas;
    var status = id.status || "konsep";
    formEl.appendChild(el("section", { "class": "kartu" }, [
      el("h2", { teks: "Identitas" }),
      bidang("nomor", "Nomor SOP", teks("f-nomor", id.nomor || "", function (v) { id.nomor = v; })),
      bidang("nama", "Nama SOP", teks("f-nama", id.nama || "", function (v) { id.nama = v; judul.textContent = v; })),
      el("div", { "class": "tiga" }, [["tanggal_pembuatan", "Tanggal pembuatan"], ["tanggal_revisi", "Tanggal revisi"], ["tanggal_efektif", "Tanggal efektif"]].map(function (d) {
        var v = id[d[0]] || "";
        var iso = v === "" || /^\d{4}-\d{2}-\d{2}$/.test(v);
        return bidang(d[0], d[1], teks("f-" + d[0], v, function (x) { id[d[0]] = x; }, iso ? "date" : null));
      })),
      bidang("status", "Status", pilihan("f-status", status, [["konsep", "Konsep (tercetak KONSEP)"], ["berlaku", "Berlaku"], ["dicabut", "Dicabut"], ["diganti", "Diganti"]], function (v) { id.status = v; })),
      status === "diganti" ? bidang("diganti_oleh", "Diganti oleh (nomor SOP pengganti)", teks("f-diganti", id.diganti_oleh || "", function (v) { id.diganti_oleh = v; })) : null,
    ]));
    formEl.appendChild(el("section", { "class": "kartu" }, [el("h2", { teks: "Dasar hukum, kualifikasi dan lainnya" })].concat(
      GRID.map(function (g) { return daftarButir(g[0], g[1], model.grid[g[0]], g[2]); }))));
    model.tabel.forEach(function (t, ti) {
      var awalan = model.prosedur ? "prosedur." + ti + "." : "";
      var kartu = el("section", { "class": "kartu", "data-jalur": model.prosedur ? "prosedur." + ti : null }, [
        el("h2", { teks: model.prosedur ? "Sub-prosedur " + (ti + 1) : "Alur" }),
        model.prosedur ? bidang(awalan + "judul", "Judul sub-prosedur", teks("p" + ti + "-judul", t.judul, function (v) { t.judul = v; })) : null,
        model.prosedur ? el("div", { "class": "alat-langkah" }, [
          tombol("↑", "Naikkan sub-prosedur", function () { if (ti > 0) model.tabel.splice(ti - 1, 0, model.tabel.splice(ti, 1)[0]); }),
          tombol("↓", "Turunkan sub-prosedur", function () { if (ti < model.tabel.length - 1) model.tabel.splice(ti + 1, 0, model.tabel.splice(ti, 1)[0]); }),
          model.tabel.length > 1 ? tombol("Hapus sub-prosedur", "Hapus sub-prosedur " + (ti + 1), function () { model.tabel.splice(ti, 1); }, "hapus") : null,
        ]) : null,
        gambarPelaksana(t, awalan + "pelaksana"),
        el("h4", { teks: "Langkah" }),
        gambarLangkah(t, ti, awalan),
      ]);
      formEl.appendChild(kartu);
    });
    formEl.appendChild(el("section", { "class": "kartu" }, [
      el("h2", { teks: "Sub-prosedur" }),
      el("p", { "class": "kecil", teks: model.prosedur
        ? "SOP ini punya beberapa tabel alur, masing-masing dengan judul, pelaksana dan langkahnya."
        : "Bila SOP perlu beberapa tabel alur (misalnya untuk tiap jenjang), ubah alurnya menjadi sub-prosedur." }),
      tombol("+ Tambah sub-prosedur", "Tambah sub-prosedur", function () {
        if (!model.prosedur) { model.prosedur = true; model.tabel[0].judul = model.identitas.nama || ""; }
        model.tabel.push({ asal: null, judul: "", pelaksana: model.tabel[model.tabel.length - 1].pelaksana.slice(), langkah: [] });
      }),
    ]));
    var f = fokusNanti ? document.getElementById(fokusNanti) : aktif && document.getElementById(aktif);
    fokusNanti = null;
    if (f) {
      f.focus({ preventScroll: true });
      if (typeof pilih === "number" && f.setSelectionRange && f.id === aktif) { try { f.setSelectionRange(pilih, pilih); } catch (_) {} }
    }
    window.scrollTo(0, gulir);
    tandai(catatanTerakhir);
  }

  // ---- draf dan catatan ----
  var sedang = false, lagi = false, catatanTerakhir = [];
  function berubah() {
    var kotor = JSON.stringify(keForm()) !== awal;
    tombolSimpan.disabled = !kotor;
    keadaan.textContent = kotor ? "Belum disimpan" : "Tersimpan";
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
      tandai(catatanTerakhir);
      if (j.halaman && j.halaman.length) return tampilHalaman(j.halaman);
    }).catch(function () {}).then(function () {
      window.sopanUkur.push(performance.now() - mulai);
      sedang = false;
      if (lagi !== false) { var m = lagi; lagi = false; draf(m); }
    });
  }

  // Only the pages that changed are replaced: typing in one step redraws one page.
  var svgLama = [];
  function tampilHalaman(svgs) {
    var jumlah = svgs.length;
    var baru = svgs.map(function (s, i) {
      if (s === svgLama[i] && lembar.children[i]) return null;
      var u = URL.createObjectURL(new Blob([s], { type: "image/svg+xml" }));
      return el("figure", {}, [el("img", { src: u, alt: "Halaman " + (i + 1) + " dari " + jumlah, width: "842" }),
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

  function tampilCatatan(list) {
    catatanEl.textContent = "";
    var galat = list.filter(function (c) { return c.galat; }).length;
    catatanEl.hidden = list.length === 0;
    if (!list.length) return;
    catatanEl.appendChild(el("h2", { teks: galat ? galat + " kesalahan" + (list.length > galat ? ", " + (list.length - galat) + " peringatan" : "") : list.length + " peringatan" }));
    list.forEach(function (c) { catatanEl.appendChild(el("pre", { "class": c.galat ? "salah" : "awas", teks: c.teks })); });
  }

  // Pesan di samping bidangnya: jalur terdekat yang ada di formulir.
  function tandai(list) {
    Array.prototype.forEach.call(formEl.querySelectorAll(".pesan-bidang"), function (p) { p.remove(); });
    Array.prototype.forEach.call(formEl.querySelectorAll(".ada-salah"), function (p) { p.classList.remove("ada-salah"); });
    list.forEach(function (c) {
      var j = c.jalur;
      var tujuanEl = null;
      while (j && !tujuanEl) {
        tujuanEl = formEl.querySelector('[data-jalur="' + j + '"]');
        if (!tujuanEl) j = j.indexOf(".") >= 0 ? j.slice(0, j.lastIndexOf(".")) : null;
      }
      if (!tujuanEl) return;
      var baris = c.teks.split("\n").filter(function (x) { return /^(error|warning|peringatan|kesalahan|hint|saran)/i.test(x.trim()) || /^\s*= /.test(x); });
      tujuanEl.classList.add("ada-salah");
      tujuanEl.appendChild(el("p", { "class": "pesan-bidang " + (c.galat ? "salah" : "awas"), teks: (baris.length ? baris : [c.teks.split("\n")[0]]).join("\n").replace(/^\s*= /gm, "") }));
    });
  }

  // ---- muat dan simpan ----
  function muat() {
    return fetch(dasarAlamat + "/formulir", { cache: "no-store" }).then(function (r) { return r.json().then(function (j) { j._status = r.status; return j; }); }).then(function (j) {
      if (j._status !== 200) {
        keadaan.textContent = j.pesan || "Formulir tidak dapat dimuat.";
        if (j.galat) tampilCatatan([{ galat: true, teks: j.galat }]);
        return;
      }
      dasar = j.dasar;
      GRID = j.kotak.map(function (k) { return [k.kunci, k.nama, k.bantuan]; });
      model = keModel(j.form);
      awal = JSON.stringify(keForm());
      bentrok.hidden = true;
      gambar();
      keadaan.textContent = "Tersimpan";
      tombolSimpan.disabled = true;
      document.body.dataset.siap = "ya";
      draf(performance.now());
    });
  }

  tombolSimpan.addEventListener("click", function () {
    tombolSimpan.disabled = true;
    keadaan.textContent = "Menyimpan…";
    kirim(dasarAlamat + "/simpan", { form: keForm(), dasar: dasar }).then(function (j) {
      if (j._status === 200) {
        document.body.dataset.simpan = String((parseInt(document.body.dataset.simpan || "0", 10)) + 1);
        return muat().then(function () { keadaan.textContent = j.peringatan || "Tersimpan"; });
      }
      if (j._status === 409) {
        bentrok.textContent = "";
        bentrok.appendChild(el("h2", { teks: "Belum disimpan: berkas sudah berubah" }));
        bentrok.appendChild(el("p", { teks: j.pesan }));
        bentrok.appendChild(el("p", { "class": "kecil", teks: "Baris yang berbeda (\"dulu\": saat formulir dimuat; \"sekarang\": isi berkas saat ini):" }));
        bentrok.appendChild(el("pre", { "class": "beda", teks: j.beda }));
        bentrok.appendChild(el("button", { type: "button", "class": "tombol", id: "muat-ulang", teks: "Muat ulang dari berkas (perubahan saya dibuang)", onclick: function () { muat(); } }));
        bentrok.hidden = false;
        document.body.dataset.bentrok = "ya";
        keadaan.textContent = "Belum disimpan: berkas sudah berubah";
        tombolSimpan.disabled = false;
        return;
      }
      keadaan.textContent = j.pesan || "Tidak dapat menyimpan.";
      tombolSimpan.disabled = false;
    });
  });

  window.addEventListener("beforeunload", function (ev) {
    if (model && JSON.stringify(keForm()) !== awal) { ev.preventDefault(); ev.returnValue = ""; }
  });

  muat();
})();
