/* Reading and writing answers in the page: one question's value as the server stores it. */
import { setTable } from "./tables.js";

export function container(qid) { return document.getElementById("q-" + qid); }

export function inputs(el, name) {
  return Array.prototype.slice.call(el.querySelectorAll("[name='" + CSS.escape(name) + "']"));
}

/* A typed number as exact decimal text (Arabic separators too). */
export function number(text) {
  var t = String(text).replace(/[\s\u00a0\u202f\u066c]/g, "").replace(/\u066b/g, ".");
  if (t.indexOf(",") >= 0 && t.indexOf(".") < 0) { t = t.replace(/,/g, "."); }
  return t;
}

export function fieldValue(el, name, type) {
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

function tableValue(el, qid) {
  var rows = [];
  el.querySelectorAll("tbody tr[data-row]").forEach(function (tr) {
    var row = {};
    tr.querySelectorAll("td[data-column]").forEach(function (td) {
      var column = td.getAttribute("data-column");
      var v = fieldValue(td, qid + "-" + tr.getAttribute("data-row") + "-" + column, columnType(td));
      if (v !== null && !(Array.isArray(v) && !v.length)) { row[column] = v; }
    });
    if (Object.keys(row).length) { rows.push(row); }
  });
  return rows.length ? rows : null;
}

export function setField(el, name, value) {
  var list = inputs(el, name);
  if (!list.length) { return; }
  var wanted = Array.isArray(value) ? value.map(String) : [value === null ? "" : String(value)];
  if (list[0].tagName === "SELECT") {
    Array.prototype.forEach.call(list[0].options, function (o) { o.selected = wanted.indexOf(o.value) >= 0; });
  } else if (list[0].type === "checkbox" || list[0].type === "radio") {
    list.forEach(function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
  } else {
    list[0].value = value === null ? "" : value;
    list[0].dispatchEvent(new Event("counter"));
  }
}

/* The answers of a page, keyed by question id; ``types``: question id -> type. */
export function Answers(types) { this.types = types; }

Answers.prototype.valueOf = function (qid) {
  var el = container(qid);
  var type = this.types[qid];
  if (!el || type === "note") { return null; }
  return type === "table" ? tableValue(el, qid) : fieldValue(el, qid, type);
};

Answers.prototype.setValue = function (qid, value) {
  var el = container(qid);
  if (!el) { return; }
  if (this.types[qid] === "table") { setTable(el, qid, value, setField); return; }
  setField(el, qid, value);
};

function versionInput(qid) {
  var el = container(qid);
  return el ? el.querySelector("input[name='" + CSS.escape("_v-" + qid) + "']") : null;
}

/* The stored version an answer on screen is based on (compare-and-set on the server). */
export function baseVersion(qid) { var i = versionInput(qid); return i ? parseInt(i.value, 10) || 0 : 0; }
export function setBaseVersion(qid, version) { var i = versionInput(qid); if (i) { i.value = version; } }

/* Questions whose fields differ from what the server sent: changes made before this script ran
 * (a slow connection, a quick user) or restored by the browser, which no input event announced. */
export function changedSinceLoad(form) {
  var qids = [];
  form.querySelectorAll("input, textarea, select").forEach(function (i) {
    var differs = false;
    if (i.type === "hidden" || i.type === "file" || i.type === "submit" || i.type === "button") { return; }
    if (i.type === "checkbox" || i.type === "radio") { differs = i.checked !== i.defaultChecked; }
    else if (i.tagName === "SELECT") {
      differs = Array.prototype.some.call(i.options, function (o) { return o.selected !== o.defaultSelected; })
        && !(i.selectedIndex === 0 && !Array.prototype.some.call(i.options, function (o) { return o.defaultSelected; }));
    } else { differs = i.value !== i.defaultValue; }
    var el = differs && i.closest(".question");
    var qid = el && el.getAttribute("data-qid");
    if (qid && qids.indexOf(qid) < 0) { qids.push(qid); }
  });
  return qids;
}

export function editable(qid) {
  var el = container(qid);
  return !!(el && el.querySelector("input[name='" + CSS.escape("_p-" + qid) + "']"));
}
