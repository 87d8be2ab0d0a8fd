// Upload progress for forms marked data-upload-progress: when files are chosen, the form goes by XHR so the
// bar can show how much has been sent; the answer replaces the page as a normal submission would. Without this
// script the form posts as usual (no bar).
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var bar = form.querySelector("progress.upload");
    form.addEventListener("submit", function (event) {
      var chosen = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
        return input.files && input.files.length > 0;
      });
      if (!chosen || !window.FormData || !bar) return;
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
      // not form.action: the buttons are named "action", and a named control shadows the form's property
      var target = new URL(form.getAttribute("action"), window.location.href).href;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", target);
      bar.hidden = false;
      bar.value = 0;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== target) {
          window.location.assign(xhr.responseURL); // saved: the page the server sent us on to
          return;
        }
        document.open(); // refused: the form again, with what was typed and what was wrong
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        window.alert("上传中断，请检查网络后重试。");
      });
      xhr.send(data);
    });
  });
})();
