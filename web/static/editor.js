/* The questionnaire editor, in three pages:
 * - the outline (data-editor): the tree loaded a level at a time as JSON, a search in every language,
 *   and the form of one item shown beside the tree; the form is posted in the background and the
 *   engine's diagnostics for the item are shown as conditions are typed;
 * - one item's page (the same form, for a direct link);
 * - the YAML text: CodeMirror, loaded with the text as JSON, diagnostics next to the lines.
 * Everything works without this script too: links and forms are ordinary ones. */
(function () {
  "use strict";
  var csrfInput = document.querySelector("input[name=csrf_token]");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  function post(url, body, accept) {
    return fetch(url, { method: "POST", credentials: "same-origin", body: body,
      headers: { Accept: accept || "application/json", "X-CSRFToken": csrfInput ? csrfInput.value : "" } });
  }
  function showDiagnostics(list, items, emptyText) {
    if (!list) { return; }
    list.textContent = "";
    items.forEach(function (d) {
      var li = el("li", { "class": "diagnostic diagnostic-" + d.severity });
      li.appendChild(document.createTextNode(d.line + ":" + d.column + " "));
      li.appendChild(el("span", { "class": "code" }, d.code));
      li.appendChild(document.createTextNode(" " + d.message));
      list.appendChild(li);
    });
    if (!items.length && emptyText) { list.appendChild(el("li", {}, emptyText)); }
  }

  // -- the form of one item -------------------------------------------------------------------
  function bindItemForm(container, onSaved) {
    var form = container.querySelector("form[data-check-url]");
    if (!form) { return; }
    var box = container.querySelector("[data-item-check]");
    var timer = null;
    function render(data, savedText) {
      box.textContent = "";
      if (savedText) { box.appendChild(el("p", { "class": "notice notice-success" }, savedText)); }
      var items = data.diagnostics || [];
      if (items.length) {
        var ul = el("ul", { "class": "diagnostics" });
        box.appendChild(ul);
        showDiagnostics(ul, items);
      } else if (!savedText) {
        box.appendChild(el("p", { "class": "hint" }, box.getAttribute("data-ok") || "✓"));
      }
      if (data.error) { box.appendChild(el("p", { "class": "error-message" }, data.error)); }
    }
    function check() {
      if (!form.isConnected) { return; }  // another item was opened meanwhile
      post(form.getAttribute("data-check-url"), new FormData(form))
        .then(function (r) { return r.json(); }).then(function (data) { render(data); })
        .catch(function () { /* the check is a help; saving still checks */ });
    }
    form.querySelectorAll("[data-live-check]").forEach(function (input) {
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 500); });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      post(form.action, new FormData(form)).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      }).then(function (result) {
        if (!result.ok) { render({ error: result.data.error || String(result.data) }); return; }
        form.querySelector("[data-base]").value = result.data.base;
        var saved = (container.querySelector("[data-saved-text]") || container).getAttribute("data-saved-text") || "✓";
        render(result.data, saved);
        post(form.getAttribute("data-check-url"), new FormData(form))
          .then(function (r) { return r.json(); }).then(function (data) { render(data, saved); })
          .then(function () { if (onSaved) { onSaved(result.data); } });
      }).catch(function () { form.submit(); });
    });
  }

  // -- the outline page ------------------------------------------------------------------------
  var editor = document.querySelector("[data-editor]");
  if (editor) {
    var root = editor.querySelector("[data-outline-root]");
    var panel = editor.querySelector("[data-item-panel]");
    var status = editor.querySelector("[data-outline-status]");
    var outlineUrl = editor.getAttribute("data-outline");
    var itemUrl = editor.getAttribute("data-item-url");
    var labels = { show: editor.getAttribute("data-show") || "Show the contents of %s" };

    function itemHref(id) { return itemUrl.replace("ITEM", encodeURIComponent(id)); }
    function entry(n) {
      var li = el("li", { "class": "outline-item outline-" + n.kind, "data-id": n.id });
      if (n.children) {
        var toggle = el("button", { type: "button", "class": "outline-toggle", "aria-expanded": "false", "data-node": n.id });
        toggle.appendChild(el("span", { "class": "visually-hidden" }, labels.show.replace("%s", n.id)));
        li.appendChild(toggle);
      }
      var a = el("a", { href: itemHref(n.id), "data-item": n.id });
      a.appendChild(el("span", { "class": "code" }, n.id));
      a.appendChild(document.createTextNode(" "));
      a.appendChild(el("span", { lang: n.lang, dir: "auto" }, n.label));
      li.appendChild(a);
      var meta = [];
      if (n.path && n.path.length) { meta.push(n.path.join(" › ")); }
      if (n.provisions.length) { meta.push(n.provisions.join(", ") + (n.levels.length ? " · " + n.levels.join(", ") : "")); }
      if (n.role) { meta.push("role: " + n.role); }
      if (n.template && n.kind !== "question") { meta.push("template: " + n.template); }
      meta.forEach(function (m) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", { "class": "outline-meta" }, m)); });
      return li;
    }
    function fill(list, items) {
      list.textContent = "";
      items.forEach(function (n) { list.appendChild(entry(n)); });
    }
    root.addEventListener("click", function (event) {
      var toggle = event.target.closest(".outline-toggle");
      if (toggle) {
        var li = toggle.parentNode;
        var open = toggle.getAttribute("aria-expanded") === "true";
        var sub = li.querySelector(":scope > ul");
        toggle.setAttribute("aria-expanded", open ? "false" : "true");
        if (open) { sub.hidden = true; return; }
        if (sub) { sub.hidden = false; return; }
        sub = el("ul", { "class": "outline" });
        li.appendChild(sub);
        getJSON(outlineUrl + "?node=" + encodeURIComponent(toggle.getAttribute("data-node")))
          .then(function (data) { fill(sub, data.items); });
        return;
      }
      var link = event.target.closest("a[data-item]");
      if (link) { event.preventDefault(); openItem(link.getAttribute("data-item")); }
    });
    panel.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-item]");
      if (link) { event.preventDefault(); openItem(link.getAttribute("data-item")); }
    });
    function openItem(id) {
      fetch(itemHref(id) + "?fragment=1", { credentials: "same-origin" }).then(function (r) { return r.text(); })
        .then(function (html) {
          panel.innerHTML = html;  // our own server's HTML fragment (autoescaped)
          root.querySelectorAll("[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
          var current = root.querySelector("a[data-item='" + CSS.escape(id) + "']");
          if (current) { current.setAttribute("aria-current", "true"); }
          bindItemForm(panel, function () { loadDiagnostics(); });
          var title = panel.querySelector("#item-title");
          if (title) { title.focus(); }
          history.replaceState(null, "", "#" + encodeURIComponent(id));
        });
    }
    var search = editor.querySelector("[data-search]");
    var searchTimer = null;
    function runSearch() {
      var words = search.querySelector("input[type=search]").value.trim();
      getJSON(outlineUrl + (words ? "?q=" + encodeURIComponent(words) : "")).then(function (data) {
        fill(root, data.items);
        status.textContent = words ? (editor.getAttribute("data-found") || "%s").replace("%s", data.items.length) : "";
      });
    }
    search.addEventListener("submit", function (event) { event.preventDefault(); runSearch(); });
    search.querySelector("input[type=search]").addEventListener("input", function () {
      clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 300);
    });
    var list = document.querySelector("[data-diagnostics]");
    function loadDiagnostics() {
      getJSON(editor.getAttribute("data-diagnostics-url")).then(function (data) {
        showDiagnostics(list, data.diagnostics, list.getAttribute("data-empty"));
      });
    }
    if (list && list.querySelector("[data-checking]")) { loadDiagnostics(); }
    if (location.hash.length > 1) { openItem(decodeURIComponent(location.hash.slice(1))); }
    return;
  }

  // -- one item's page -------------------------------------------------------------------------
  var itemForm = document.querySelector("[data-item-form]");
  if (itemForm) { bindItemForm(itemForm); return; }

  // -- the YAML text -------------------------------------------------------------------------------
  var area = document.getElementById("source");
  if (!area || !window.CodeMirror) { return; }
  var state = document.querySelector("[data-check-state]");
  var problems = document.querySelector("[data-diagnostics]");
  var textForm = document.getElementById("editor-form");
  var timer = null;
  var editorCm = null;

  function check(text, done) {
    fetch(area.getAttribute("data-check"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfInput.value },
      body: JSON.stringify({ source: text })
    }).then(function (r) { return r.ok ? r.json() : { diagnostics: [] }; }).then(function (data) {
      var found = (data.diagnostics || []).map(function (d) {
        var line = Math.max(0, d.line - 1);
        return { from: CodeMirror.Pos(line, Math.max(0, d.column - 1)), to: CodeMirror.Pos(line, Math.max(0, d.column + 20)),
                 message: d.code + " " + d.message, severity: d.severity === "error" ? "error" : "warning" };
      });
      showDiagnostics(problems, data.diagnostics || []);
      if (state) { state.textContent = found.length ? "" : "✓"; }
      done(found);
    }).catch(function () { done([]); });
  }

  function start(text) {
    area.value = text;
    area.hidden = false;
    var loading = document.querySelector("[data-loading]");
    if (loading) { loading.remove(); }
    editorCm = CodeMirror.fromTextArea(area, {
      mode: "yaml", lineNumbers: true, indentUnit: 2, tabSize: 2, indentWithTabs: false,
      gutters: ["CodeMirror-lint-markers"], direction: "ltr", viewportMargin: 20,
      screenReaderLabel: area.getAttribute("data-label"),
      extraKeys: { Tab: function (cm) { cm.replaceSelection("  "); } },
      lint: { getAnnotations: function (value, done) {
        clearTimeout(timer);
        timer = setTimeout(function () { check(value, done); }, 600);
      }, async: true }
    });
    var scroller = editorCm.getScrollerElement();
    scroller.setAttribute("tabindex", "0");  // the scroll area can be reached and scrolled with the keyboard
    scroller.setAttribute("aria-label", area.getAttribute("data-label"));
    scroller.setAttribute("role", "region");
    var wanted = parseInt((location.hash.match(/^#line-(\d+)/) || [])[1], 10);
    if (wanted) { goTo(wanted); }
  }
  function goTo(line) {
    editorCm.focus();
    editorCm.setCursor({ line: line - 1, ch: 0 });
    editorCm.scrollIntoView({ line: line - 1, ch: 0 }, 120);
  }
  document.addEventListener("click", function (event) {
    var a = event.target.closest("[data-line]");
    if (a && editorCm) { event.preventDefault(); goTo(parseInt(a.getAttribute("data-line"), 10)); }
  });
  if (area.hidden) {
    getJSON(area.getAttribute("data-source")).then(function (data) {
      textForm.querySelector("[data-base]").value = data.base;
      start(data.source);
    });
  } else {
    start(area.value);
  }
  textForm.addEventListener("submit", function () { if (editorCm) { editorCm.save(); } });
})();
