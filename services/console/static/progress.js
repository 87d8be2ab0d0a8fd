// A running migration job's progress, refreshed in place every two seconds until it ends (the page works without).
(function () {
  "use strict";
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("progress");
        var shown = document.getElementById("progress");
        if (fresh && shown) {
          shown.innerHTML = fresh.innerHTML;
          if (fresh.hasAttribute("data-live")) {
            window.setTimeout(refresh, 2000);
          } else {
            window.location.reload();  // ended: its buttons and log change too
          }
        }
      });
  }
  window.setTimeout(refresh, 2000);
})();
