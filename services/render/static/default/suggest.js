// Suggestions while typing in a site's search box (progressive: without scripts the box simply searches).
// Completions come from the search service: titles that start with the words, and what others searched.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("input[data-suggest-site]");
  Array.prototype.forEach.call(boxes, function (input, n) {
    var list = document.createElement("datalist");
    list.id = "search-suggestions-" + n;
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var words = input.value.trim();
      if (!words || words === asked) { return; }
      timer = setTimeout(function () {
        asked = words;
        var url = "/api/v1/search/suggest?site=" + encodeURIComponent(input.getAttribute("data-suggest-site")) +
          "&q=" + encodeURIComponent(words.slice(0, 40));
        fetch(url, {headers: {accept: "application/json"}}).then(function (answer) {
          return answer.ok ? answer.json() : {suggestions: []};
        }).then(function (found) {
          if (input.value.trim() !== words) { return; }
          list.textContent = "";
          found.suggestions.forEach(function (text) {
            var option = document.createElement("option");
            option.value = text;
            list.appendChild(option);
          });
        }).catch(function () { /* no suggestions: the box still searches */ });
      }, 150);
    });
  });
})();
