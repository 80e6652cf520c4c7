/* Evidence files on the fill page (progressive enhancement; the upload forms work without it).
   Choosing a file submits its upload form at once; the row of a table cell is read from the page at
   that moment (rows may have been added or moved); the page's autosave does not see the choice. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-upload]") || !input.files.length) { return; }
    event.stopPropagation();
    var form = input.form;
    if (!form) { return; }
    var tr = input.closest("tr[data-row]");
    var row = form.querySelector("[data-upload-row]");
    if (tr && row) { row.value = tr.getAttribute("data-row"); }
    input.disabled = false;
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }, true);
})();
