// An interview's live transcript: new lines appear as they are written (server-sent events, or polling where
// those are not available). The page shows the transcript as of loading without this script.
(function () {
  var list = document.querySelector("ol.transcript[data-live]");
  if (!list) return;
  var base = list.getAttribute("data-transcript");
  function last() {
    var items = list.querySelectorAll("li[data-id]");
    return items.length ? items[items.length - 1].getAttribute("data-id") : "0";
  }
  function add(line) {
    if (list.querySelector('li[data-id="' + line.id + '"]')) return;
    var item = document.createElement("li");
    item.setAttribute("data-id", line.id);
    var who = document.createElement("span");
    who.className = "speaker";
    who.textContent = line.speaker + "：";
    item.appendChild(who);
    item.appendChild(document.createTextNode(line.text));
    list.appendChild(item);
  }
  if (window.EventSource) {
    var source = new EventSource(base + "/stream?after=" + last());
    source.addEventListener("line", function (event) { add(JSON.parse(event.data)); });
    return;
  }
  setInterval(function () {
    fetch(base + "?after=" + last()).then(function (r) { return r.json(); }).then(function (lines) { lines.forEach(add); });
  }, 5000);
})();
