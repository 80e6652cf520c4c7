/* Small helpers on every page: move focus to an error summary; print buttons. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus]");
  if (summary) { summary.focus(); }
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
