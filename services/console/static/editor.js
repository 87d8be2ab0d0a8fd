// The rich-text editor over the body's <textarea data-rich-text> (progressive enhancement: without this script,
// or without Quill, the textarea itself is the editor). Quill keeps only the formats listed here, so what is
// pasted from Word loses its mso-* styles, fonts and colours; the content library sanitizes the HTML again.
(function () {
  "use strict";
  if (typeof window.Quill !== "function") return;
  var FORMATS = ["header", "bold", "italic", "underline", "strike", "list", "align", "indent", "link", "blockquote", "image"];
  var TOOLBAR = [
    [{ header: [2, 3, 4, false] }],
    ["bold", "italic", "underline", "strike"],
    [{ list: "ordered" }, { list: "bullet" }, { indent: "-1" }, { indent: "+1" }],
    [{ align: [] }],
    ["link", "blockquote", "image"],
    ["clean"]
  ];
  // Tab leaves the editor (WCAG 2.1.2: no keyboard trap); indenting is on the toolbar.
  var KEEP_TAB = { tab: false, indent: false, outdent: false, "indent code-block": false, "outdent code-block": false };
  var LABELS = {
    "ql-bold": "加粗", "ql-italic": "斜体", "ql-underline": "下划线", "ql-strike": "删除线",
    "ql-list": "列表", "ql-indent": "缩进", "ql-align": "对齐", "ql-link": "链接",
    "ql-blockquote": "引用", "ql-clean": "清除格式", "ql-header": "标题级别", "ql-image": "插入图片"
  };

  function label(toolbar) {
    toolbar.querySelectorAll("button, .ql-picker-label").forEach(function (control) {
      var kind = Array.prototype.find.call(control.classList, function (c) { return LABELS[c]; }) ||
        Array.prototype.find.call(control.parentNode.classList, function (c) { return LABELS[c]; });
      var value = control.getAttribute("value");
      var text = (kind && LABELS[kind]) || "格式";
      if (value === "ordered") text = "编号列表";
      else if (value === "bullet") text = "项目符号列表";
      else if (value === "-1") text = "减少缩进";
      else if (value === "+1") text = "增加缩进";
      control.setAttribute("aria-label", text);
      control.setAttribute("title", text);
    });
  }

  // The image button: the picture goes to the document's files first, then into the text where the cursor is;
  // the form then names it among the document's files (a hidden attachment_ids field).
  function imageButton(quill, textarea) {
    var form = textarea.form;
    quill.getModule("toolbar").addHandler("image", function () {
      var input = document.createElement("input");
      input.type = "file";
      input.accept = "image/jpeg,image/png,image/gif,image/webp";
      input.addEventListener("change", function () {
        if (!input.files || !input.files[0]) return;
        var data = new FormData();
        data.append("files", input.files[0]);
        var csrf = form.querySelector("input[name=csrf]").value;
        fetch(textarea.dataset.imageUpload, { method: "POST", body: data, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" })
          .then(function (answer) { return answer.json().then(function (body) { return { ok: answer.ok, body: body }; }); })
          .then(function (result) {
            if (!result.ok) { window.alert("图片未上传：" + result.body.message); return; }
            var at = quill.getSelection(true);
            quill.insertEmbed(at ? at.index : quill.getLength(), "image", result.body.src, "user");
            var kept = document.createElement("input");
            kept.type = "hidden";
            kept.name = "attachment_ids";
            kept.value = String(result.body.id);
            form.appendChild(kept);
          })
          .catch(function () { window.alert("图片上传中断，请检查网络后重试。"); });
      });
      input.click();
    });
  }

  document.querySelectorAll("textarea[data-rich-text]").forEach(function (textarea) {
    var host = document.createElement("div");
    host.className = "rich-text";
    textarea.parentNode.insertBefore(host, textarea.nextSibling);
    var quill = new window.Quill(host, {
      theme: "snow",
      formats: FORMATS,
      modules: { toolbar: TOOLBAR, keyboard: { bindings: KEEP_TAB } }
    });
    if (textarea.value.trim()) quill.clipboard.dangerouslyPasteHTML(textarea.value);
    textarea.hidden = true;
    textarea.removeAttribute("required"); // the editor's content is checked on submit instead
    var editable = host.querySelector(".ql-editor");
    var labelEl = document.querySelector('label[for="' + textarea.id + '"]');
    if (labelEl) {
      labelEl.id = labelEl.id || textarea.id + "-label";
      editable.setAttribute("aria-labelledby", labelEl.id);
      labelEl.addEventListener("click", function () { quill.focus(); });
    }
    editable.setAttribute("role", "textbox");
    editable.setAttribute("aria-multiline", "true");
    if (textarea.getAttribute("aria-describedby")) editable.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    label(host.previousSibling && host.previousSibling.classList && host.previousSibling.classList.contains("ql-toolbar") ? host.previousSibling : document);
    if (textarea.dataset.imageUpload) imageButton(quill, textarea);
    textarea.form.addEventListener("submit", function () {
      textarea.value = quill.getLength() > 1 ? quill.getSemanticHTML() : "";
    });
  });
})();
