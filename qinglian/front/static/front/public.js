// Public pages: no inline script (CSP). Print buttons; show the identity fields only for real-name reports.
(function () {
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  var radios = document.querySelectorAll("input[name=mode]");
  if (!radios.length) return;
  var ids = ["id_reporter_name", "id_reporter_unit", "id_reporter_phone"];
  function sync() {
    var real = document.querySelector("input[name=mode]:checked");
    real = real && real.value === "real";
    ids.forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.closest(".mb-2").hidden = !real;
    });
  }
  radios.forEach(function (r) { r.addEventListener("change", sync); });
  sync();
})();
