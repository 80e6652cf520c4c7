/* Table answers: adding, moving and removing rows without reloading the page. */

export function blankRow(last) {
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

/* Give rows, names, ids and labels the numbers of their new places. */
export function renumber(table, qid) {
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

/* Show the rows of a table answer (a restored local copy): as many rows as needed, cells filled. */
export function setTable(el, qid, rows, setField) {
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

/* Row buttons (add, up, down, remove) handled in the page; ``changed(qid)`` after a real change. */
export function handleRowButtons(form, changed) {
  form.addEventListener("click", function (event) {
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
  });
}
