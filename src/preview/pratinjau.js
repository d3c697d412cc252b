// Pratinjau sopan: pencarian di daftar SOP, dan pembaruan otomatis saat berkas disimpan.
(function () {
  "use strict";
  var sop = document.body.dataset.sop || null;
  var wadah = document.getElementById(sop ? "isi" : "daftar");
  var sumber = sop ? "/sop/" + sop.split("/").map(encodeURIComponent).join("/") + "/isi" : "/daftar";
  var cari = document.getElementById("cari");

  function saring() {
    if (!cari) return;
    var q = cari.value.trim().toLowerCase();
    var terlihat = 0;
    document.querySelectorAll("#daftar tr[data-cari]").forEach(function (tr) {
      var cocok = !q || tr.dataset.cari.indexOf(q) !== -1;
      tr.hidden = !cocok;
      if (cocok) terlihat++;
    });
    var kosong = document.getElementById("kosong");
    if (kosong) kosong.hidden = terlihat !== 0;
  }
  if (cari) cari.addEventListener("input", saring);

  // Swap in new content only after its images have loaded, so the page never flashes empty.
  function muatGambar(el) {
    var tunggu = Array.prototype.map.call(el.querySelectorAll("img"), function (img) {
      return img.decode ? img.decode().catch(function () {}) : null;
    });
    var batas = new Promise(function (ok) { setTimeout(ok, 1500); });
    return Promise.race([Promise.all(tunggu), batas]);
  }

  var sedang = false, lagi = false;
  function perbarui(versi) {
    if (!wadah) return;
    if (sedang) { lagi = true; return; }
    sedang = true;
    fetch(sumber, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var baru = document.createElement("div");
        baru.innerHTML = html;
        return muatGambar(baru).then(function () {
          wadah.innerHTML = baru.innerHTML;
          saring();
          if (versi) document.body.dataset.versi = versi;
        });
      })
      .catch(function () {})
      .then(function () {
        sedang = false;
        if (lagi) { lagi = false; perbarui(); }
      });
  }

  if (!window.EventSource) return;
  var putus = document.getElementById("sambungan");
  var pernahPutus = false;
  var es = new EventSource("/events");
  es.onmessage = function (e) {
    var m;
    try { m = JSON.parse(e.data); } catch (_) { return; }
    if (sop && m.sop !== sop) return;
    perbarui(m.versi);
  };
  es.onopen = function () {
    if (putus) putus.hidden = true;
    document.body.dataset.tersambung = "ya";
    if (pernahPutus) perbarui();
  };
  es.onerror = function () {
    pernahPutus = true;
    if (putus) putus.hidden = false;
  };
})();
