// The admin's only script (CSP: script-src 'self'). Elements with data-refresh="URL" are
// refreshed from that URL every data-every seconds (the agenda), without a page reload.
"use strict";
(function () {
  function refresh(el) {
    var url = el.getAttribute("data-refresh");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html !== null && html !== el.innerHTML) { el.innerHTML = html; }
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-refresh]").forEach(function (el) {
      var every = parseFloat(el.getAttribute("data-every") || "5") * 1000;
      setInterval(function () { refresh(el); }, every);
    });
  });
})();
