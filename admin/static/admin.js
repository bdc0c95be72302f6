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
  // A page asking for the viewer's zone (data-viewer-tz) is reloaded once with the
  // browser's own zone, so every time is shown where the viewer is.
  function viewerZone() {
    var form = document.querySelector("form[data-viewer-tz]");
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!form || !tz) { return false; }
    var url = new URL(window.location.href);
    if (url.searchParams.has("tz")) { return false; }
    url.searchParams.set("tz", tz);
    window.location.replace(url.toString());
    return true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (viewerZone()) { return; }
    document.querySelectorAll("[data-refresh]").forEach(function (el) {
      var every = parseFloat(el.getAttribute("data-every") || "5") * 1000;
      setInterval(function () { refresh(el); }, every);
    });
  });
})();
