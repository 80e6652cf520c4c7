/* The questionnaire editor: CodeMirror with YAML highlighting, and the engine's diagnostics next to
 * the lines while typing (the server checks the text with the same engine that publishes it). */
(function () {
  "use strict";
  var area = document.getElementById("source");
  if (!area || !window.CodeMirror) { return; }
  var state = document.querySelector("[data-check-state]");
  var list = document.querySelector("[data-diagnostics]");
  var form = document.getElementById("editor-form");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var timer = null;

  function check(text, done) {
    fetch(area.getAttribute("data-check"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ source: text })
    }).then(function (r) { return r.ok ? r.json() : { diagnostics: [] }; }).then(function (data) {
      var found = (data.diagnostics || []).map(function (d) {
        var line = Math.max(0, d.line - 1);
        return { from: CodeMirror.Pos(line, Math.max(0, d.column - 1)), to: CodeMirror.Pos(line, Math.max(0, d.column + 20)),
                 message: d.code + " " + d.message, severity: d.severity === "error" ? "error" : "warning" };
      });
      if (list) {
        list.textContent = "";
        (data.diagnostics || []).forEach(function (d) {
          var li = document.createElement("li");
          li.className = "diagnostic diagnostic-" + d.severity;
          li.textContent = d.line + ":" + d.column + " " + d.code + " " + d.message;
          list.appendChild(li);
        });
      }
      if (state) { state.textContent = found.length ? "" : "✓"; }
      done(found);
    }).catch(function () { done([]); });
  }

  var editor = CodeMirror.fromTextArea(area, {
    mode: "yaml", lineNumbers: true, indentUnit: 2, tabSize: 2, indentWithTabs: false,
    gutters: ["CodeMirror-lint-markers"], direction: "ltr", viewportMargin: 50,
    extraKeys: { Tab: function (cm) { cm.replaceSelection("  "); } },
    lint: { getAnnotations: function (text, done) {
      clearTimeout(timer);
      timer = setTimeout(function () { check(text, done); }, 600);
    }, async: true }
  });
  document.querySelectorAll("[data-line]").forEach(function (a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      var line = parseInt(a.getAttribute("data-line"), 10) - 1;
      editor.focus();
      editor.setCursor({ line: line, ch: 0 });
      editor.scrollIntoView({ line: line, ch: 0 }, 120);
    });
  });
  form.addEventListener("submit", function () { editor.save(); });
})();
