/* Problems found by the server, shown next to their questions and table cells. */
import { container } from "./values.js";

function setCellErrors(td, messages) {
  td.querySelectorAll(":scope > .live-error").forEach(function (p) { p.remove(); });
  (messages || []).forEach(function (text) {
    var p = document.createElement("p");
    p.className = "error-message live-error";
    p.textContent = text;
    td.insertBefore(p, td.firstChild);
  });
}

export function showProblems(types, reply) {
  var refused = reply.refused || {};
  Object.keys(types).forEach(function (qid) {
    var el = container(qid);
    if (!el) { return; }
    var own = (refused[qid] || []).concat((reply.problems || {})[qid] || []);
    el.querySelectorAll(".error-message:not(.live-error)").forEach(function (p) { p.remove(); });
    var box = el.querySelector("fieldset, .field") || el;
    var anchor = box.querySelector("input, select, textarea, .radios, .checkboxes, .table-scroll");
    var parent = anchor ? anchor.parentNode : box;
    parent.querySelectorAll(":scope > .live-error").forEach(function (p) { p.remove(); });
    own.forEach(function (text) {
      var p = document.createElement("p");
      p.className = "error-message live-error";
      p.textContent = text;
      parent.insertBefore(p, anchor);
    });
    var cells = (reply.cells || {})[qid] || {};
    el.classList.toggle("field-error", own.length > 0 || Object.keys(cells).length > 0);
    el.querySelectorAll("td[data-column]").forEach(function (td) {
      var tr = td.closest("tr");
      var list = cells[tr.getAttribute("data-row") + "-" + td.getAttribute("data-column")] || [];
      setCellErrors(td, list);
      td.classList.toggle("cell-error", list.length > 0);
    });
  });
}
