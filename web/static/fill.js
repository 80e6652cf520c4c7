/* Completing a page: instant branching, autosave, a local copy, conflicts, table rows.
 *
 * Without this script the page still works (plain form posts). With it:
 *  - follow-up questions appear and disappear as the user answers, using the engine's condition
 *    trees (conditions.js); the server re-evaluates on every save and has the last word;
 *  - changes are saved in the background ("Saved at 10:42" / "Not saved, retrying");
 *  - every unsaved change is kept in this browser (localStorage) until the server confirms it,
 *    so a dropped connection or an expired session loses nothing: the page offers it back;
 *  - each change carries the answer version it was based on and a key, so the same change sent
 *    twice counts once and a colleague's newer answer is never overwritten (both are shown).
 */
(function () {
  "use strict";
  var form = document.getElementById("page-form");
  var texts = document.getElementById("fill-messages");
  if (!form || !texts || !window.Conditions || !window.fetch) { return; }
  var data = JSON.parse(form.getAttribute("data-fill"));
  var msg = texts.dataset;
  var stateBox = form.querySelector("[data-save-state]");
  var storeKey = "checklist:u" + data.user + ":r" + data.response;
  var pending = {};   // qid -> {value, base, key, at}
  var timer = null, inFlight = false, retryDelay = 0, retryTimer = null, submitting = false;

  // -- reading and writing answers in the page --------------------------------------------------
  function container(qid) { return document.getElementById("q-" + qid); }
  function inputs(el, name) { return Array.prototype.slice.call(el.querySelectorAll("[name='" + CSS.escape(name) + "']")); }

  function number(text) {
    var t = String(text).replace(/[\s\u00a0\u202f\u066c]/g, "").replace(/\u066b/g, ".");  // Arabic separators too
    if (t.indexOf(",") >= 0 && t.indexOf(".") < 0) { t = t.replace(/,/g, "."); }
    return t;
  }

  function fieldValue(el, name, type) {
    var list = inputs(el, name);
    if (!list.length) { return null; }
    if (type === "multiple_choice") {
      var first = list[0];
      if (first.tagName === "SELECT") {
        return Array.prototype.filter.call(first.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      }
      var chosen = list.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      return chosen.length ? chosen : null;
    }
    if (type === "single_choice" || type === "yes_no") {
      var value = null;
      if (list[0].tagName === "SELECT") { value = list[0].value || null; }
      else { list.forEach(function (i) { if (i.checked) { value = i.value; } }); }
      if (type === "yes_no" && value !== null) { return value === "true"; }
      return value;
    }
    var text = list[0].value;
    if (!text || !text.trim()) { return null; }
    if (type === "number") { return number(text); }
    return text.replace(/\r\n/g, "\n");
  }

  function tableValue(el, qid) {
    var rows = [];
    el.querySelectorAll("tbody tr[data-row]").forEach(function (tr) {
      var row = {};
      tr.querySelectorAll("td[data-column]").forEach(function (td) {
        var column = td.getAttribute("data-column");
        var name = qid + "-" + tr.getAttribute("data-row") + "-" + column;
        var v = fieldValue(td, name, columnType(td));
        if (v !== null && !(Array.isArray(v) && !v.length)) { row[column] = v; }
      });
      if (Object.keys(row).length) { rows.push(row); }
    });
    return rows.length ? rows : null;
  }

  function columnType(td) {
    if (td.querySelector("input[type=checkbox]")) { return "multiple_choice"; }
    if (td.querySelector("input[type=radio]")) {
      var values = Array.prototype.map.call(td.querySelectorAll("input[type=radio]"), function (i) { return i.value; });
      return values.join() === "true,false" ? "yes_no" : "single_choice";
    }
    var input = td.querySelector("[name]");
    if (input && input.classList.contains("number")) { return "number"; }
    if (input && input.tagName === "SELECT" && input.multiple) { return "multiple_choice"; }
    if (input && input.tagName === "SELECT") { return "single_choice"; }
    return "text";
  }

  function valueOf(qid) {
    var el = container(qid);
    var type = data.types[qid];
    if (!el || type === "note") { return null; }
    return type === "table" ? tableValue(el, qid) : fieldValue(el, qid, type);
  }

  function setValue(qid, value) {
    var el = container(qid);
    if (!el) { return; }
    if (data.types[qid] === "table") { setTable(el, qid, value); return; }
    setField(el, qid, value);
  }

  function setField(el, name, value) {
    var list = inputs(el, name);
    if (!list.length) { return; }
    if (list[0].tagName === "SELECT") {
      var wanted = Array.isArray(value) ? value.map(String) : [value === null ? "" : String(value)];
      Array.prototype.forEach.call(list[0].options, function (o) { o.selected = wanted.indexOf(o.value) >= 0; });
    } else if (list[0].type === "checkbox" || list[0].type === "radio") {
      var want = Array.isArray(value) ? value.map(String) : [value === null ? "" : String(value)];
      list.forEach(function (i) { i.checked = want.indexOf(i.value) >= 0; });
    } else {
      list[0].value = value === null ? "" : value;
    }
  }

  /* Show the rows of a table answer (a restored local copy): as many rows as needed, cells filled. */
  function setTable(el, qid, rows) {
    var table = el.querySelector("table[data-table]");
    if (!table) { return; }
    var body = table.querySelector("tbody");
    rows = rows || [];
    var wanted = Math.max(rows.length, 1);
    while (body.querySelectorAll("tr[data-row]").length < wanted) {
      body.appendChild(blankRow(body.querySelector("tr[data-row]:last-child")));
    }
    while (body.querySelectorAll("tr[data-row]").length > wanted) {
      body.removeChild(body.querySelector("tr[data-row]:last-child"));
    }
    renumber(table, qid);
    body.querySelectorAll("tr[data-row]").forEach(function (tr, index) {
      var row = rows[index] || {};
      tr.querySelectorAll("td[data-column]").forEach(function (td) {
        var column = td.getAttribute("data-column");
        setField(td, qid + "-" + index + "-" + column, row[column] === undefined ? null : row[column]);
      });
    });
  }

  function blankRow(last) {
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input, textarea, select").forEach(function (i) {
      if (i.type === "checkbox" || i.type === "radio") { i.checked = false; }
      else if (i.tagName === "SELECT") { Array.prototype.forEach.call(i.options, function (o) { o.selected = false; }); }
      else { i.value = ""; }
    });
    copy.querySelectorAll(".error-message").forEach(function (p) { p.remove(); });
    copy.querySelectorAll(".cell-error").forEach(function (td) { td.classList.remove("cell-error"); });
    return copy;
  }

  function versionInput(qid) {
    var el = container(qid);
    return el ? el.querySelector("input[name='" + CSS.escape("_v-" + qid) + "']") : null;
  }
  function baseVersion(qid) { var i = versionInput(qid); return i ? parseInt(i.value, 10) || 0 : 0; }
  function editable(qid) {
    var el = container(qid);
    return !!(el && el.querySelector("input[name='" + CSS.escape("_p-" + qid) + "']"));
  }

  // -- branching ------------------------------------------------------------------------------------
  function clientValue(qid, raw) {
    var type = data.types[qid];
    if (raw === null) { return null; }
    if (type === "number") { return Conditions.number(raw); }
    return raw;
  }

  function refresh() {
    var values = {};
    Object.keys(data.outside).forEach(function (k) { values[k] = data.outside[k]; });
    var shownGroups = {};
    Object.keys(data.types).forEach(function (qid) {
      var visible = (data.chains[qid] || []).every(function (gid) {
        if (!(gid in shownGroups)) { shownGroups[gid] = Conditions.evaluate(data.conditions[gid], values, null); }
        return shownGroups[gid];
      });
      if (visible && data.conditions[qid]) { visible = Conditions.evaluate(data.conditions[qid], values, null); }
      var el = container(qid);
      if (el) { el.hidden = !visible; }
      if (visible) { values[qid] = clientValue(qid, valueOf(qid)); }
    });
  }

  // -- the local copy ---------------------------------------------------------------------------------
  function readStore() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function writeStore(store) {
    try {
      if (Object.keys(store).length) { localStorage.setItem(storeKey, JSON.stringify(store)); }
      else { localStorage.removeItem(storeKey); }
    } catch (e) { /* storage full or disabled: autosave still works */ }
  }
  function keep(qid, entry) {
    var store = readStore();
    store[qid] = { value: entry.value, base: entry.base, key: entry.key, at: entry.at, page: data.page };
    writeStore(store);
  }
  function forget(qid, key) {
    var store = readStore();
    if (store[qid] && (!key || store[qid].key === key)) { delete store[qid]; writeStore(store); }
  }

  // -- saving -------------------------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID().replace(/-/g, ""); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function changed(qid) {
    if (!editable(qid)) { return; }
    var entry = { value: valueOf(qid), base: baseVersion(qid), key: newKey(), at: new Date().toISOString() };
    pending[qid] = entry;
    keep(qid, entry);
    refresh();
    schedule(1200);
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(send, delay);
  }

  function show(text, kind) {
    if (!stateBox) { return; }
    stateBox.textContent = text;
    stateBox.className = "save-state" + (kind ? " save-" + kind : "");
  }

  function time() {
    return new Date().toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
  }

  function csrf() { var i = form.querySelector("input[name=csrf_token]"); return i ? i.value : ""; }

  function send() {
    var qids = Object.keys(pending);
    if (!qids.length || inFlight) { return; }
    inFlight = true;
    var sent = {};
    var changes = qids.map(function (qid) {
      sent[qid] = pending[qid];
      return { q: qid, value: pending[qid].value, base: pending[qid].base, key: pending[qid].key };
    });
    show(msg.saving, "busy");
    fetch(data.autosave, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ page: data.page, changes: changes })
    }).then(function (response) {
      // An ended session answers with the login page (a redirect) or 401; a stale form token with 400.
      var toLogin = response.redirected && new URL(response.url).pathname === new URL(msg.login, location.href).pathname;
      if (toLogin || response.status === 401 || response.status === 400 || response.status === 403) {
        inFlight = false;
        expired();
        return null;
      }
      if (response.status === 409 || response.status === 503) {
        // 409: submitted meanwhile (nothing stored); 503: the database is unavailable (nothing stored,
        // try again after Retry-After). Either way the changes stay here, in this browser.
        return response.json().catch(function () { return {}; }).then(function (body) {
          inFlight = false;
          if (body.closed) { closed(body.error); return null; }
          retry(parseFloat(response.headers.get("Retry-After")) || body.retry_after);
          return null;
        });
      }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (reply) {
      if (!reply) { return; }
      inFlight = false;
      retryDelay = 0;
      applyReply(reply, sent);
      if (Object.keys(pending).length) { schedule(300); }
    }).catch(function () {
      inFlight = false;
      retry();
    });
  }

  function retry(after) {
    show(navigator.onLine === false ? msg.offline : msg.retrying, "error");
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 30000);
    if (after > 0) { retryDelay = Math.max(retryDelay, Math.min(after * 1000, 120000)); }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, retryDelay);
  }

  /* The response stopped taking answers (submitted meanwhile): say so; the local copy stays. */
  function closed(text) {
    clearTimeout(timer);
    clearTimeout(retryTimer);
    pending = {};
    show(text || msg.closed, "error");
  }

  function expired() {
    show(msg.expired, "error");
    if (stateBox && !stateBox.querySelector("a")) {
      var a = document.createElement("a");
      a.href = msg.login;
      a.textContent = " " + msg.loginText;
      stateBox.appendChild(a);
    }
  }

  function applyReply(reply, sent) {
    var saved = Object.assign({}, reply.saved || {}, reply.unchanged || {});
    Object.keys(saved).forEach(function (qid) {
      var input = versionInput(qid);
      if (input) { input.value = saved[qid]; }
      var entry = sent[qid];
      if (pending[qid] === entry) {
        delete pending[qid];
        if (entry) { forget(qid, entry.key); }
      } else if (pending[qid]) {
        pending[qid].base = saved[qid];  // a newer change waits; it builds on this version
        keep(qid, pending[qid]);
      }
    });
    Object.keys(reply.kept || {}).forEach(function (qid) {
      // a stale change of nothing (the value it was based on): a colleague's newer answer stays, shown here
      var input = versionInput(qid);
      if (input) { input.value = reply.kept[qid].version; }
      if (pending[qid] === sent[qid]) {
        delete pending[qid];
        forget(qid);
        setValue(qid, reply.kept[qid].value);
      }
    });
    refresh();
    (reply.ignored || []).forEach(function (qid) {
      if (pending[qid] === sent[qid]) { delete pending[qid]; forget(qid); }
    });
    Object.keys(reply.refused || {}).forEach(function (qid) {
      if (pending[qid] === sent[qid]) { delete pending[qid]; }
    });
    showProblems(reply);
    (reply.conflicts || []).forEach(function (c) {
      if (pending[c.q] === sent[c.q]) { delete pending[c.q]; }
      showConflict(c);
    });
    if (reply.visible) {
      Object.keys(reply.visible).forEach(function (qid) { var el = container(qid); if (el) { el.hidden = !reply.visible[qid]; } });
    }
    if ((reply.conflicts || []).length) { show(msg.conflict, "error"); }
    else if (Object.keys(reply.refused || {}).length) { show(msg.refused, "error"); }
    else { show(msg.saved.replace("{time}", time()), "ok"); }
  }

  function setErrors(el, messages, before) {
    el.querySelectorAll(":scope > .live-error").forEach(function (p) { p.remove(); });
    (messages || []).forEach(function (text) {
      var p = document.createElement("p");
      p.className = "error-message live-error";
      p.setAttribute("role", "alert");
      p.textContent = text;
      el.insertBefore(p, before || el.firstChild);
    });
  }

  function showProblems(reply) {
    var refused = reply.refused || {};
    Object.keys(data.types).forEach(function (qid) {
      var el = container(qid);
      if (!el) { return; }
      var own = (refused[qid] || []).concat((reply.problems || {})[qid] || []);
      el.querySelectorAll(".error-message:not(.live-error)").forEach(function (p) { p.remove(); });
      var box = el.querySelector("fieldset, .field") || el;
      var anchor = box.querySelector("input, select, textarea, .radios, .checkboxes, .table-scroll");
      var parent = anchor ? anchor.parentNode : box;
      parent.querySelectorAll(":scope > .live-error").forEach(function (p) { p.remove(); });
      (own || []).forEach(function (text) {
        var p = document.createElement("p");
        p.className = "error-message live-error";
        p.textContent = text;
        parent.insertBefore(p, anchor);
      });
      el.classList.toggle("field-error", own.length > 0);
      var cells = (reply.cells || {})[qid] || {};
      el.querySelectorAll("td[data-column]").forEach(function (td) {
        var tr = td.closest("tr");
        var list = cells[tr.getAttribute("data-row") + "-" + td.getAttribute("data-column")] || [];
        setErrors(td, list, td.firstChild);
        td.classList.toggle("cell-error", list.length > 0);
      });
    });
  }

  // -- conflicts --------------------------------------------------------------------------------------
  function showConflict(c) {
    var el = container(c.q);
    if (!el) { return; }
    var old = el.querySelector(".conflict-panel");
    if (old) { old.remove(); }
    var panel = document.createElement("div");
    panel.className = "conflict-panel";
    panel.setAttribute("role", "alert");
    var title = document.createElement("p");
    title.className = "conflict-title";
    title.textContent = msg.conflictTitle;
    panel.appendChild(title);
    var grid = document.createElement("div");
    grid.className = "side-by-side";
    [[msg.yours, c.mine_text, "mine"], [msg.theirs.replace("{name}", c.by || "?"), c.theirs_text, "theirs"]].forEach(function (part) {
      var box = document.createElement("div");
      box.className = "choice-box";
      var strong = document.createElement("strong");
      strong.textContent = part[0];
      var value = document.createElement("div");
      value.className = "value";
      value.setAttribute("dir", "auto");
      value.textContent = part[1] || "—";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary";  // neither choice is the default
      button.textContent = part[2] === "mine" ? msg.keepMine : msg.keepTheirs;
      button.setAttribute("data-keep", part[2]);
      button.addEventListener("click", function () { resolve(c, part[2], panel); });
      box.appendChild(strong); box.appendChild(value); box.appendChild(button);
      grid.appendChild(box);
    });
    panel.appendChild(grid);
    el.insertBefore(panel, el.firstChild);
  }

  function resolve(c, choice, panel) {
    var input = versionInput(c.q);
    if (input) { input.value = c.their_version; }
    if (choice === "theirs") {
      setValue(c.q, c.theirs);
      forget(c.q);
      refresh();
    } else {
      var entry = { value: c.mine, base: c.their_version, key: newKey(), at: new Date().toISOString() };
      pending[c.q] = entry;
      keep(c.q, entry);
      schedule(0);
    }
    panel.remove();
  }

  // -- restoring a local copy ------------------------------------------------------------------------
  function offerRestore() {
    var store = readStore();
    var mine = Object.keys(store).filter(function (qid) {
      return store[qid].page === data.page && (qid in data.types) && editable(qid) &&
        JSON.stringify(store[qid].value) !== JSON.stringify(valueOf(qid));
    });
    Object.keys(store).forEach(function (qid) {  // stale entries of this page already saved
      if (store[qid].page === data.page && mine.indexOf(qid) < 0) { delete store[qid]; }
    });
    writeStore(store);
    var banner = document.querySelector("[data-restore]");
    if (!mine.length || !banner) { return; }
    banner.hidden = false;
    banner.querySelector("[data-restore-apply]").addEventListener("click", function () {
      mine.forEach(function (qid) {
        setValue(qid, store[qid].value);
        pending[qid] = { value: store[qid].value, base: store[qid].base, key: store[qid].key, at: store[qid].at };
      });
      banner.hidden = true;
      refresh();
      schedule(0);
    });
    banner.querySelector("[data-restore-discard]").addEventListener("click", function () {
      mine.forEach(function (qid) { forget(qid); });
      banner.hidden = true;
    });
  }

  // -- table rows without reloading --------------------------------------------------------------------
  function renumber(table, qid) {
    table.querySelectorAll("tbody tr[data-row]").forEach(function (tr, index) {
      var old = tr.getAttribute("data-row");
      tr.setAttribute("data-row", index);
      var head = tr.querySelector(".row-number");
      if (head) { head.textContent = index + 1; }
      tr.querySelectorAll("[name], [id], [for]").forEach(function (node) {
        ["name", "id", "for"].forEach(function (attr) {
          var v = node.getAttribute(attr);
          if (v && v.indexOf(qid + "-" + old + "-") === 0) {
            node.setAttribute(attr, qid + "-" + index + "-" + v.slice((qid + "-" + old + "-").length));
          }
        });
      });
      tr.querySelectorAll("[data-row-action]").forEach(function (b) {
        b.value = b.getAttribute("data-row-action") + ":" + qid + ":" + index;
      });
    });
  }

  function rowAction(event) {
    var button = event.target.closest("[data-row-action], [data-add-row]");
    if (!button) { return; }
    event.preventDefault();
    var el = button.closest(".question");
    var qid = el.getAttribute("data-qid");
    var table = el.querySelector("table[data-table]");
    var body = table.querySelector("tbody");
    if (button.hasAttribute("data-add-row")) {
      var copy = blankRow(body.querySelector("tr[data-row]:last-child"));
      body.appendChild(copy);
      renumber(table, qid);
      var first = copy.querySelector("input, textarea, select");
      if (first) { first.focus(); }
      return;  // an empty row changes nothing until something is typed in it
    }
    var tr = button.closest("tr");
    var action = button.getAttribute("data-row-action");
    var position = Array.prototype.indexOf.call(body.querySelectorAll("tr[data-row]"), tr);
    if (action === "remove") {
      if (body.querySelectorAll("tr[data-row]").length > 1) { tr.remove(); }
      else { body.replaceChild(blankRow(tr), tr); }  // the only row: emptied
    } else if (action === "up" && tr.previousElementSibling) {
      body.insertBefore(tr, tr.previousElementSibling);
    } else if (action === "down" && tr.nextElementSibling) {
      body.insertBefore(tr.nextElementSibling, tr);
    }
    renumber(table, qid);
    changed(qid);
    if (button.isConnected) { button.focus(); return; }
    // the row is gone: focus moves to the first field of the row now in its place
    var rows = body.querySelectorAll("tr[data-row]");
    var field = rows[Math.min(position, rows.length - 1)].querySelector("input, textarea, select");
    if (field) { field.focus(); }
  }

  // -- wiring -------------------------------------------------------------------------------------------
  function questionOf(target) {
    var el = target.closest && target.closest(".question");
    return el ? el.getAttribute("data-qid") : null;
  }

  form.addEventListener("input", function (event) {
    var qid = questionOf(event.target);
    if (qid) { changed(qid); }
  });
  form.addEventListener("change", function (event) {
    var qid = questionOf(event.target);
    if (qid) { changed(qid); }
  });
  form.addEventListener("click", rowAction);
  form.addEventListener("submit", function () { clearTimeout(timer); submitting = true; });
  window.addEventListener("online", function () { if (Object.keys(pending).length) { retryDelay = 0; send(); } });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && (Object.keys(pending).length || inFlight)) { event.preventDefault(); }
  });

  refresh();
  offerRestore();
})();
